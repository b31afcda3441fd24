/**
 * Lua scripts that change a dossier: intake, and an admin's decisions (lua/intake.lua,
 * lua/admin-change.lua). Each touches the keys of one agency only (one hash tag, so one Redis
 * Cluster slot), and each is the whole state change: the dossier, its outbox entry and the
 * agency's state indexes move together or not at all. KEYS and ARGV by name (lua-script.ts).
 */
import { luaScript } from './lua-script.js'
import { LIFECYCLE_ARGS, LIFECYCLE_KEYS } from './scripts-shared.js'

/**
 * KEYS: the dossier's, its codes and the day's sequence, the outbox and its claim (flush*), the
 * state and deadline indexes, LIFECYCLE_KEYS, `all` (Keys.dossierIndex), and the sequence's owner and epoch
 * (lua/shared/next-code.lua). ARGV: `doc` is the compressed record, provenance and payload
 * (codec.ts); `upto` and `jump` are the sequence's (scripts-sequence.ts); `whClient` is the client
 * that hears of this dossier's events (the sender when it has a webhook, else ''); expectedRevision
 * is '0' for a new dossier.
 */
export const INTAKE = luaScript('ltIntake', 'intake.lua',
  ['dossier', 'raw', 'steps', 'codes', 'seq', 'outbox', 'flushOwner', 'flushGen', 'flushArmed',
    'idxFailed', 'idxReview', 'due', 'overdue', 'doc', ...LIFECYCLE_KEYS, 'all', 'seqOwner', 'seqEpoch'],
  ['ref', 'agency', 'day', 'fullHash', 'contentHash', 'status', 'doc', 'upto', 'jump', 'now',
    'retentionMs', 'reviewJson', 'stepJson', 'rawKeep', 'whClient', 'expectedRevision', ...LIFECYCLE_ARGS])

/**
 * An admin's change to a held or failed dossier, as a compare-and-set on its revision. ARGV:
 * `doc` '' keeps the document; `requeue` 0/1; `reviewJson` when not requeued; `newRevision` '1'
 * when the document holds an operator's edited record.
 */
export const ADMIN_CHANGE = luaScript('ltAdminChange', 'admin-change.lua',
  ['dossier', 'outbox', 'flushOwner', 'flushGen', 'idxFailed', 'idxReview', 'raw', 'doc'],
  ['ref', 'now', 'expectedState', 'expectedRevision', 'doc', 'fullHash', 'contentHash', 'resolutionsJson',
    'requeue', 'reviewJson', 'newRevision', 'rawKeep', 'retentionMs'])
