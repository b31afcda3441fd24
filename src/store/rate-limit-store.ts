/**
 * Request counts of the rate limit, shared by every gateway process through Redis
 * (lua/rate-limit.lua), at one round trip per key and batch rather than per request: while a
 * key's count is on its way to Redis, the requests that arrive for that key wait for the next
 * one, which counts them all at once (`INCRBY n`). Each request still gets its own place in the
 * count, exactly as one `INCR` each would give it, so the limit is as exact as before; under load,
 * Redis runs one script per batch instead of one per request.
 */
import type { Result } from 'ioredis'
import type { RedisClient } from './redis/connection.js'
import { defineScripts, luaScript } from './lua-script.js'

export const RATE_LIMIT = luaScript('ltRateLimit', 'rate-limit.lua', ['counter'], ['count', 'windowMs'])

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltRateLimit: (...args: Array<string | number | Buffer>) => Result<[number, number], Context>
  }
}

export interface RateCount { current: number, ttl: number }

interface Waiter { resolve: (c: RateCount) => void, reject: (e: unknown) => void }
interface Pending { windowMs: number, waiters: Waiter[] }

export class RateLimitStore {
  /** Keys with a count on its way to Redis; the waiters of the next batch of each. */
  private readonly inFlight = new Map<string, Pending | undefined>()

  constructor (private readonly redis: RedisClient) {
    if (typeof redis.ltRateLimit !== 'function') defineScripts(redis, [RATE_LIMIT])
  }

  /** Counts one request under `key`; the window (ms) starts with its first request. */
  async incr (key: string, windowMs: number): Promise<RateCount> {
    return await new Promise<RateCount>((resolve, reject) => {
      const waiter = { resolve, reject }
      if (!this.inFlight.has(key)) {
        this.send(key, { windowMs, waiters: [waiter] })
        return
      }
      const next = this.inFlight.get(key)
      if (next === undefined) this.inFlight.set(key, { windowMs, waiters: [waiter] })
      else next.waiters.push(waiter)
    })
  }

  private send (key: string, batch: Pending): void {
    this.inFlight.set(key, undefined)
    const n = batch.waiters.length
    this.redis.ltRateLimit(...RATE_LIMIT.argv({ counter: key }, { count: n, windowMs: batch.windowMs })).then(([total, ttl]) => {
      // In arrival order, as n INCRs one after the other would have counted them.
      batch.waiters.forEach((w, i) => { w.resolve({ current: total - n + 1 + i, ttl }) })
    }, (err: unknown) => {
      for (const w of batch.waiters) w.reject(err)
    }).finally(() => {
      const next = this.inFlight.get(key)
      if (next === undefined) this.inFlight.delete(key)
      else this.send(key, next)
    })
  }
}
