/**
 * A circuit breaker shared by every gateway process through Redis: when the portal is down the
 * whole fleet stops calling it, one process probes it after a cool-down, and all resume when
 * the probe succeeds. (A per-process breaker such as opossum would let N processes probe and
 * hammer a recovering portal N times over.)
 */
import type { Result } from 'ioredis'
import type { RedisClient } from '../../store/redis/connection.js'

const ADMIT = `
local st = redis.call('HGET', KEYS[1], 'state')
if not st or st == 'closed' then return {1, 0} end
local now = tonumber(ARGV[1])
local untilTs = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
if now < untilTs then return {0, untilTs} end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return {1, 1} end
return {0, now + 500}
`
/**
 * ARGV: now, threshold, base, max, retryAfter, probe (0/1). While the circuit is open, failures
 * of calls that started before it opened are counted but neither lengthen the cool-down nor
 * cancel the probe: only the probe's own failure re-opens it, for twice as long.
 */
const FAILURE = `
local now, threshold, base, max, retryAfter = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local probe = ARGV[6] == '1'
local f = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local st = redis.call('HGET', KEYS[1], 'state') or 'closed'
if st == 'open' and not probe then
  local untilTs = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
  if now + retryAfter > untilTs then redis.call('HSET', KEYS[1], 'openUntil', now + retryAfter) end
  return 1
end
if st == 'open' or f >= threshold or retryAfter > 0 then
  local cooldown = base
  if st == 'open' then cooldown = math.min(max, tonumber(redis.call('HGET', KEYS[1], 'cooldown') or base) * 2) end
  local pause = math.max(cooldown, retryAfter)
  redis.call('HSET', KEYS[1], 'state', 'open', 'openUntil', now + pause, 'cooldown', cooldown, 'openedAt', now)
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
`
const SUCCESS = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DEL', KEYS[1], KEYS[2]) return 1 end
return 0
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltBreakerAdmit: (...args: Array<string | number>) => Result<[number, number], Context>
    ltBreakerFailure: (...args: Array<string | number>) => Result<number, Context>
    ltBreakerSuccess: (...args: Array<string | number>) => Result<number, Context>
  }
}

export interface BreakerOptions { threshold: number, cooldownMs: number, maxCooldownMs: number, probeTimeoutMs: number }
export type Admission = { ok: true, probe: boolean } | { ok: false, until: number }

export class CircuitBreaker {
  constructor (private readonly redis: RedisClient, private readonly key: string, private readonly opts: BreakerOptions) {
    if (typeof redis.ltBreakerAdmit !== 'function') {
      redis.defineCommand('ltBreakerAdmit', { numberOfKeys: 2, lua: ADMIT })
      redis.defineCommand('ltBreakerFailure', { numberOfKeys: 2, lua: FAILURE })
      redis.defineCommand('ltBreakerSuccess', { numberOfKeys: 2, lua: SUCCESS })
    }
  }

  async admit (now = Date.now()): Promise<Admission> {
    const [ok, v] = await this.redis.ltBreakerAdmit(this.key, `${this.key}:probe`, now, this.opts.probeTimeoutMs)
    return ok === 1 ? { ok: true, probe: v === 1 } : { ok: false, until: v }
  }

  /**
   * Returns true when the circuit is open after this failure. `probe`: the failed call was the
   * one the breaker let through after its cool-down. `retryAfterMs` is capped by maxCooldownMs.
   */
  async failure (opts: { now?: number, retryAfterMs?: number, probe?: boolean } = {}): Promise<boolean> {
    // Whoever read the Retry-After, the fleet never stops for longer than the longest cool-down.
    const retryAfter = Math.min(this.opts.maxCooldownMs, Math.max(0, Math.round(opts.retryAfterMs ?? 0)))
    const r = await this.redis.ltBreakerFailure(this.key, `${this.key}:probe`, opts.now ?? Date.now(),
      this.opts.threshold, this.opts.cooldownMs, this.opts.maxCooldownMs, Number.isFinite(retryAfter) ? retryAfter : 0,
      opts.probe === true ? 1 : 0)
    return r === 1
  }

  async success (): Promise<void> {
    await this.redis.ltBreakerSuccess(this.key, `${this.key}:probe`)
  }

  async state (): Promise<{ state: 'closed' | 'open', failures: number, openUntil?: number }> {
    const h = await this.redis.hgetall(this.key)
    if (h.state !== 'open') return { state: 'closed', failures: Number(h.failures ?? 0) }
    return { state: 'open', failures: Number(h.failures ?? 0), openUntil: Number(h.openUntil ?? 0) }
  }
}
