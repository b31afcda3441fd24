/**
 * Lua for the life of a dossier after intake: an event posted to `/v1/dossiers/:maHoSo/events`,
 * the deadline scan, an operator's discard, and the release of a held webhook (lua/apply-event.lua
 * and the others named here). Each runs on the dossier's agency slot, with the change it records.
 */
import { STATS_KEY_COUNT } from './stats/scripts.js'
import { luaScript } from './lua-script.js'
import { LIFECYCLE_ARGS, LIFECYCLE_KEYS } from './scripts-shared.js'

export const APPLY_EVENT = luaScript('ltApplyEvent', 'apply-event.lua',
  ['dossier', 'steps', 'outbox', 'flushOwner', 'flushGen', 'idxFailed', 'idxReview', 'due', 'overdue', 'hist', ...LIFECYCLE_KEYS],
  ['ref', 'now', 'expectedRevision', 'status', 'lifecycleJson', 'contentChanged', 'stepJson', 'historyEntry', 'retentionMs', ...LIFECYCLE_ARGS])
export const DEADLINE = luaScript('ltDeadline', 'deadline.lua',
  ['dossier', 'due', 'overdue', 'hist', 'whq', 'whActive', ['stats', STATS_KEY_COUNT]],
  ['ref', 'code', 'now', 'windowMs', 'timestamp', 'historyAt', 'retentionMs', 'overdueBump'])
export const DISCARD = luaScript('ltDiscard', 'discard.lua',
  ['dossier', 'outbox', 'idxFailed', 'idxReview'], ['ref', 'expectedRevision', 'discardJson', 'now'])
export const WEBHOOK_UNHOLD = luaScript('ltWebhookUnhold', 'webhook-unhold.lua', ['whFailed', 'whFailedIndex'], ['code', 'eventId'])
