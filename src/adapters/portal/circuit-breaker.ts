/**
 * A circuit breaker shared by every gateway process through Redis: when the portal is down the
 * whole fleet stops calling it, one process probes it after a cool-down, and all resume when
 * the probe succeeds. (A per-process breaker such as opossum would let N processes probe and
 * hammer a recovering portal N times over.)
 */
import type { Result } from 'ioredis'
import type { RedisClient } from '../../store/redis/connection.js'
import { defineScripts } from '../../store/lua-script.js'
import { BREAKER_ADMIT, BREAKER_FAILURE, BREAKER_SCRIPTS, BREAKER_SUCCESS } from '../../store/scripts-breaker.js'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltBreakerAdmit: (...args: Array<string | number | Buffer>) => Result<[number, number], Context>
    ltBreakerFailure: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltBreakerSuccess: (...args: Array<string | number | Buffer>) => Result<number, Context>
  }
}

export interface BreakerOptions { threshold: number, cooldownMs: number, maxCooldownMs: number, probeTimeoutMs: number }
export type Admission = { ok: true, probe: boolean } | { ok: false, until: number }

export class CircuitBreaker {
  private readonly keys: { state: string, probe: string }

  constructor (private readonly redis: RedisClient, private readonly key: string, private readonly opts: BreakerOptions) {
    // The scripts are src/store/lua/breaker-*.lua (scripts-breaker.ts); once per client.
    if (typeof redis.ltBreakerAdmit !== 'function') defineScripts(redis, BREAKER_SCRIPTS)
    this.keys = { state: key, probe: `${key}:probe` }
  }

  async admit (now = Date.now()): Promise<Admission> {
    const [ok, v] = await this.redis.ltBreakerAdmit(...BREAKER_ADMIT.argv(this.keys, { now, probeTimeoutMs: this.opts.probeTimeoutMs }))
    return ok === 1 ? { ok: true, probe: v === 1 } : { ok: false, until: v }
  }

  /**
   * Returns true when the circuit is open after this failure. `probe`: the failed call was the
   * one the breaker let through after its cool-down. `retryAfterMs` is capped by maxCooldownMs.
   */
  async failure (opts: { now?: number, retryAfterMs?: number, probe?: boolean } = {}): Promise<boolean> {
    // Whoever read the Retry-After, the fleet never stops for longer than the longest cool-down.
    const retryAfter = Math.min(this.opts.maxCooldownMs, Math.max(0, Math.round(opts.retryAfterMs ?? 0)))
    const r = await this.redis.ltBreakerFailure(...BREAKER_FAILURE.argv(this.keys, {
      now: opts.now ?? Date.now(),
      threshold: this.opts.threshold,
      base: this.opts.cooldownMs,
      max: this.opts.maxCooldownMs,
      retryAfter: Number.isFinite(retryAfter) ? retryAfter : 0,
      isProbe: opts.probe === true ? 1 : 0
    }))
    return r === 1
  }

  async success (): Promise<void> {
    await this.redis.ltBreakerSuccess(...BREAKER_SUCCESS.argv(this.keys, {}))
  }

  async state (): Promise<{ state: 'closed' | 'open', failures: number, openUntil?: number }> {
    const h = await this.redis.hgetall(this.key)
    if (h.state !== 'open') return { state: 'closed', failures: Number(h.failures ?? 0) }
    return { state: 'open', failures: Number(h.failures ?? 0), openUntil: Number(h.openUntil ?? 0) }
  }
}
