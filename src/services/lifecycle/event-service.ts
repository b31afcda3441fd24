/**
 * Applies one lifecycle event to a dossier (docs/lifecycle.md): decided by the pure status
 * machine and `applyEvent` on the dossier at one revision, written by one script only at that
 * revision (a change in between makes it decide again), then queued for the portal. Used by
 * `POST /v1/dossiers/:maHoSo/events` and by the portal's `NopBoSung` callback.
 */
import { Errors } from '../../domain/errors.js'
import { toCanonical, type StoredDossier } from '../../store/records.js'
import type { Store } from '../../store/ports/store.js'
import type { JobQueues } from '../../queue/jobs.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import { applyEvent, emptyLifecycle, type LifecycleEvent } from './events.js'
import { isFinal } from '../../domain/lifecycle/status-machine.js'
import { bumpsFor, dimsOf, encodeBumps } from '../../domain/stats-dimensions.js'
import type { StatusCode } from '../../domain/canonical-dossier.js'
import { decideNotices } from '../../domain/notices/decide.js'
import type { NoticeKindsOf } from '../../domain/notices/kinds.js'

/** What an event tells the applicant in its own words: a supplement's request, a refusal's or a re-appointment's reason. */
function noticeText (ev: LifecycleEvent): string | undefined {
  if (ev.type === 'supplement-requested') return ev.content
  if (ev.type === 'status') return ev.reason ?? ev.content
  if (ev.type === 'due-date') return ev.reason
  return undefined
}

export interface EventOutcome { d: StoredDossier, status: string, state: string, dueAt: string }

export class EventService {
  constructor (private readonly store: Pick<Store, 'keys' | 'lifecycle'>, private readonly queues: JobQueues, private readonly noticeKinds: NoticeKindsOf = () => undefined) {}

  /**
   * `find` loads the dossier afresh on each try (and refuses one the caller may not see);
   * `by` names who sent the event, for the history.
   */
  async apply (find: () => Promise<StoredDossier>, ev: LifecycleEvent, by: string): Promise<EventOutcome> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const d = await find()
      const now = Date.now()
      const before = toCanonical(d)
      const r = applyEvent({ status: before.status, statusAt: d.statusAt ?? Date.parse(d.input.receivedAt), lifecycle: d.lifecycle ?? emptyLifecycle(), dossier: before }, ev, now)
      if (!r.ok) throw r.error
      const dueAtIso = r.lifecycle.dueAt ?? d.input.dueAt
      const t = bumpsFor({
        isNew: false,
        receivedAt: d.input.receivedAt,
        channel: before.channel,
        digitised: before.digitised === true,
        paidOnline: { before: d.paidOnline, after: d.paidOnline },
        from: before.status,
        to: r.status as StatusCode,
        at: ev.at,
        dueAt: dueAtIso,
        resolvedBefore: d.resolved,
        // The overdue gauge is kept by the scripts (LIFECYCLE_SET), which see the dossier as it is.
        overdueBefore: false
      })
      const oldDueIso = d.lifecycle?.dueAt ?? d.input.dueAt
      const notices = decideNotices({
        isNew: false,
        to: r.status,
        statusChanged: r.status !== before.status,
        statusAt: r.statusAt,
        oldDueAt: Date.parse(oldDueIso),
        newDueAt: Date.parse(dueAtIso),
        now,
        ...(noticeText(ev) === undefined ? {} : { text: noticeText(ev) })
      }, this.noticeKinds(d.agency))
      const res = await this.store.lifecycle.applyEvent({
        agency: d.agency,
        ref: d.ref,
        code: d.maHoSo,
        expectedRevision: d.revision,
        status: r.status,
        lifecycle: r.lifecycle,
        contentChanged: r.contentChanged,
        ...(r.step === undefined ? {} : { step: r.step }),
        history: { at: isoFromEpoch(now), kind: 'event', type: ev.type, status: r.status, client: by },
        args: {
          ...(r.status !== before.status ? { statusAt: r.statusAt } : {}),
          dueAt: Date.parse(dueAtIso),
          dueAtIso,
          final: isFinal(r.status as StatusCode),
          now,
          resolved: t.resolved,
          statsPrefix: this.store.keys.statsPrefix(d.agency),
          dims: dimsOf({ communeCode: before.agency.communeCode, system: d.system, procedure: before.procedure.code, channel: before.channel }),
          bumps: encodeBumps(t.bumps.filter(b => b.metric !== 'overdueOpen')),
          ...(notices.length === 0 ? {} : { notices })
        }
      }, now)
      if (res.result === 'revision') continue
      if (res.result === 'missing') throw Errors.notFound(`hồ sơ ${d.maHoSo}`, 'maHoSo')
      if (res.jobGen !== '') await this.queues.enqueueFlush(d.agency, res.jobGen)
      return { d, status: r.status, state: res.state, dueAt: dueAtIso }
    }
    throw Errors.conflict('BUSY_DOSSIER', 'Hồ sơ đang được thay đổi liên tục; hãy gửi lại', 'The dossier kept changing while this was applied; send it again')
  }
}
