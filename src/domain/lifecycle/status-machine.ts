/**
 * The dossier status machine over the portal's ten codes (portal-protocol.md, status codes).
 * Pure. Two kinds of input move a dossier:
 * - events (`POST /v1/dossiers/:maHoSo/events`): one thing that happened, so one direct move;
 * - resends (a sector system posts its whole dossier again): the sector may have skipped
 *   reporting states in between, so any forward path is fine, but a resend that arrives late
 *   (from a machine that was offline) must never move the dossier back.
 * The table and the reasons for each move are in docs/lifecycle.md.
 */
import { InputError } from '../errors.js'
import type { StatusCode } from '../canonical-dossier.js'

/** The portal's names of its ten status codes (portal-protocol.md), in both languages. */
export const STATUS_LABELS: Record<string, { vi: string, en: string }> = {
  1: { vi: 'Mới đăng ký', en: 'newly submitted' },
  2: { vi: 'Được tiếp nhận', en: 'received' },
  3: { vi: 'Không được tiếp nhận', en: 'refused at intake' },
  4: { vi: 'Đang xử lý', en: 'being processed' },
  5: { vi: 'Yêu cầu bổ sung giấy tờ', en: 'supplement requested' },
  6: { vi: 'Yêu cầu thực hiện nghĩa vụ tài chính', en: 'payment requested' },
  7: { vi: 'Công dân yêu cầu rút hồ sơ', en: 'withdrawn by the applicant' },
  8: { vi: 'Dừng xử lý', en: 'processing stopped' },
  9: { vi: 'Đã xử lý xong', en: 'processed, result ready' },
  10: { vi: 'Đã trả kết quả', en: 'result returned' }
}

export const STATUS_CODES: readonly StatusCode[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']

/**
 * The direct moves. Why each exists:
 * - 1 newly submitted (online): the centre receives it (2), refuses it at intake (3), or the
 *   applicant withdraws it before anyone looked at it (7).
 * - 2 received: checking may still refuse it (3); processing starts (4); a supplement (5) or a
 *   payment (6) may be asked at once; the applicant may withdraw (7); the centre may stop it
 *   (8); simple procedures (a birth registration) are processed on the spot (9).
 * - 4 being processed: supplement (5), payment (6), withdrawal (7), stop (8), done (9).
 * - 5 supplement requested: the supplement arrives and processing resumes (4); the applicant
 *   withdraws (7) or never supplies it and processing stops (8). Not back to 2: the dossier was
 *   received already and the portal counts intake once; not 5 → 9: the result needs the
 *   supplement processed first (4).
 * - 6 payment requested: paid and processing resumes (4) or the paid fee was the last step (9);
 *   withdrawal (7); stop (8).
 * - 9 processed: the result is handed over (10). No way back to 4 for rework: the graph would
 *   then have a cycle through 9, and a late resend of "processing" after "processed" could no
 *   longer be told from rework; a corrected result is a new `result` event at status 9.
 * - 3, 7, 8, 10 are final (the contract says so).
 */
const MOVES: Readonly<Record<StatusCode, readonly StatusCode[]>> = {
  1: ['2', '3', '7'],
  2: ['3', '4', '5', '6', '7', '8', '9'],
  3: [],
  4: ['5', '6', '7', '8', '9'],
  5: ['4', '7', '8'],
  6: ['4', '7', '8', '9'],
  7: [],
  8: [],
  9: ['10'],
  10: []
}

export type Classification = 'same' | 'ok' | 'stale' | 'illegal'

/**
 * Both times are on the sender's clock, never the gateway's (when a post arrived says nothing of
 * when its status was set: an offline machine replays its queue hours late): `step.at` or an
 * event's `at`; for a status whose sender gave no time, the latest sender time known then (the
 * previous status's, or the receipt): a lower bound, so an in-order replay never looks older.
 */
export interface ClassifyOptions {
  mode: 'event' | 'resend'
  /** Epoch ms the current status was set (sender's clock, or its lower bound). */
  fromAt?: number
  /** Epoch ms the incoming status was set, when the sender said. */
  toAt?: number
}

export function isStatusCode (v: unknown): v is StatusCode {
  return typeof v === 'string' && Object.hasOwn(MOVES, v)
}

export function allowedFrom (status: StatusCode): StatusCode[] {
  return [...(MOVES[status] ?? [])]
}

export function isFinal (status: StatusCode): boolean {
  return (MOVES[status] ?? []).length === 0
}

function isEdge (from: StatusCode, to: StatusCode): boolean {
  return (MOVES[from] ?? []).includes(to)
}

/** A path of one move or more from `from` to `to`. */
export function reachable (from: StatusCode, to: StatusCode): boolean {
  const seen = new Set<StatusCode>()
  const queue: StatusCode[] = [...(MOVES[from] ?? [])]
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    if (s === to) return true
    if (seen.has(s)) continue
    seen.add(s)
    queue.push(...(MOVES[s] ?? []))
  }
  return false
}

