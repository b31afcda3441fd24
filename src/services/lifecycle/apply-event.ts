/**
 * `applyEvent`: what one parsed event does to a dossier's status and lifecycle. Pure: the
 * caller reads the state, applies, and writes the result (and the step to push) atomically.
 * Every refusal is an InputError with a stable code and the field in the event's own terms;
 * a refused event changes nothing.
 */
import { InputError, issue } from '../../domain/errors.js'
import { STATUS_LABELS, toPortalHoSo } from '../../mappings/to-portal.js'
import type { CanonicalDossier, ResultDocument, StatusCode, StepInfo } from '../../domain/canonical-dossier.js'
import { MAX_RESULTS, MAX_SUPPLEMENTS, type Lifecycle, type LifecycleEvent } from '../../domain/lifecycle/schemas.js'
import { withLifecycle } from '../../domain/lifecycle/overlay.js'
import { truncate } from '../../domain/toolkit/text.js'
import { classify, illegalTransition, isFinal } from '../../domain/lifecycle/status-machine.js'

export interface LifecycleState {
  status: StatusCode
  /** Epoch ms the current status was set. */
  statusAt: number
  lifecycle: Lifecycle
  /** The dossier as rendered now. */
  dossier: CanonicalDossier
}

/** A TienDo to push: the status it reports, when, and who did what. */
export interface LifecycleStep { status: StatusCode, at: string, step: StepInfo }

export type ApplyResult =
  | { ok: true, status: StatusCode, statusAt: number, lifecycle: Lifecycle, step?: LifecycleStep, contentChanged: boolean }
  | { ok: false, error: InputError }

