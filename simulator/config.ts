/**
 * Options of the simulator: defaults, and the SIM_* environment variables of the CLI.
 */
import { assertFaultsPatch } from './faults.js'
import type { FaultsPatch, OutageStatus, SimulatorOptions } from './types.js'

export const DEFAULT_PORT = 8090

export function defaultOptions (): SimulatorOptions {
  return {
    host: '127.0.0.1',
    port: 0,
    username: 'lienthong',
    password: 'lienthong-dev',
    callbackSecret: 'lienthong-callback-dev',
    bodyLimitBytes: 5 * 1024 * 1024,
    logLevel: false,
    faults: {},
    maxRecorded: 10_000,
    recordBodies: true,
    now: Date.now,
    callbackBackoffMs: 100,
    callbackTimeoutMs: 5000
  }
}

export function resolveOptions (partial: Partial<SimulatorOptions> = {}): SimulatorOptions {
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined))
  const options: SimulatorOptions = { ...defaultOptions(), ...given }
  assertFaultsPatch(options.faults)
  return options
}

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

function text (env: Env, name: string): string | undefined {
  const v = env[name]?.trim()
  return v === undefined || v === '' ? undefined : v
}

function num (env: Env, name: string, { integer = false, min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined {
  const raw = text(env, name)
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new ConfigError(`${name}=${raw}: expected ${integer ? 'an integer' : 'a number'} in ${min}..${max}`)
  }
  return n
}

function outage (env: Env): OutageStatus | undefined {
  const raw = text(env, 'SIM_OUTAGE')
  if (raw === undefined) return undefined
  if (raw === 'close') return 'close'
  if (raw === '502' || raw === '503' || raw === '504') return Number(raw) as 502 | 503 | 504
  throw new ConfigError(`SIM_OUTAGE=${raw}: expected 502, 503, 504 or close`)
}

/**
 * Options from SIM_* variables. Only variables that are set appear in the result, so that it can
 * be spread over other options. The CLI's port defaults to 8090, and it logs at info level.
 */
export function optionsFromEnv (env: Env = process.env): Partial<SimulatorOptions> {
  const o: Partial<SimulatorOptions> = {}
  o.port = num(env, 'SIM_PORT', { integer: true, max: 65_535 }) ?? DEFAULT_PORT
  const host = text(env, 'SIM_HOST')
  if (host !== undefined) o.host = host
  const username = text(env, 'SIM_USERNAME')
  if (username !== undefined) o.username = username
  // Not trimmed: a password may legitimately carry spaces.
  const password = env.SIM_PASSWORD
  if (password !== undefined && password !== '') o.password = password
  const secret = env.SIM_CALLBACK_SECRET
  if (secret !== undefined && secret !== '') o.callbackSecret = secret
  const bodyLimit = num(env, 'SIM_BODY_LIMIT_BYTES', { integer: true, min: 1 })
  if (bodyLimit !== undefined) o.bodyLimitBytes = bodyLimit
  const maxRecorded = num(env, 'SIM_MAX_RECORDED', { integer: true, min: 1 })
  if (maxRecorded !== undefined) o.maxRecorded = maxRecorded
  const recordBodies = text(env, 'SIM_RECORD_BODIES')
  if (recordBodies !== undefined) o.recordBodies = !['0', 'false', 'no'].includes(recordBodies.toLowerCase())
  o.logLevel = text(env, 'SIM_LOG_LEVEL') ?? 'info'

  const f: FaultsPatch = {}
  const ttl = num(env, 'SIM_SESSION_TTL_SECONDS', { integer: true })
  if (ttl !== undefined) f.sessionTtlSeconds = ttl
  const errorRate = num(env, 'SIM_ERROR_RATE', { max: 1 })
  if (errorRate !== undefined) f.errorRate = errorRate
  const latency = num(env, 'SIM_LATENCY_MS', { integer: true, max: 600_000 })
  if (latency !== undefined) f.latencyMs = latency
  const jitter = num(env, 'SIM_LATENCY_JITTER_MS', { integer: true, max: 600_000 })
  if (jitter !== undefined) f.latencyJitterMs = jitter
  const rate = num(env, 'SIM_RATE_LIMIT_RATE', { max: 1 })
  const retryAfter = num(env, 'SIM_RETRY_AFTER_SECONDS', { integer: true, max: 86_400 })
  if (rate !== undefined || retryAfter !== undefined) {
    f.rateLimit = { ...(rate === undefined ? {} : { rate }), ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }) }
  }
  const hangRate = num(env, 'SIM_HANG_RATE', { max: 1 })
  if (hangRate !== undefined) f.hangRate = hangRate
  const status = outage(env)
  if (status !== undefined) f.outage = { status }
  const seed = num(env, 'SIM_SEED', { integer: true, max: 4_294_967_295 })
  if (seed !== undefined) f.seed = seed
  o.faults = f
  return o
}