/**
 * What a move from the current status `from` to `to` is.
 * - `same`: nothing moves.
 * - event mode: `ok` along a direct move, else `illegal`.
 * - resend mode: `stale` out of a final status, when the incoming status is older than the
 *   current one (`toAt < fromAt`), or when it lies behind the current one (a path leads from
 *   `to` to `from`) and no direct move leads forward to it; `ok` along any forward path;
 *   `illegal` when neither status leads to the other (9 → 3).
 *   In the 4 ↔ 5 and 4 ↔ 6 cycles a direct move counts as forward (a new supplement request
 *   after processing resumed), unless the timestamps say the resend is older. 5 and 6 lead to
 *   each other only through 4, both ways: a resend between them is `ok` only when both
 *   timestamps are known and say it is newer, and `stale` otherwise.
 */
export function classify (from: StatusCode, to: StatusCode, opts: ClassifyOptions): Classification {
  if (from === to) return 'same'
  if (opts.mode === 'event') return isEdge(from, to) ? 'ok' : 'illegal'
  if (isFinal(from)) return 'stale'
  const { fromAt, toAt } = opts
  if (fromAt !== undefined && toAt !== undefined && toAt < fromAt) return 'stale'
  const forward = reachable(from, to)
  const backward = reachable(to, from)
  if (!forward) return backward ? 'stale' : 'illegal'
  if (isEdge(from, to) || !backward) return 'ok'
  return fromAt !== undefined && toAt !== undefined && toAt > fromAt ? 'ok' : 'stale'
}

function label (s: string): { vi: string, en: string } {
  const l = STATUS_LABELS[s]
  return { vi: `${s} (${l?.vi ?? '?'})`, en: `${s} (${l?.en ?? '?'})` }
}

/**
 * The refusal of a move the machine does not allow: 409 `ILLEGAL_TRANSITION`, naming both
 * statuses and what the current one allows (or that it is final).
 */
export function illegalTransition (from: StatusCode, to: StatusCode, field = 'status'): InputError {
  const f = label(from)
  const t = label(to)
  const next = allowedFrom(from).map(label)
  const vi = next.length === 0
    ? `${f.vi} là trạng thái cuối, hồ sơ không thể chuyển sang trạng thái khác`
    : `từ trạng thái này chỉ có thể chuyển sang: ${next.map(n => n.vi).join(', ')}`
  const en = next.length === 0
    ? `${f.en} is final: the dossier cannot move to any other status`
    : `from this status the dossier can only move to: ${next.map(n => n.en).join(', ')}`
  return new InputError('ILLEGAL_TRANSITION', 409, {
    vi: `Không thể chuyển hồ sơ từ trạng thái ${f.vi} sang ${t.vi}; ${vi}`,
    en: `The dossier cannot move from status ${f.en} to ${t.en}; ${en}`
  }, { field })
}
