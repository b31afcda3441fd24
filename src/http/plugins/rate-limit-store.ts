/**
 * @fastify/rate-limit's store, counting in Redis through the store's RateLimitStore (one round
 * trip per key and batch of concurrent requests, not per request): the keys, counts and windows
 * of the library's own Redis store, so processes of either kind count together. The library's
 * `continueExceeding` and `exponentialBackoff` are not supported (the gateway sets neither).
 */
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { RateLimitStore } from '../../store/rate-limit-store.js'

type Callback = (error: Error | null, result?: { current: number, ttl: number }) => void

export function sharedRateLimitStore (counts: RateLimitStore, nameSpace: string, defaultWindowMs: number): FastifyRateLimitStoreCtor {
  class SharedStore implements FastifyRateLimitStore {
    private readonly key: string
    constructor (_options: FastifyRateLimitOptions, key = nameSpace) { this.key = key }

    incr (id: string, callback: Callback, timeWindow?: number): void {
      counts.incr(this.key + id, timeWindow ?? defaultWindowMs).then(r => { callback(null, r) }, (err: unknown) => { callback(err instanceof Error ? err : new Error(String(err))) })
    }

    /**
     * A route's own limit counts under its method and URL, as the library's Redis store names it
     * (it passes the route's merged options, with `routeInfo`, not what its types say).
     */
    child (params: object): FastifyRateLimitStore {
      const route = (params as { routeInfo?: { method?: unknown, url?: unknown } }).routeInfo
      return new SharedStore({}, `${this.key}${String(route?.method)}${String(route?.url)}-`)
    }
  }
  return SharedStore
}
