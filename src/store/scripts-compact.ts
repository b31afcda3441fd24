/**
 * Compaction (lua/compact.lua): a dossier that is final, delivered and untouched for the
 * retention period keeps only what idempotency and look-ups need. One script per dossier, on its
 * agency's slot. `all`: Keys.dossierIndex (a compacted dossier leaves it, and is found by its code or
 * number). Its notices go too (records, queue, held and failed lists, letters): `noticeIds` are
 * the ids in the dossier's `n|<kind>|<due>` fields, `letters` their letter keys in the same order.
 */
import { luaScript } from './lua-script.js'

export const COMPACT = luaScript('ltCompact', 'compact.lua',
  ['dossier', 'doc', 'raw', 'steps', 'attempts', 'hist', 'whq', 'outbox', 'whFailed', 'closed', 'due', 'overdue', 'all',
    'notices', 'noticeQ', 'noticeHeld', 'noticeFailed', ['letters', '*']],
  ['ref', 'code', 'now', 'retentionMs', 'recheckAt', ['noticeIds', '*']])
