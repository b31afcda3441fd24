/** Lifecycle events (`POST /v1/dossiers/:maHoSo/events`) in the model-based test: lifecycle.md, "Events". */
import type { Cmd } from './commands.js'
import { isEdge, isFinal, localIso, type MDossier, type Model } from './model.js'
import { dueOf } from './payloads.js'
import { expect } from './run.js'
import type { World } from './world.js'

type EventCmd = Extract<Cmd, { k: 'event' }>

/** Dossiers events may be taken on: not final, not held, not compacted, not an unrouted online one. */
const open = (d: MDossier): boolean => !isFinal(d.status) && !d.compacted && (d.state === 'pending' || d.state === 'delivered')

/** What the event would do: the status after it, or undefined when the gateway refuses it (not generated). */
function plan (d: MDossier, c: EventCmd): string | undefined {
  switch (c.type) {
    case 'step': case 'due-date': return d.status
    case 'supplement-requested': return isEdge(d.status, '5') && !d.supplementOpen ? '5' : undefined
    case 'supplement-received': return d.supplementOpen ? '4' : undefined
    case 'result': return isEdge(d.status, '9') || d.status === '9' ? '9' : undefined
    case 'status': {
      const to = targets(d)
      return to.length === 0 ? undefined : to[c.pick % to.length]
    }
  }
}

/** Status events the gateway takes: a direct move (or the same status), never into 5, nor 5 → 4 while a request is open. */
function targets (d: MDossier): string[] {
  const moves = ['1', '2', '3', '4', '6', '7', '8', '9', '10'].filter(s => isEdge(d.status, s) && !(d.status === '5' && s === '4' && d.supplementOpen))
  return d.status === '5' ? moves : [d.status, ...moves]
}

export function eventPrecondition (m: Model, c: EventCmd): boolean {
  const d = m.pick(c.i, open)
  return d !== undefined && plan(d, c) !== undefined && (c.type !== 'due-date' || c.due !== undefined)
}

export async function runEvent (m: Model, w: World, c: EventCmd): Promise<void> {
  const d = m.pick(c.i, open) as MDossier
  const to = plan(d, c) as string
  // Officers' times: before the gateway's clock, one second apart, in the order sent.
  const at = m.wall - 30 * 60_000 + (m.seq++) * 1000
  const body: Record<string, unknown> = { type: c.type, at: localIso(at) }
  let due: { due: number, iso: string, short: string } | undefined
  if (c.type === 'step') body.content = 'Thẩm định hồ sơ'
  if (c.type === 'supplement-requested') body.content = 'Bổ sung bản sao giấy tờ'
  if (c.type === 'status') body.status = to
  if (c.type === 'result') body.documents = [{ name: 'Giấy chứng nhận', code: `KQ-${d.n}`, url: `https://kq.example.vn/${d.n}` }]
  if (c.type === 'due-date' && c.due !== undefined) {
    due = dueOf(m.wall, c.due)
    body.dueAt = due.short
  }
  const r = await w.admin('POST', `/v1/dossiers/${d.code}/events`, body)
  expect(r.status === 202 && r.json.status === to, `${d.code}: ${c.type} event at status ${d.status} → ${to}`, r)
  if (c.type === 'supplement-requested') d.supplementOpen = true
  if (c.type === 'supplement-received') d.supplementOpen = false
  if (due !== undefined) {
    m.setDue(d, due.due, due.iso)
    d.eventDue = true
  }
  m.setStatus(d, to, at, to === d.status ? undefined : at)
  m.step(d)
}
