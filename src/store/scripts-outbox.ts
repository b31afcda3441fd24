/**
 * Lua scripts of delivery: the claim on an agency's outbox and the recording of what the portal
 * answered (lua/claim.lua and the others named here). Each touches the keys of one agency only
 * (one hash tag, one Redis Cluster slot).
 *
 * The claim is a hash `{job, token, lease}`. `job` is the BullMQ job that owns the outbox across
 * its retries (intake queues no other job while it exists). `token` is fresh for every run of
 * that job, and `lease` is how long the run may go on without renewing it. Every script that
 * records the portal's answer checks the token: a run that lost its claim (a stalled job re-run
 * elsewhere) can neither acknowledge nor fail work, and stops.
 */
import { luaScript } from './lua-script.js'

export const CLAIM = luaScript('ltClaim', 'claim.lua', ['owner'], ['jobId', 'token', 'now', 'leaseMs', 'ttlMs'])
export const RENEW = luaScript('ltRenew', 'renew.lua', ['owner'], ['token', 'now', 'leaseMs', 'ttlMs'])
export const YIELD = luaScript('ltYield', 'yield.lua', ['owner'], ['token', 'ttlMs'])
export const RELEASE_IF_EMPTY = luaScript('ltReleaseIfEmpty', 'release-if-empty.lua', ['owner', 'outbox', 'flushGen'], ['token'])
export const RELEASE = luaScript('ltRelease', 'release.lua', ['owner', 'flushGen'], ['jobId'])
/**
 * A batch of acknowledgements in one script. `deliveredOn`: today's count of deliveries; `each`:
 * {dossier, steps, whq} keys and {ref, created, deliveredRev, stepsUpTo, code} values per dossier.
 */
export const ACK = luaScript('ltAck', 'ack.lua',
  ['owner', 'outbox', 'whActive', 'deliveredOn', ['each', '*']],
  ['token', 'now', 'timestamp', 'deliveredAt', 'countTtlS', ['each', '*']])
export const FAIL = luaScript('ltFail', 'fail.lua',
  ['dossier', 'outbox', 'owner', 'idxFailed', 'idxReview', 'whq', 'whActive'],
  ['ref', 'failureJson', 'token', 'code', 'timestamp', 'failedAt'])
/** One call's attempt on every dossier it carried; `each`: {attempts, dossier} per dossier. */
export const ATTEMPT = luaScript('ltAttempt', 'attempt.lua', [['each', '*']], ['entryJson', 'keep', 'retentionMs', 'transient'])
