/**
 * Fault injection: decides, per request, whether the simulated network or portal misbehaves.
 * Order: outage (the network in front is down) > script (deterministic, for tests) > random
 * faults drawn from a seeded PRNG, so that a run with the same seed and traffic repeats itself.
 */
import { Value } from 'typebox/value'
import { FaultsPatchSchema, type Faults, type FaultsPatch, type OutageStatus, type ProtocolPath } from './types.js'

export type Outcome =
  | { kind: 'process' }
  | { kind: 'status', status: number, retryAfterSeconds?: number, afterProcessing: boolean }
  | { kind: 'close', afterProcessing: boolean }
  | { kind: 'hang', afterProcessing: boolean }
  | { kind: 'error', code: string, message?: string }
  | { kind: 'expire-session' }
  | { kind: 'echo', status: number, code: string }

export interface Decision {
  outcome: Outcome
  /** `outage`, `script`, `random`, or `none` when the call goes through untouched. */
  source: 'outage' | 'script' | 'random' | 'none'
  latencyMs: number
}

export const NEUTRAL_FAULTS: Readonly<Faults> = Object.freeze({
  errorRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  outage: null,
  outageWindows: [],
  rateLimit: { rate: 0, retryAfterSeconds: 1 },
  hangRate: 0,
  sessionTtlSeconds: 3600,
  script: [],
  seed: 1
})

export class FaultsError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'FaultsError'
  }
}

/** Throws FaultsError naming the first bad setting, so that programmatic callers get the same checks as PUT /_sim/faults. */
export function assertFaultsPatch (patch: unknown): asserts patch is FaultsPatch {
  if (Value.Check(FaultsPatchSchema, patch)) return
  const first = [...Value.Errors(FaultsPatchSchema, patch)].at(-1)
  throw new FaultsError(`invalid faults${first === undefined ? '' : ` at ${first.instancePath || '/'}: ${first.message}`}`)
}

// Keys set to undefined by a programmatic caller mean "unchanged", as if absent.
function defined<T extends object> (o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

export function applyPatch (base: Faults, patch: FaultsPatch): Faults {
  const given = defined(patch)
  const next: Faults = structuredClone({ ...base, ...given, rateLimit: { ...base.rateLimit, ...defined(given.rateLimit ?? {}) } })
  if (next.latencyJitterMs > 0 && next.latencyMs + next.latencyJitterMs > 600_000) throw new FaultsError('latencyMs + latencyJitterMs exceeds 600000')
  return next
}

/** mulberry32: tiny, fast and good enough to spread faults; not for anything secret. */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class FaultController {
  readonly #initial: Faults
  readonly #now: () => number
  #faults: Faults
  #random: () => number

  constructor (initial: FaultsPatch, now: () => number) {
    assertFaultsPatch(initial)
    this.#initial = applyPatch(NEUTRAL_FAULTS, initial)
    this.#faults = structuredClone(this.#initial)
    this.#random = prng(this.#faults.seed)
    this.#now = now
  }

  get (): Faults {
    return structuredClone(this.#faults)
  }

  /** Merges into the current faults, or with `replace` starts from no faults at all. */
  set (patch: FaultsPatch, mode: 'merge' | 'replace' = 'merge'): Faults {
    assertFaultsPatch(patch)
    this.#faults = applyPatch(mode === 'replace' ? NEUTRAL_FAULTS : this.#faults, patch)
    if (mode === 'replace' || patch.seed !== undefined) this.#random = prng(this.#faults.seed)
    return this.get()
  }

  /** Back to the faults given at start, PRNG re-seeded. */
  reset (): Faults {
    this.#faults = structuredClone(this.#initial)
    this.#random = prng(this.#faults.seed)
    return this.get()
  }

  sessionTtlSeconds (): number {
    return this.#faults.sessionTtlSeconds
  }

  activeOutage (): OutageStatus | undefined {
    const f = this.#faults
    if (f.outage !== null) return f.outage.status
    const now = this.#now()
    return f.outageWindows.find(w => w.from <= now && now < w.to)?.status
  }

  decide (path: ProtocolPath, service: string | undefined): Decision {
    const outage = this.activeOutage()
    if (outage !== undefined) {
      const outcome: Outcome = outage === 'close'
        ? { kind: 'close', afterProcessing: false }
        : { kind: 'status', status: outage, afterProcessing: false }
      return { outcome, source: 'outage', latencyMs: 0 }
    }
    const scripted = path === '/service' ? this.#takeScript(service) : undefined
    if (scripted !== undefined) return { outcome: scripted, source: scripted.kind === 'process' ? 'none' : 'script', latencyMs: this.#latency() }
    const random = this.#drawRandom(path)
    return { outcome: random ?? { kind: 'process' }, source: random === undefined ? 'none' : 'random', latencyMs: this.#latency() }
  }

  #takeScript (service: string | undefined): Outcome | undefined {
    const script = this.#faults.script
    // The first entry for this service: entries aimed at another service wait for theirs.
    const i = script.findIndex(e => e.service === undefined || e.service === service)
    if (i < 0) return undefined
    const [e] = script.splice(i, 1)
    switch (e?.kind) {
      case undefined: return undefined
      case '429': return { kind: 'status', status: 429, retryAfterSeconds: e.retryAfterSeconds ?? this.#faults.rateLimit.retryAfterSeconds, afterProcessing: false }
      case 'status': return { kind: 'status', status: e.status, afterProcessing: e.afterProcessing === true }
      case 'close': return { kind: 'close', afterProcessing: e.afterProcessing === true }
      case 'hang': return { kind: 'hang', afterProcessing: e.afterProcessing === true }
      case 'error': return e.message === undefined ? { kind: 'error', code: e.code ?? '99' } : { kind: 'error', code: e.code ?? '99', message: e.message }
      case 'expire-session': return { kind: 'expire-session' }
      case 'echo': return { kind: 'echo', status: e.status ?? 200, code: e.code ?? '-1' }
      case 'pass': return { kind: 'process' }
    }
  }

  // Draws happen only for enabled faults, so turning one on does not reshuffle the others.
  #drawRandom (path: ProtocolPath): Outcome | undefined {
    const f = this.#faults
    if (f.rateLimit.rate > 0 && this.#random() < f.rateLimit.rate) {
      return { kind: 'status', status: 429, retryAfterSeconds: f.rateLimit.retryAfterSeconds, afterProcessing: false }
    }
    if (f.hangRate > 0 && this.#random() < f.hangRate) return { kind: 'hang', afterProcessing: false }
    if (path === '/service' && f.errorRate > 0 && this.#random() < f.errorRate) return { kind: 'error', code: '99' }
    return undefined
  }

  #latency (): number {
    const f = this.#faults
    if (f.latencyJitterMs === 0) return f.latencyMs
    return f.latencyMs + Math.floor(this.#random() * (f.latencyJitterMs + 1))
  }
}
