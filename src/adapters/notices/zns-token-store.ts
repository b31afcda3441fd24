/**
 * ZNS tokens in Redis, shared by every gateway process. The refresh token rotates, so:
 * - one refresh at a time across every process: a lock (`SET NX PX`, a random value) taken
 *   before the OAuth call, held longer than that call can take;
 * - the new pair is stored before anything uses it, by a compare-and-set on the token's
 *   generation (Lua): a pair is stored only over the generation it was refreshed from, so a
 *   process that lost its lock can never overwrite a newer pair;
 * - a `-124` on a token older than the stored one uses the stored one and refreshes nothing;
 * - `-14014` (refresh token spent or invalid) stops ZNS for every process until a person
 *   authorises the Official Account again (`authorise`).
 * Within a process, concurrent callers share one refresh attempt per generation. Tokens are
 * never logged: nothing here logs, and errors carry codes only.
 */
import { randomUUID } from 'node:crypto'
import type { Agent } from 'undici'
import type { RedisClient } from '../../store/redis/connection.js'
import type { SendOutcome } from './outcome.js'
import { refreshZnsToken, type ZnsOAuthOptions, type ZnsTokenPair } from './zns-oauth.js'

export interface ZnsToken { accessToken: string, generation: number }

export type TokenResult = { ok: true, token: ZnsToken } | { ok: false, outcome: SendOutcome }

export interface ZnsTokenStoreOptions {
  /** KEY_PREFIX: keys are `<prefix>:{zns}:token` and `<prefix>:{zns}:refresh-lock` (one slot). */
  prefix: string
  oauth: ZnsOAuthOptions
  /** Refresh this long before the stored expiry; default 5 min. */
  earlyMs?: number
  /** How long a caller waits for another process's refresh before answering `retry`; default 2 × the OAuth timeout + 5 s. */
  waitMs?: number
  /** Between looks at the store while another process refreshes; default 25 ms. */
  pollMs?: number
  now?: () => number
}

/** Stores a refreshed pair over generation ARGV[1] only; deletes the lock if it is still ours. Returns the new generation, or 0. */
const STORE = `
local gen = tonumber(redis.call('HGET', KEYS[1], 'generation') or '0')
if gen ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'access', ARGV[3], 'refresh', ARGV[4], 'expiresAt', ARGV[5], 'generation', gen + 1, 'refreshedAt', ARGV[6])
redis.call('HDEL', KEYS[1], 'stopped')
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return gen + 1
`

/** Marks ZNS stopped if the generation is still ARGV[1] (a newer pair means someone already fixed it). */
const STOP = `
local gen = tonumber(redis.call('HGET', KEYS[1], 'generation') or '0')
if gen ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'stopped', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
`

const UNLOCK = 'if redis.call(\'GET\', KEYS[1]) == ARGV[1] then return redis.call(\'DEL\', KEYS[1]) end return 0'

/** A person authorised the OA: a new pair, whatever was stored, and ZNS runs again. */
const AUTHORISE = `
local gen = tonumber(redis.call('HGET', KEYS[1], 'generation') or '0')
redis.call('HSET', KEYS[1], 'access', ARGV[1], 'refresh', ARGV[2], 'expiresAt', ARGV[3], 'generation', gen + 1, 'refreshedAt', ARGV[4])
redis.call('HDEL', KEYS[1], 'stopped')
return gen + 1
`

interface Stored { access?: string, refresh?: string, expiresAt: number, generation: number, stopped?: string }

export class ZnsTokenStore {
  readonly #redis: RedisClient
  readonly #agent: Agent
  readonly #o: Required<Omit<ZnsTokenStoreOptions, 'prefix' | 'oauth'>> & { oauth: ZnsOAuthOptions }
  readonly #key: string
  readonly #lock: string
  readonly #inFlight = new Map<number, Promise<TokenResult>>()
  /** OAuth calls made by this process (tests and metrics). */
  refreshCalls = 0

