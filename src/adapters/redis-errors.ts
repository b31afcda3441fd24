/**
 * Which Redis failures mean "not now" rather than "broken": the sender is answered 503 with
 * Retry-After and resends later. Nothing is half-written in those cases: each write is one script
 * that Redis refuses before its first change (out of memory, read-only) or never receives.
 */

/** Seconds a sender is asked to wait after a 503 caused by Redis. */
export const REDIS_RETRY_AFTER_SECONDS = 5

/**
 * Error replies of a Redis that is alive but cannot take the command now: out of memory with
 * `noeviction`, a replica (or a primary demoted by a failover), loading its data, its primary or
 * cluster down, a slot moving, a long script running, a failed snapshot that stops writes, too
 * few replicas for `min-replicas-to-write`. Inside a script Redis 6 prefixes them with `-`.
 */
const REFUSAL = /(?:^|: -)(?:OOM|READONLY|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|MISCONF|NOREPLICAS)\b/

/** ioredis's own messages when the connection is closed, not yet open, or gave up on a command. */
const CLIENT_GONE = /Connection is closed|Stream isn't writeable|enableOfflineQueue|max retries per request|Command (?:timed out|aborted)|connect ETIMEDOUT|Socket timeout|Ready check failed/i

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENOTFOUND', 'EAI_AGAIN', 'ENOTCONN'
])

/** ioredis error classes that only ever mean the connection failed the command (its AbortError shares a name with the DOM's: matched by message). */
const CLIENT_GONE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError'])

/** True when `err` (or an error it wraps) says Redis is unreachable or refuses writes for now. */
export function isRedisUnavailable (err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 3) return false
  const e = err as { name?: unknown, message?: unknown, code?: unknown, cause?: unknown }
  const message = typeof e.message === 'string' ? e.message : ''
  if (REFUSAL.test(message.slice(0, 300))) return true
  if (typeof e.name === 'string' && CLIENT_GONE_NAMES.has(e.name)) return true
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true
  if (CLIENT_GONE.test(message)) return true
  return isRedisUnavailable(e.cause, depth + 1)
}
