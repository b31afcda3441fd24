/**
 * Lua for the ZNS token pair shared by every gateway process (adapters/notices/zns-token-store.ts):
 * the hash `<prefix>:{zns}:token` and its refresh lock `<prefix>:{zns}:refresh-lock`, one slot.
 */
import { luaScript } from './lua-script.js'

export const ZNS_TOKEN_STORE = luaScript('ltZnsTokenStore', 'zns-token-store.lua', ['token', 'lock'], ['seen', 'lockValue', 'access', 'refresh', 'expiresAt', 'now'])
export const ZNS_TOKEN_STOP = luaScript('ltZnsTokenStop', 'zns-token-stop.lua', ['token', 'lock'], ['seen', 'reason', 'lockValue'])
export const ZNS_TOKEN_UNLOCK = luaScript('ltZnsTokenUnlock', 'zns-token-unlock.lua', ['lock'], ['lockValue'])
export const ZNS_TOKEN_AUTHORISE = luaScript('ltZnsTokenAuthorise', 'zns-token-authorise.lua', ['token'], ['access', 'refresh', 'expiresAt', 'now'])

export const ZNS_TOKEN_SCRIPTS = [ZNS_TOKEN_STORE, ZNS_TOKEN_STOP, ZNS_TOKEN_UNLOCK, ZNS_TOKEN_AUTHORISE]
