/**
 * Lua for what the portal starts: its callbacks, online dossiers (HoSoMoi), the sector's link to
 * an online dossier, and an admin's routing of one (lua/portal-event.lua and the others named
 * here). Each is one atomic step on one agency's slot, and each takes the portal event (MaSuKien)
 * and its effect together: an event either took effect once, with its history line and its
 * webhook event, or not at all.
 */
import { STATS_KEY_COUNT } from './stats/scripts.js'
import { luaScript } from './lua-script.js'
import { LIFECYCLE_ARGS, LIFECYCLE_KEYS } from './scripts-shared.js'

export const PORTAL_EVENT = luaScript('ltPortalEvent', 'portal-event.lua',
  ['evt', 'codes', 'dossier', 'hist', 'whq', 'active', 'unmatchedIndex', ['stats', STATS_KEY_COUNT], 'unmatchedData'],
  ['code', 'ref', 'now', 'retentionMs', 'historyEntry', 'factField', 'factValue', 'incrField', 'webhookType', 'webhookBody',
    'unmatchedEntry', 'historyEntryNotForwarded', 'paid', 'ratingScore', 'unmatchedCap'])
/** `fields`: the record's field/value pairs; `all`: the agency's index of all dossiers (Keys.dossierIndex). */
export const ONLINE_DOSSIER = luaScript('ltOnlineDossier', 'online-dossier.lua',
  ['evt', 'codes', 'dossier', 'doc', 'hist', 'whq', 'active', 'idxUnrouted', 'unmatchedIndex', 'due', 'overdue',
    ...LIFECYCLE_KEYS, 'unmatchedData', 'all'],
  ['code', 'ref', 'now', 'retentionMs', 'historyEntry', 'doc', 'state', 'whClient', 'webhookBody', 'unmatchedEntry',
    ...LIFECYCLE_ARGS, 'unmatchedCap', ['fields', '*']])
export const KEEP_CALLBACK = luaScript('ltKeepCallback', 'keep-callback.lua',
  ['evt', 'unmatchedIndex', 'unmatchedData'], ['retentionMs', 'unmatchedEntry', 'now', 'unmatchedCap'])
/**
 * `sector` and `portal`: each side's dossier, raw, steps, attempts and doc keys; `refIndexes`:
 * the agency's other per-ref indexes (Keys.refIndexes), as many as there are.
 */
export const LINK = luaScript('ltLink', 'link.lua',
  ['codes', ['sector', 5], ['portal', 5], 'idxUnrouted', 'hist', ['refIndexes', '*']],
  ['code', 'sectorRef', 'portalRef', 'clientId', 'whClient', 'routing', 'historyEntry', 'now', 'retentionMs'])
export const ROUTE = luaScript('ltRoute', 'route.lua',
  ['dossier', 'idxUnrouted', 'hist', 'whq', 'active'],
  ['ref', 'code', 'client', 'routing', 'webhookBody', 'historyEntry', 'now', 'retentionMs'])