/** An event may be dated a little ahead of the gateway's clock (clocks drift), not more. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000
const CONTENT_MAX = 1000

type Refusal = { ok: false, error: InputError }

function refuse (code: string, status: number, field: string, vi: string, en: string): Refusal {
  return { ok: false, error: new InputError(code, status, { vi: `${field} ${vi}`, en: `${field} ${en}` }, { field, issues: [issue(code, field, `${field} ${vi}`, `${field} ${en}`)] }) }
}

function cut (s: string): string {
  return truncate(s, CONTENT_MAX)
}

/** `2025-07-15T23:59:59+07:00` → `15/07/2025 23:59`, as officers write it. */
function display (iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 16)}`
}

function stepOf (e: LifecycleEvent, content: string | undefined): StepInfo {
  const s: StepInfo = { at: e.at }
  if (e.officer !== undefined) s.officer = e.officer
  if (e.title !== undefined) s.title = e.title
  if (e.department !== undefined) s.department = e.department
  if (content !== undefined) s.content = cut(content)
  return s
}

/** The rendered HoSo without its status, which steps move: what an update would carry. */
function rendered (dossier: CanonicalDossier, lifecycle: Lifecycle): string {
  const { TrangThaiHoSo: _status, ...rest } = toPortalHoSo(withLifecycle(dossier, lifecycle))
  return JSON.stringify(rest)
}

function openSupplement (l: Lifecycle): number {
  const i = l.supplements.length - 1
  return i >= 0 && l.supplements[i]?.receivedAt === undefined ? i : -1
}

/** The date field each status sets when an event moves the dossier to it. */
const DATE_OF: Partial<Record<StatusCode, 'refusedAt' | 'withdrawnAt' | 'stoppedAt' | 'finishedAt' | 'returnedAt'>> = {
  3: 'refusedAt', 7: 'withdrawnAt', 8: 'stoppedAt', 9: 'finishedAt', 10: 'returnedAt'
}

export function applyEvent (state: LifecycleState, event: LifecycleEvent, now: number): ApplyResult {
  const { status, dossier } = state
  const at = Date.parse(event.at)
  if (at > now + FUTURE_TOLERANCE_MS) {
    return refuse('AT_IN_FUTURE', 422, 'at', 'là thời điểm trong tương lai', 'is in the future')
  }
  if (isFinal(status)) {
    const l = STATUS_LABELS[status]
    const error = new InputError('DOSSIER_FINAL', 409, {
      vi: `Hồ sơ đã ở trạng thái cuối ${status} (${l?.vi ?? '?'}), không nhận thêm sự kiện`,
      en: `The dossier is in the final status ${status} (${l?.en ?? '?'}) and takes no more events`
    }, { field: 'type' })
    return { ok: false, error }
  }
  const lifecycle: Lifecycle = structuredClone(state.lifecycle)
  let to: StatusCode = status
  let content: string | undefined

  switch (event.type) {
    case 'step':
      content = event.content
      break
    case 'status': {
      // A supplement request needs its content and an entry, and closing one needs its date:
      // only the supplement events keep DanhSachHoSoBoSung true to what happened.
      if (event.status === '5' || (status === '5' && event.status === '4' && openSupplement(lifecycle) >= 0)) {
        return refuse('USE_SUPPLEMENT_EVENT', 409, 'status',
          'không dùng để yêu cầu hoặc nhận bổ sung; dùng sự kiện supplement-requested hoặc supplement-received',
          'cannot request or receive a supplement; use the supplement-requested or supplement-received event')
      }
      to = event.status
      content = event.content !== undefined && event.reason !== undefined
        ? `${event.content}. Lý do: ${event.reason}`
        : event.content ?? event.reason
      break
    }
    case 'supplement-requested': {
      if (lifecycle.supplements.length >= MAX_SUPPLEMENTS) {
        return refuse('TOO_MANY_SUPPLEMENTS', 409, 'type', `vượt quá ${MAX_SUPPLEMENTS} lần yêu cầu bổ sung`, `exceeds ${MAX_SUPPLEMENTS} supplement requests`)
      }
      if (status === '5') {
        return refuse('SUPPLEMENT_ALREADY_OPEN', 409, 'type', 'không hợp lệ: hồ sơ đang chờ bổ sung', 'is not allowed: the dossier is already waiting for a supplement')
      }
      to = '5'
      lifecycle.supplements.push({
        id: `BS-${lifecycle.supplements.length + 1}`,
        requestedAt: event.at,
        ...(event.requestedBy === undefined ? {} : { requestedBy: event.requestedBy }),
        content: event.content,
        previousDueAt: lifecycle.dueAt ?? dossier.dueAt
      })
      content = `Yêu cầu bổ sung: ${event.content}`
      break
    }
    case 'supplement-received': {
      const i = openSupplement(lifecycle)
      const open = lifecycle.supplements[i]
      if (status !== '5' || open === undefined) {
        return refuse('NO_OPEN_SUPPLEMENT', 409, 'type', 'không hợp lệ: hồ sơ không có yêu cầu bổ sung nào đang chờ', 'is not allowed: the dossier has no open supplement request')
      }
      if (event.newDueAt !== undefined && Date.parse(event.newDueAt) < Date.parse(dossier.receivedAt)) return dueBeforeReceipt('newDueAt', dossier)
      to = '4'
      open.receivedAt = event.at
      if (event.newDueAt !== undefined) {
        open.newDueAt = event.newDueAt
        lifecycle.dueAt = event.newDueAt
      }
      content = event.content ?? `Đã nhận hồ sơ bổ sung${event.newDueAt === undefined ? '' : `; hẹn trả kết quả ${display(event.newDueAt)}`}`
      break
    }
    case 'due-date':
      if (Date.parse(event.dueAt) < Date.parse(dossier.receivedAt)) return dueBeforeReceipt('dueAt', dossier)
      lifecycle.dueAt = event.dueAt
      content = `Hẹn lại ngày trả kết quả: ${display(event.dueAt)}${event.reason === undefined ? '' : `. Lý do: ${event.reason}`}`
      break
    case 'result': {
      to = event.status ?? '9'
      const merged = mergeResults(lifecycle.results, event.documents)
      if (merged.length > MAX_RESULTS) {
        return refuse('TOO_MANY_RESULTS', 409, 'documents', `vượt quá ${MAX_RESULTS} giấy tờ kết quả cho một hồ sơ`, `exceeds ${MAX_RESULTS} result documents for one dossier`)
      }
      lifecycle.results = merged
      content = event.content ?? `Có kết quả: ${event.documents.map(d => d.name).join('; ')}`
      break
    }
  }

  const move = classify(status, to, { mode: 'event' })
  if (move === 'illegal') return { ok: false, error: illegalTransition(status, to, event.type === 'status' || event.type === 'result' ? 'status' : 'type') }
  const changed = move === 'ok'
  const dateField = DATE_OF[to]
  // A result on a dossier a resend brought to 9 without its date: the result dates it.
  const undated = event.type === 'result' && to === '9' && dossier.finishedAt === undefined && lifecycle.finishedAt === undefined
  if (dateField !== undefined && (changed || undated)) lifecycle[dateField] = event.at
  return {
    ok: true,
    status: to,
    statusAt: changed ? at : state.statusAt,
    lifecycle,
    step: { status: to, at: event.at, step: stepOf(event, content) },
    contentChanged: rendered(dossier, state.lifecycle) !== rendered(dossier, lifecycle)
  }
}

function dueBeforeReceipt (field: string, dossier: CanonicalDossier): Refusal {
  const r = display(dossier.receivedAt)
  return refuse('DUE_BEFORE_RECEIPT', 422, field, `là trước ngày tiếp nhận hồ sơ (${r})`, `is before the dossier was received (${r})`)
}

/** A document with a code already there replaces it (a corrected result); others are added. */
function mergeResults (old: ResultDocument[], docs: ResultDocument[]): ResultDocument[] {
  const out = [...old]
  for (const d of docs) {
    const doc: ResultDocument = { name: d.name, code: d.code, url: d.url, ...(d.componentCode === undefined ? {} : { componentCode: d.componentCode }) }
    const i = out.findIndex(r => r.code === doc.code)
    if (i >= 0) out[i] = doc
    else out.push(doc)
  }
  return out
}
