/**
 * ZNS tokens in Redis, shared by every gateway process. The refresh token rotates, so:
 * - one refresh at a time across every process: a lock (`SET NX PX`, a random value) taken
 *   before the OAuth call, held longer than that call can take;
 * - the new pair is stored before anything uses it, by a compare-and-set on the token's
 *   generation (lua/zns-token-store.lua): a pair is stored only over the generation it was refreshed from, so a
 *   process that lost its lock can never overwrite a newer pair;
 * - a `-124` on a token older than the stored one uses the stored one and refreshes nothing;
 * - `-14014` (refresh token spent or invalid) stops ZNS for every process until a person
 *   authorises the Official Account again (`authorise`).
 * Within a process, concurrent callers share one refresh attempt per generation. Tokens are
 * never logged: nothing here logs, and errors carry codes only.
 */
import { randomUUID } from 'node:crypto'
import type { Agent } from 'undici'
import type { Result } from 'ioredis'
import type { RedisClient } from '../../store/redis/connection.js'
import { defineScripts } from '../../store/lua-script.js'
import { ZNS_TOKEN_AUTHORISE, ZNS_TOKEN_SCRIPTS, ZNS_TOKEN_STOP, ZNS_TOKEN_STORE, ZNS_TOKEN_UNLOCK } from '../../store/scripts-zns-token.js'
import type { SendOutcome } from './outcome.js'
import { refreshZnsToken, type ZnsOAuthOptions, type ZnsTokenPair } from './zns-oauth.js'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltZnsTokenStore: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltZnsTokenStop: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltZnsTokenUnlock: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltZnsTokenAuthorise: (...args: Array<string | number | Buffer>) => Result<number, Context>
  }
}

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
    defineScripts(redis, ZNS_TOKEN_SCRIPTS)
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
    return Number(await this.#redis.ltZnsTokenAuthorise(...ZNS_TOKEN_AUTHORISE.argv({ token: this.#key },
      { access: pair.accessToken, refresh: pair.refreshToken, expiresAt: now + pair.expiresInS * 1000, now })))
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
      await this.#unlock(me)
      return await this.refreshAfterExpired(before.generation)
    }
    this.refreshCalls++
    const a = await refreshZnsToken(this.#agent, this.#o.oauth, s.refresh)
    if (a.ok) {
      const now = this.#o.now()
      const gen = Number(await this.#redis.ltZnsTokenStore(...ZNS_TOKEN_STORE.argv({ token: this.#key, lock: this.#lock },
        { seen: s.generation, lockValue: me, access: a.pair.accessToken, refresh: a.pair.refreshToken, expiresAt: now + a.pair.expiresInS * 1000, now })))
      if (gen > 0) return { ok: true, token: { accessToken: a.pair.accessToken, generation: gen } }
      // A newer pair was stored meanwhile (an operator authorised the OA): that one is in force.
      const after = await this.#read()
      return this.#unusable(after) ?? { ok: true, token: { accessToken: after.access as string, generation: after.generation } }
    }
    if (a.refused && a.code === '-14014') {
      await this.#redis.ltZnsTokenStop(...ZNS_TOKEN_STOP.argv({ token: this.#key, lock: this.#lock },
        { seen: s.generation, reason: 'ZNS refresh token spent or invalid (-14014): the Official Account must be authorised again', lockValue: me }))
      return await this.current()
    }
    await this.#unlock(me)
    if (a.refused) return { ok: false, outcome: { kind: 'retry', code: a.code, reason: a.reason, counted: true } }
    return { ok: false, outcome: { kind: 'retry', reason: `ZNS token refresh failed: ${a.reason}${a.lost ? ' (the answer was lost)' : ''}` } }
  }

  async #unlock (me: string): Promise<void> {
    await this.#redis.ltZnsTokenUnlock(...ZNS_TOKEN_UNLOCK.argv({ lock: this.#lock }, { lockValue: me }))
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
