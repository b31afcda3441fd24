/**
 * A bulk replay: lists every failed dossier its filter matches (once, when it first runs), then
 * puts each back in its agency's outbox, chunk by chunk, as the single replay does: one
 * compare-and-set per dossier, so one that changed meanwhile is skipped, not overwritten. Each
 * dossier's own order is its outbox's (its create, its update, its steps in order); the portal
 * is reached by the ordinary flush jobs, through the circuit breaker; a dossier the portal has
 * already is no duplicate there (`-3`, looked up).
 */
import type { Log as Logger } from '../logger.js'
import type { DossierStore } from '../store/dossier-store.js'
import type { ReplayJob } from '../store/replay-store.js'
import type { JobQueues } from './jobs.js'
import { coversAgency } from '../plugins/clients.js'
import { isoFromEpoch } from '../mappings/toolkit/dates.js'

const CHUNK = 200

function matches (j: ReplayJob, agency: string): boolean {
  const f = j.filter
  return (f.agency === undefined || f.agency === agency) && (f.province === undefined || agency.endsWith(`.${f.province}`)) &&
    (j.scope.agencies.length === 0 || coversAgency(j.scope.agencies, agency))
}

export async function runBulkReplay (id: string, store: DossierStore, queues: JobQueues, log: Logger): Promise<string> {
  const replays = store.replays
  let j = await replays.get(id)
  if (j === undefined) return 'gone'
  if (j.state === 'done' || j.state === 'cancelled') return j.state
  if (j.state === 'queued') {
    if (j.cancelled) {
      await replays.finish(id, 'cancelled', isoFromEpoch(Date.now()))
      return 'cancelled'
    }
    const from = j.filter.from === undefined ? undefined : Date.parse(j.filter.from)
    const to = j.filter.to === undefined ? undefined : Date.parse(j.filter.to)
    const items: string[] = []
    for (const agency of (await store.agencies()).filter(a => matches(j as ReplayJob, a)).sort()) {
      const refs = await store.listByStateOf(agency, 'failed')
      for (let i = 0; i < refs.length; i += 500) {
        for (const d of await store.loadEach(refs.slice(i, i + 500).map(ref => ({ agency, ref })), { documents: false })) {
          if (d === undefined || d.state !== 'failed') continue
          const system = d.routing?.system ?? d.system
          const at = d.failure === undefined ? d.updatedAt : Date.parse(d.failure.at)
          if ((j.filter.system !== undefined && system !== j.filter.system) || (j.scope.systems !== undefined && !j.scope.systems.includes(system))) continue
          if (j.filter.reason !== undefined && d.failure?.code !== j.filter.reason) continue
          if ((from !== undefined && at < from) || (to !== undefined && at > to)) continue
          items.push(`${agency}\t${d.ref}`)
        }
      }
    }
    await replays.setMatches(id, items)
    log.info({ replay: id, matched: items.length }, 'bulk replay: matches listed')
    j = await replays.get(id)
    if (j === undefined) return 'gone'
  }
  let position = j.position
  for (;;) {
    const now = await replays.get(id)
    if (now === undefined) return 'gone'
    if (now.cancelled) {
      await replays.finish(id, 'cancelled', isoFromEpoch(Date.now()))
      log.info({ replay: id, done: now.done }, 'bulk replay cancelled')
      return 'cancelled'
    }
    const chunk = await replays.chunk(id, position, CHUNK)
    if (chunk.length === 0) break
    const places = chunk.map(s => { const [agency = '', ref = ''] = s.split('\t'); return { agency, ref } })
    const records = await store.loadEach(places, { documents: false })
    let done = 0
    let skipped = 0
    const gens = new Map<string, string>()
    for (const d of records) {
      if (d === undefined || d.state !== 'failed') { skipped++; continue }
      const r = await store.adminChange(d.agency, d.ref, { expectedState: 'failed', expectedRevision: d.revision, requeue: true })
      if (r.result !== 'ok') { skipped++; continue }
      done++
      if (r.jobGen !== '') gens.set(d.agency, r.jobGen)
    }
    for (const [agency, gen] of gens) await queues.enqueueFlush(agency, gen)
    position += chunk.length
    await replays.progress(id, done, skipped, position)
  }
  await replays.finish(id, 'done', isoFromEpoch(Date.now()))
  const end = await replays.get(id)
  await store.audit.append({ actor: j.createdBy, role: 'operator', action: 'replay.finished', target: id, filter: j.filter, count: end?.done ?? 0, outcome: 'done', detail: `${end?.matched ?? 0} matched, ${end?.skipped ?? 0} skipped` })
  log.info({ replay: id, done: end?.done, skipped: end?.skipped }, 'bulk replay done')
  return 'done'
}
