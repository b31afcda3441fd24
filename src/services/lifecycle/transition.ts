/**
 * What a sender's (re)post does to the dossier's life, decided on a snapshot of the dossier at
 * one revision (the intake script applies it only at that revision). Pure.
 */
import type { CanonicalInput, StatusCode } from '../../domain/canonical-dossier.js'
import type { LifecycleArgs, LifecycleSnapshot } from '../../store/ports/lifecycle.js'
import { classify, illegalTransition, isFinal } from '../../domain/lifecycle/status-machine.js'
import { bumpsFor, dimsOf, encodeBumps } from '../../domain/stats-dimensions.js'
import type { GatewayError } from '../../domain/errors.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import { decideNotices } from '../../domain/notices/decide.js'
import type { NoticeKind } from '../../domain/notices/kinds.js'

export type IntakeDecision =
  | { kind: 'stale' }
  | { kind: 'illegal', error: GatewayError }
  | { kind: 'apply', expectedRevision: number, lifecycle: LifecycleArgs }

export function decideIntake (snap: LifecycleSnapshot | undefined, d: CanonicalInput, a: { system: string, statsPrefix: string, now: number, statusField: string, noticeKinds?: readonly NoticeKind[] }): IntakeDecision {
  const at = d.step?.at ?? isoFromEpoch(a.now)
  const toAt = d.step?.at === undefined ? undefined : Date.parse(d.step.at)
  // Status times are the sender's clock, never the gateway's: a machine that replays its queue
  // after hours offline sends old times, and its moves must still follow each other. Without
  // `step.at`, the latest sender time known stands in (a lower bound): the current status's
  // time or the receipt, whichever is later.
  const receivedAt = Date.parse(d.receivedAt)
  const lowerBound = Math.max(snap?.statusAt ?? receivedAt, receivedAt)
  const to = d.status
  let changed = snap === undefined
  if (snap !== undefined && snap.status !== '' && snap.status !== to) {
    const verdict = classify(snap.status as StatusCode, to, { mode: 'resend', ...(snap.statusAt === undefined ? {} : { fromAt: snap.statusAt }), ...(toAt === undefined ? {} : { toAt }) })
    if (verdict === 'stale') return { kind: 'stale' }
    if (verdict === 'illegal') return { kind: 'illegal', error: illegalTransition(snap.status as StatusCode, to, a.statusField) }
    changed = verdict === 'ok'
  }
  // A due date set by an event outlives the sector's: the sector's format cannot say it moved.
  const dueAtIso = snap?.lifecycle?.dueAt ?? d.dueAt
  const digitised = (d as { digitised?: boolean }).digitised === true
  const paidBefore = snap?.paidOnline ?? false
  const paidAfter = paidBefore || d.paidOnline
  const t = bumpsFor({
    isNew: snap === undefined,
    receivedAt: d.receivedAt,
    channel: d.channel,
    digitised,
    paidOnline: { before: paidBefore, after: paidAfter },
    ...(snap === undefined ? {} : { from: snap.status as StatusCode }),
    to: changed ? to : (snap?.status ?? to) as StatusCode,
    at,
    dueAt: dueAtIso,
    resolvedBefore: snap?.resolved ?? false,
    // The overdue gauge is kept by the scripts (LIFECYCLE_SET), which see the dossier as it is.
    overdueBefore: false
  })
  const dueAt = Date.parse(dueAtIso)
  const statusAt = toAt ?? lowerBound
  const notices = decideNotices({
    isNew: snap === undefined,
    to,
    statusChanged: changed && (snap === undefined || snap.status !== to),
    statusAt,
    ...(snap?.dueAt === undefined ? {} : { oldDueAt: snap.dueAt }),
    newDueAt: dueAt,
    now: a.now,
    ...(d.step?.content === undefined ? {} : { text: d.step.content })
  }, a.noticeKinds)
  return {
    kind: 'apply',
    expectedRevision: snap?.revision ?? 0,
    lifecycle: {
      ...(changed ? { statusAt } : {}),
      dueAt,
      dueAtIso,
      final: isFinal(changed ? to : (snap?.status ?? to) as StatusCode),
      now: a.now,
      resolved: t.resolved,
      statsPrefix: a.statsPrefix,
      dims: dimsOf({ communeCode: d.agency.communeCode, system: a.system, procedure: d.procedure.code, channel: d.channel }),
      bumps: encodeBumps(t.bumps.filter(b => b.metric !== 'overdueOpen')),
      receivedDay: d.receivedAt.slice(0, 10),
      paidOnline: paidAfter,
      ...(notices.length === 0 ? {} : { notices })
    }
  }
}