  constructor (redis: RedisClient, agent: Agent, o: ZnsTokenStoreOptions) {
    this.#redis = redis
    this.#agent = agent
    this.#key = `${o.prefix}:{zns}:token`
    this.#lock = `${o.prefix}:{zns}:refresh-lock`
    this.#o = {
      oauth: o.oauth,
      earlyMs: o.earlyMs ?? 300_000,
      waitMs: o.waitMs ?? 2 * o.oauth.timeoutMs + 5000,
      pollMs: o.pollMs ?? 25,
      now: o.now ?? Date.now
    }
  }

  /** A person authorised the Official Account (or an operator entered a pair): stored, and ZNS resumes. */
  async authorise (pair: ZnsTokenPair): Promise<number> {
    const now = this.#o.now()
    return Number(await this.#redis.eval(AUTHORISE, 1, this.#key, pair.accessToken, pair.refreshToken, String(now + pair.expiresInS * 1000), String(now)))
  }

  /** Why ZNS is stopped, or undefined while it runs. */
  async stopped (): Promise<string | undefined> {
    return (await this.#read()).stopped
  }

  /** The token to send with: the stored one, refreshed first when it is about to expire. */
  async current (): Promise<TokenResult> {
    const s = await this.#read()
    const bad = this.#unusable(s)
    if (bad !== undefined) return bad
    if (s.expiresAt - this.#o.earlyMs > this.#o.now()) return { ok: true, token: { accessToken: s.access as string, generation: s.generation } }
    return await this.refreshAfterExpired(s.generation)
  }

  /**
   * The token of generation `seen` was refused (`-124`) or is about to expire: a newer stored
   * token if there is one, else the result of one refresh across every process.
   */
  async refreshAfterExpired (seen: number): Promise<TokenResult> {
    let p = this.#inFlight.get(seen)
    if (p === undefined) {
      p = this.#refresh(seen).finally(() => this.#inFlight.delete(seen))
      this.#inFlight.set(seen, p)
    }
    return await p
  }

  async #refresh (seen: number): Promise<TokenResult> {
    const deadline = this.#o.now() + this.#o.waitMs
    const lockMs = 2 * this.#o.oauth.timeoutMs + 5000
    for (;;) {
      const s = await this.#read()
      const bad = this.#unusable(s)
      if (bad !== undefined) return bad
      if (s.generation > seen) return { ok: true, token: { accessToken: s.access as string, generation: s.generation } }
      const me = randomUUID()
      if (await this.#redis.set(this.#lock, me, 'PX', lockMs, 'NX') === 'OK') return await this.#refreshHolding(me, s)
      if (this.#o.now() > deadline) return { ok: false, outcome: { kind: 'retry', reason: 'ZNS token refresh by another process did not finish in time' } }
      await new Promise(resolve => setTimeout(resolve, this.#o.pollMs))
    }
  }

  async #refreshHolding (me: string, before: Stored): Promise<TokenResult> {
    // Someone may have stored a pair between our read and our lock.
    const s = await this.#read()
    if (s.generation !== before.generation || s.refresh === undefined) {
      await this.#redis.eval(UNLOCK, 1, this.#lock, me)
      return await this.refreshAfterExpired(before.generation)
    }
    this.refreshCalls++
    const a = await refreshZnsToken(this.#agent, this.#o.oauth, s.refresh)
    if (a.ok) {
      const now = this.#o.now()
      const gen = Number(await this.#redis.eval(STORE, 2, this.#key, this.#lock, String(s.generation), me,
        a.pair.accessToken, a.pair.refreshToken, String(now + a.pair.expiresInS * 1000), String(now)))
      if (gen > 0) return { ok: true, token: { accessToken: a.pair.accessToken, generation: gen } }
      // A newer pair was stored meanwhile (an operator authorised the OA): that one is in force.
      const after = await this.#read()
      return this.#unusable(after) ?? { ok: true, token: { accessToken: after.access as string, generation: after.generation } }
    }
    if (a.refused && a.code === '-14014') {
      await this.#redis.eval(STOP, 2, this.#key, this.#lock, String(s.generation), 'ZNS refresh token spent or invalid (-14014): the Official Account must be authorised again', me)
      return await this.current()
    }
    await this.#redis.eval(UNLOCK, 1, this.#lock, me)
    if (a.refused) return { ok: false, outcome: { kind: 'retry', code: a.code, reason: a.reason, counted: true } }
    return { ok: false, outcome: { kind: 'retry', reason: `ZNS token refresh failed: ${a.reason}${a.lost ? ' (the answer was lost)' : ''}` } }
  }

  #unusable (s: Stored): TokenResult | undefined {
    if (s.stopped !== undefined) return { ok: false, outcome: { kind: 'stop-channel-config', scope: 'channel', then: 'hold', code: '-14014', reason: s.stopped } }
    if (s.access === undefined || s.refresh === undefined) {
      return { ok: false, outcome: { kind: 'stop-channel-config', scope: 'channel', then: 'hold', reason: 'no ZNS token stored: the Official Account must be authorised' } }
    }
    return undefined
  }

  async #read (): Promise<Stored> {
    const [access, refresh, expiresAt, generation, stopped] = await this.#redis.hmget(this.#key, 'access', 'refresh', 'expiresAt', 'generation', 'stopped')
    return {
      ...(access === null ? {} : { access }),
      ...(refresh === null ? {} : { refresh }),
      expiresAt: Number(expiresAt ?? 0),
      generation: Number(generation ?? 0),
      ...(stopped === null ? {} : { stopped })
    }
  }
}
