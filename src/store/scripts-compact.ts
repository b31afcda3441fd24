/**
 * Compaction (lua/compact.lua): a dossier that is final, delivered and untouched for the
 * retention period keeps only what idempotency and look-ups need. One script per dossier, on its
 * agency's slot. `all`: Keys.dossierIndex (a compacted dossier leaves it, and is found by its code or
 * number).
 */
import { luaScript } from './lua-script.js'

export const COMPACT = luaScript('ltCompact', 'compact.lua',
  ['dossier', 'doc', 'raw', 'steps', 'attempts', 'hist', 'whq', 'outbox', 'whFailed', 'closed', 'due', 'overdue', 'all'],
  ['ref', 'code', 'now', 'retentionMs', 'recheckAt'])
