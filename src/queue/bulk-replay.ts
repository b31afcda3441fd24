/**
 * A bulk replay: walks the failed indexes its filter covers, newest first, a chunk at a time from
 * a stored cursor (src/store/waiting-scan.ts: never every match in memory), and puts each match
 * back in its agency's outbox, as the single replay does: one
 * compare-and-set per dossier (a chunk's sent together), so one that changed meanwhile is skipped, not overwritten. Each
 * dossier's own order is its outbox's (its create, its update, its steps in order); the portal
 * is reached by the ordinary flush jobs, through the circuit breaker; a dossier the portal has
 * already is no duplicate there (`-3`, looked up).
 */
import type { Log as Logger } from '../logger.js'
import type { Store } from '../store/ports/store.js'
import type { ReplayJob } from '../store/ports/replays.js'
import type { JobQueues } from './jobs.js'
import { may, type Scope } from '../domain/access.js'
import { isoFromEpoch } from '../domain/toolkit/dates.js'
import { countWaiting, pageWaiting, type WaitingQuery } from '../store/waiting-scan.js'
import { decodePlace, encodePlace } from '../domain/cursor.js'

/**
 * Dossiers put back per step of the walk. Large enough that each step gives every agency's flush
 * job a full batch or more (50 × the 20 agencies of a province): with smaller steps the flush
 * jobs drain each step's few dossiers as they come, in small batches, and the replay goes no
 * faster than the walk.
 */
const CHUNK = 1000

/** The operator's scope as it was when the job was created: later changes to the clients file do not widen it. */
function scopeOf (j: ReplayJob): Scope {
  return { role: 'admin', adminRole: 'operator', agencies: j.scope.agencies, ...(j.scope.systems === undefined ? {} : { systems: j.scope.systems }) }
}

function matches (j: ReplayJob, agency: string): boolean {
  const f = j.filter
  return (f.agency === undefined || f.agency === agency) && (f.province === undefined || agency.endsWith(`.${f.province}`)) &&
    may(scopeOf(j), 'act', { agency })
}

function queryOf (j: ReplayJob, agencies: string[]): WaitingQuery {
  const f = j.filter
  const q: WaitingQuery = {
    agencies,
    kinds: ['delivery'],
    range: { ...(f.from === undefined ? {} : { min: Date.parse(f.from) }), ...(f.to === undefined ? {} : { max: Date.parse(f.to) }) }
  }
  if (f.system !== undefined || f.reason !== undefined || j.scope.systems !== undefined) {
    const scope = scopeOf(j)
    q.match = (e, x) => (f.system === undefined || x.system === f.system) && (f.reason === undefined || x.reason === f.reason) &&
      may(scope, 'act', { agency: e.agency, system: x.system ?? null })
  }
  return q
}

/** What a bulk replay reads and writes. */
type ReplayStores = Pick<Store, 'replays' | 'audit' | 'agencies' | 'waiting' | 'loadEach' | 'adminChange'>

/** BullMQ gave up on the job (every attempt failed): it ends `failed`, with the last error. */
export async function bulkReplayFailed (id: string, err: Error, store: Pick<Store, 'replays' | 'audit'>, log: Logger): Promise<void> {
  if (!await store.replays.fail(id, err.message, isoFromEpoch(Date.now()))) return
  // The job itself may be what cannot be read.
  const j = await store.replays.get(id).catch(() => undefined)
  await store.audit.append({ actor: j?.createdBy ?? '', role: 'operator', action: 'replay.finished', target: id, ...(j === undefined ? {} : { filter: j.filter }), count: j?.done ?? 0, outcome: 'failed', detail: err.message })
  log.warn({ replay: id, err: err.message }, 'bulk replay failed for good')
}

export async function runBulkReplay (id: string, store: ReplayStores, queues: JobQueues, log: Logger): Promise<string> {
  const replays = store.replays
  let j = await replays.get(id)
  if (j === undefined) return 'gone'
  if (j.state === 'done' || j.state === 'cancelled') return j.state
  const query = queryOf(j, (await store.agencies()).filter(a => matches(j as ReplayJob, a)).sort())
  await store.waiting.upgrade(query.agencies)
  if (j.state === 'queued') {
    if (j.cancelled) {
      await replays.finish(id, 'cancelled', isoFromEpoch(Date.now()))
      return 'cancelled'
    }
    const { total } = await countWaiting(store, query)
    await replays.start(id, total)
    log.info({ replay: id, matched: total }, 'bulk replay: started')
    j = await replays.get(id)
    if (j === undefined) return 'gone'
  }
  let cursor = j.cursor === '' ? undefined : decodePlace(j.cursor)
  for (;;) {
    const now = await replays.get(id)
    if (now === undefined) return 'gone'
    if (now.cancelled) {
      await replays.finish(id, 'cancelled', isoFromEpoch(Date.now()))
      log.info({ replay: id, done: now.done }, 'bulk replay cancelled')
      return 'cancelled'
    }
    const { page, next } = await pageWaiting(store, query, cursor, CHUNK)
    const records = await store.loadEach(page.map(e => ({ agency: e.agency, ref: e.member })), { documents: false })
    let done = 0
    let skipped = 0
    const gens = new Map<string, string>()
    // Each dossier's compare-and-set stands alone: the chunk's are sent at once, not one per round trip.
    const results = await Promise.all(records.map(async d => d === undefined || d.state !== 'failed'
      ? undefined
      : { d, r: await store.adminChange(d.agency, d.ref, { expectedState: 'failed', expectedRevision: d.revision, requeue: true }) }))
    for (const x of results) {
      if (x === undefined || x.r.result !== 'ok') { skipped++; continue }
      done++
      // The newest generation: an older one may name a flush job that has finished already.
      if (x.r.jobGen !== '' && Number(x.r.jobGen) >= Number(gens.get(x.d.agency) ?? -1)) gens.set(x.d.agency, x.r.jobGen)
    }
    for (const [agency, gen] of gens) await queues.enqueueFlush(agency, gen)
    await replays.progress(id, done, skipped, page.length, next === undefined ? '' : encodePlace(next))
    if (next === undefined) break
    cursor = next
  }
  await replays.finish(id, 'done', isoFromEpoch(Date.now()))
  const end = await replays.get(id)
  await store.audit.append({ actor: j.createdBy, role: 'operator', action: 'replay.finished', target: id, filter: j.filter, count: end?.done ?? 0, outcome: 'done', detail: `${end?.matched ?? 0} matched, ${end?.skipped ?? 0} skipped` })
  log.info({ replay: id, done: end?.done, skipped: end?.skipped }, 'bulk replay done')
  return 'done'
}
