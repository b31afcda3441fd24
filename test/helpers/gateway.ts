/**
 * Starts the gateway for a test: in-process (buildApp) or as a child process that can be
 * SIGKILLed. Every client key is generated (support/clients-file.ts); logs go to a file the test can scan.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, createWriteStream, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { loadConfig } from '../../src/config.js'
import { listenInProcess } from '../../support/in-process-gateway.js'
import { freePort } from '../../support/redis-server.js'
import { waitFor } from '../../support/wait.js'

import { makeClients, type Keys, type TestClient } from '../../support/clients-file.js'

export interface TestEnv {
  /** One Redis server; or `redisEnv`, the Redis variables of any topology (support/test-redis.ts). */
  redisUrl?: string
  redisEnv?: Record<string, string>
  portalUrl: string
  env?: Record<string, string>
  /** Clients besides the admin and one per system (e.g. sector clients with webhooks). */
  extraClients?: TestClient[]
  /** Reuse another gateway's clients file and keys (two gateways on one Redis). */
  clients?: { file: string, keys: Keys }
}

function baseEnv (t: TestEnv, clientsFile: string): Record<string, string> {
  return {
    ...(t.redisUrl === undefined ? {} : { REDIS_URL: t.redisUrl }),
    ...t.redisEnv,
    PORTAL_URL: t.portalUrl,
    CLIENTS_FILE: clientsFile,
    LOG_LEVEL: 'debug',
    HOST: '127.0.0.1',
    DELIVERY_BACKOFF_BASE_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '500',
    BREAKER_COOLDOWN_MS: '100',
    BREAKER_MAX_COOLDOWN_MS: '500',
    DELIVERY_SWEEP_INTERVAL_MS: '2000',
    PORTAL_TIMEOUT_MS: '2000',
    ...t.env
  }
}

export interface InProcessGateway { app: FastifyInstance, url: string, keys: Keys, clientsFile: string, logFile: string, logs: () => string, close: () => Promise<void> }

export async function startGateway (t: TestEnv): Promise<InProcessGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'lt-gw-'))
  const { file, keys } = t.clients ?? makeClients(dir, { extra: t.extraClients ?? [] })
  const config = loadConfig(baseEnv(t, file))
  // PORT given by the test: it built a URL to this gateway into its env (NOTICES_PUBLIC_URL).
  const gw = await listenInProcess(config, dir, t.env?.PORT === undefined ? 0 : config.PORT)
  return { ...gw, keys, clientsFile: file }
}

/**
 * Resolves once both job queues have written their metadata hash. BullMQ writes it on its own
 * connection after the app is ready, so a "nothing stored" snapshot taken first may miss it; under
 * Node 22 it reliably does.
 */
export async function queuesSettled (gw: InProcessGateway, db: Redis): Promise<void> {
  const metas = [gw.app.queues.delivery.toKey('meta'), gw.app.queues.webhooks.toKey('meta')]
  await waitFor(async () => await db.exists(...metas) === metas.length, { what: 'the job queues to write their metadata' })
}

export interface ChildGateway { url: string, keys: Keys, proc: ChildProcess, logFile: string, kill: () => Promise<void>, stop: () => Promise<void> }

/** The real entry point (src/server.ts) in its own process. */
export async function spawnGateway (t: TestEnv, reuse?: { keysDir: string, keys: Keys, port: number }): Promise<ChildGateway & { keysDir: string, port: number }> {
  const dir = reuse?.keysDir ?? mkdtempSync(join(tmpdir(), 'lt-gwp-'))
  const made = reuse === undefined ? makeClients(dir) : { file: join(dir, 'clients.json'), keys: reuse.keys }
  const port = reuse?.port ?? await freePort()
  const logFile = join(dir, `gateway-${Date.now()}.log`)
  const out = createWriteStream(logFile)
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, ...baseEnv(t, made.file), PORT: String(port), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  proc.stdout?.pipe(out)
  proc.stderr?.pipe(out)
  const url = `http://127.0.0.1:${port}`
  await waitFor(async () => {
    if (proc.exitCode !== null) throw new Error(`gateway exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`)
    try { return (await fetch(`${url}/health/ready`)).status === 200 } catch { return false }
  }, { timeoutMs: 60_000, what: 'the gateway process to be ready' })
  const exited = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return
    await new Promise<void>(resolve => proc.once('exit', () => { resolve() }))
  }
  return {
    url,
    keys: made.keys,
    proc,
    logFile,
    keysDir: dir,
    port,
    kill: async () => { const e = exited(); proc.kill('SIGKILL'); await e },
    stop: async () => { const e = exited(); proc.kill('SIGTERM'); await e }
  }
}
