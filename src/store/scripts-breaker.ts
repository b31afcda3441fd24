/**
 * Lua of the portal's circuit breaker (lua/breaker-*.lua), called by
 * src/adapters/portal/circuit-breaker.ts. Two keys, both under the `{portal}` hash tag: `state`,
 * the breaker's hash (state, failures, openUntil, cooldown, openedAt), and `probe`, held by the
 * one process let through after a cool-down.
 */
import type { LuaScript } from './lua-script.js'
import { luaScript } from './lua-script.js'

export const BREAKER_ADMIT = luaScript('ltBreakerAdmit', 'breaker-admit.lua', ['state', 'probe'], ['now', 'probeTimeoutMs'])
/** `base` and `max`: the first and the longest cool-down (ms); `isProbe`: 1 when the failed call was the probe. */
export const BREAKER_FAILURE = luaScript('ltBreakerFailure', 'breaker-failure.lua', ['state', 'probe'],
  ['now', 'threshold', 'base', 'max', 'retryAfter', 'isProbe'])
export const BREAKER_SUCCESS = luaScript('ltBreakerSuccess', 'breaker-success.lua', ['state', 'probe'], [])

export const BREAKER_SCRIPTS: readonly LuaScript[] = [BREAKER_ADMIT, BREAKER_FAILURE, BREAKER_SUCCESS]
