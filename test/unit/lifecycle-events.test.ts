import t from 'tap'
import { applyEvent, emptyLifecycle, parseEvent, type ApplyResult, type Lifecycle, type LifecycleEvent, type LifecycleState } from '../../src/services/lifecycle/events.js'
import type { CanonicalDossier, StatusCode } from '../../src/domain/canonical-dossier.js'

const dossier: CanonicalDossier = {
  schemaVersion: 1,
  maHoSo: '000.00.12.H42-250701-00017',
  procedure: { code: '1.004227.000.00.00.H42' },
  agency: { code: '000.00.12.H42', communeCode: '18601', name: 'Trung tâm PVHCC xã Việt Xuyên' },
  channel: 'in-person',
  holder: { kind: 'citizen', name: 'Lê Thị Hồng Nguyên', ids: [] },
  summary: 'Đăng ký biến động',
  receivedAt: '2025-07-01T08:15:00+07:00',
  dueAt: '2025-07-15T23:59:59+07:00',
  status: '2',
  documents: [],
  fees: [],
  paidOnline: false,
  provenance: { system: 'land', clientId: 'c', sourceId: 's', payloadSha256: '0'.repeat(64), mappingVersion: 'land@1.0.0', contentType: 'application/xml', receivedAt: '2025-07-01T08:16:00+07:00' }
}
const NOW = Date.parse('2025-08-01T00:00:00+07:00')
const RECEIVED = Date.parse(dossier.receivedAt)

function ev (body: Record<string, unknown>): LifecycleEvent {
  const r = parseEvent(body)
  if (!r.ok) throw new Error(`not an event: ${JSON.stringify(r.issues)}`)
  return r.event
}

function state (status: StatusCode, lifecycle: Lifecycle = emptyLifecycle(), statusAt = RECEIVED): LifecycleState {
  return { status, statusAt, lifecycle, dossier }
}

function ok (r: ApplyResult): Extract<ApplyResult, { ok: true }> {
  if (!r.ok) throw new Error(`refused: ${r.error.code} ${r.error.messages.en}`)
  return r
}

function refusal (body: unknown): { codes: string[], fields: string[] } {
  const r = parseEvent(body)
  if (r.ok) throw new Error('accepted')
  for (const i of r.issues) {
    if (!i.message.vi.startsWith(i.field) || !i.message.en.startsWith(i.field)) throw new Error(`message does not name ${i.field}`)
  }
  return { codes: r.issues.map(i => i.code), fields: r.issues.map(i => i.field) }
}

t.test('parseEvent: each type, dates to +07:00, text normalised', async t => {
  t.strictSame(ev({ type: 'step', at: '2025-07-02T01:00:00Z', content: '  Thẩm định\thồ sơ ', officer: 'Nguyễn Văn A' }),
    { type: 'step', at: '2025-07-02T08:00:00+07:00', content: 'Thẩm định hồ sơ', officer: 'Nguyễn Văn A' })
  t.strictSame(ev({ type: 'status', at: '2025-07-02T08:00:00.123+07:00', status: '4', reason: 'Đủ hồ sơ' }),
    { type: 'status', at: '2025-07-02T08:00:00+07:00', status: '4', reason: 'Đủ hồ sơ' })
  // Decomposed Unicode (a base letter and combining marks) becomes NFC.
  const decomposed = 'Bổ sung bản sao'.normalize('NFD')
  t.equal((ev({ type: 'supplement-requested', at: '2025-07-03T09:00:00+07:00', content: decomposed }) as { content: string }).content, 'Bổ sung bản sao')
  t.strictSame(ev({ type: 'supplement-received', at: '2025-07-05T09:00:00+0700', newDueAt: '2025-07-20' }),
    { type: 'supplement-received', at: '2025-07-05T09:00:00+07:00', newDueAt: '2025-07-20T23:59:59+07:00' })
  t.strictSame(ev({ type: 'due-date', at: '2025-07-16T08:00:00+07:00', dueAt: '2025-07-22T10:00:00-05:00' }),
    { type: 'due-date', at: '2025-07-16T08:00:00+07:00', dueAt: '2025-07-22T22:00:00+07:00' })
  t.strictSame(ev({ type: 'result', at: '2025-07-10T15:00:00+07:00', documents: [{ name: 'Giấy chứng nhận', code: 'GCN-1', url: 'https://vpdk.example/kq/1' }] }),
    { type: 'result', at: '2025-07-10T15:00:00+07:00', documents: [{ name: 'Giấy chứng nhận', code: 'GCN-1', url: 'https://vpdk.example/kq/1' }], status: '9' }, 'status defaults to 9')
})

t.test('parseEvent: refusals name the field in the event\'s terms', async t => {
  const at = '2025-07-02T08:00:00+07:00'
  const doc = { name: 'Giấy chứng nhận', code: 'GCN-1', url: 'https://vpdk.example/kq/1' }
  t.strictSame(refusal({ type: 'result', documents: [doc] }), { codes: ['REQUIRED'], fields: ['at'] }, 'a result without a date')
  t.strictSame(refusal({ type: 'step', at: '2025-07-02T08:00:00', content: 'x' }), { codes: ['INVALID_DATE'], fields: ['at'] }, 'no zone')
  t.strictSame(refusal({ type: 'step', at: '2025-02-30T08:00:00+07:00', content: 'x' }), { codes: ['INVALID_DATE'], fields: ['at'] }, '30 February')
  t.strictSame(refusal({ type: 'due-date', at, dueAt: '15/07/2025' }), { codes: ['INVALID_DATE'], fields: ['dueAt'] })
  t.strictSame(refusal({ type: 'due-date', at, dueAt: '2025-13-01' }), { codes: ['INVALID_DATE'], fields: ['dueAt'] })
  t.strictSame(refusal({ type: 'result', at, documents: [doc, { ...doc, url: 'javascript:alert(1)' }] }), { codes: ['INVALID_URL'], fields: ['documents[1].url'] })
  t.strictSame(refusal({ type: 'result', at, documents: [{ code: 'A', url: 'https://x.example/' }] }), { codes: ['REQUIRED'], fields: ['documents[0].name'] })
  t.strictSame(refusal({ type: 'result', at, documents: [] }), { codes: ['TOO_FEW_ITEMS'], fields: ['documents'] })
  t.strictSame(refusal({ type: 'result', at, documents: Array.from({ length: 51 }, () => doc) }), { codes: ['TOO_MANY_ITEMS'], fields: ['documents'] })
  t.strictSame(refusal({ type: 'result', at, documents: [doc], status: '4' }), { codes: ['INVALID_VALUE'], fields: ['status'] })
  t.strictSame(refusal({ type: 'status', at, status: '11' }), { codes: ['INVALID_VALUE'], fields: ['status'] })
  t.strictSame(refusal({ type: 'status', at, status: 4 }), { codes: ['INVALID_TYPE'], fields: ['status'] })
  t.strictSame(refusal({ type: 'step', at, content: 'x'.repeat(1001) }), { codes: ['TOO_LONG'], fields: ['content'] })
  t.strictSame(refusal({ type: 'step', at, content: '   ' }), { codes: ['TOO_SHORT'], fields: ['content'] })
  t.strictSame(refusal({ type: 'step', at, content: 'a\u202Eb' }), { codes: ['INVALID_TEXT'], fields: ['content'] })
  t.strictSame(refusal({ type: 'step', at }), { codes: ['REQUIRED'], fields: ['content'] })
  t.strictSame(refusal({ type: 'step', at, content: 'x', status: '4' }), { codes: ['UNKNOWN_FIELD'], fields: ['status'] })
  t.strictSame(refusal({ type: 'supplement-requested', at }), { codes: ['REQUIRED'], fields: ['content'] })
  t.strictSame(refusal({ type: 'result', at, documents: [{ ...doc, extra: 1 }] }), { codes: ['UNKNOWN_FIELD'], fields: ['documents[0].extra'] })
  t.strictSame(refusal({ type: 'cancel', at }), { codes: ['UNKNOWN_EVENT_TYPE'], fields: ['type'] })
  t.strictSame(refusal({ at }), { codes: ['REQUIRED'], fields: ['type'] })
  const many = refusal({ type: 'status', at: 'hôm qua', status: '0', officer: '' })
  t.strictSame([...many.fields].sort(), ['at', 'officer', 'status'], 'every problem at once')
})

t.test('parseEvent never throws on hostile input', async t => {
  const nested: unknown[] = []
  let cur = nested
  for (let i = 0; i < 10_000; i++) { const n: unknown[] = []; cur.push(n); cur = n }
  const bodies: unknown[] = [
    null, undefined, 0, 'step', [], [{ type: 'step' }], true,
    { type: {} }, { type: '__proto__' }, { type: 'toString' }, { type: 'constructor' },
    JSON.parse('{"type":"step","at":"2025-07-02T08:00:00+07:00","content":"x","__proto__":{"status":"9"}}'),
    { type: 'result', at: '2025-07-02T08:00:00+07:00', documents: [null, 1, 'x', [], nested] },
    { type: 'result', at: '2025-07-02T08:00:00+07:00', documents: { 0: { name: 'a' } } },
    { type: 'step', at: 'x'.repeat(1_000_000), content: 'y'.repeat(1_000_000) },
    { type: 'step', at: '2025-07-02T08:00:00+07:00', content: '\uD800' },
    Object.create(null) as unknown,
    new Proxy({}, { get () { throw new Error('hostile') }, ownKeys () { throw new Error('hostile') } })
  ]
  for (const b of bodies) {
    const r = parseEvent(b)
    t.equal(r.ok, false)
    if (!r.ok) t.ok(r.issues.length > 0 && r.issues.length <= 50)
  }
})

t.test('applyEvent: a step keeps the status and pushes a TienDo of it', async t => {
  const before = state('4')
  const r = ok(applyEvent(before, ev({ type: 'step', at: '2025-07-03T10:00:00+07:00', content: 'Đo đạc thửa đất', officer: 'Trần B', department: 'Tổ đo đạc' }), NOW))
  t.equal(r.status, '4')
  t.equal(r.statusAt, RECEIVED)
  t.strictSame(r.step, { status: '4', at: '2025-07-03T10:00:00+07:00', step: { at: '2025-07-03T10:00:00+07:00', officer: 'Trần B', department: 'Tổ đo đạc', content: 'Đo đạc thửa đất' } })
  t.equal(r.contentChanged, false)
})

t.test('applyEvent: status changes follow the machine and set their dates', async t => {
  const at = '2025-07-02T08:00:00+07:00'
  const r4 = ok(applyEvent(state('2'), ev({ type: 'status', at, status: '4' }), NOW))
  t.equal(r4.status, '4')
  t.equal(r4.statusAt, Date.parse(at))
  t.equal(r4.contentChanged, false, 'the HoSo changes only by its status')
  t.notOk('content' in (r4.step?.step ?? {}), 'the TienDo takes the status label')

  const r3 = ok(applyEvent(state('2'), ev({ type: 'status', at, status: '3', reason: 'Không thuộc thẩm quyền' }), NOW))
  t.equal(r3.lifecycle.refusedAt, at)
  t.equal(r3.step?.step.content, 'Không thuộc thẩm quyền')
  t.equal(r3.contentChanged, true, 'NgayTuChoi appears')

  for (const [s, field] of [['7', 'withdrawnAt'], ['8', 'stoppedAt'], ['9', 'finishedAt']] as const) {
    const r = ok(applyEvent(state('4'), ev({ type: 'status', at, status: s }), NOW))
    t.equal(r.lifecycle[field], at, `${s} sets ${field}`)
    t.equal(r.contentChanged, s === '9', `${s}: the HoSo changes only with NgayKetThucXuLy`)
  }
  const r10 = ok(applyEvent(state('9'), ev({ type: 'status', at, status: '10' }), NOW))
  t.equal(r10.lifecycle.returnedAt, at)
  t.equal(r10.contentChanged, true, 'NgayTra')

  const same = ok(applyEvent(state('4', emptyLifecycle(), 123), ev({ type: 'status', at, status: '4', content: 'Vẫn đang xử lý' }), NOW))
  t.equal(same.statusAt, 123, 'the same status keeps its time')
  t.equal(same.step?.status, '4')

  const bad = applyEvent(state('4'), ev({ type: 'status', at, status: '2' }), NOW)
  t.equal(bad.ok, false)
  if (!bad.ok) {
    t.equal(bad.error.code, 'ILLEGAL_TRANSITION')
    t.equal(bad.error.statusCode, 409)
    t.equal(bad.error.field, 'status')
  }
  const final = applyEvent(state('10'), ev({ type: 'step', at, content: 'x' }), NOW)
  t.equal(final.ok ? '' : final.error.code, 'DOSSIER_FINAL')
  const five = applyEvent(state('4'), ev({ type: 'status', at, status: '5' }), NOW)
  t.equal(five.ok ? '' : five.error.code, 'USE_SUPPLEMENT_EVENT')
  const future = applyEvent(state('4'), ev({ type: 'step', at: '2025-08-01T00:06:00+07:00', content: 'x' }), NOW)
  t.equal(future.ok ? '' : future.error.field, 'at', 'more than 5 minutes ahead of the clock')
  t.ok(applyEvent(state('4'), ev({ type: 'step', at: '2025-08-01T00:04:00+07:00', content: 'x' }), NOW).ok, 'a little ahead is clock drift')
})

t.test('applyEvent: the supplement cycle, twice', async t => {
  const s0 = state('4')
  const frozen = JSON.stringify(s0)
  const r1 = ok(applyEvent(s0, ev({ type: 'supplement-requested', at: '2025-07-03T09:00:00+07:00', content: 'Bổ sung bản sao hợp đồng', requestedBy: 'Trần B' }), NOW))
  t.equal(JSON.stringify(s0), frozen, 'the state handed in is not modified')
  t.equal(r1.status, '5')
  t.strictSame(r1.lifecycle.supplements, [{ id: 'BS-1', requestedAt: '2025-07-03T09:00:00+07:00', requestedBy: 'Trần B', content: 'Bổ sung bản sao hợp đồng', previousDueAt: '2025-07-15T23:59:59+07:00' }])
  t.equal(r1.contentChanged, true)
  t.equal(r1.step?.status, '5')

  const s1 = state('5', r1.lifecycle, r1.statusAt)
  const again = applyEvent(s1, ev({ type: 'supplement-requested', at: '2025-07-03T10:00:00+07:00', content: 'x' }), NOW)
  t.equal(again.ok ? '' : again.error.code, 'SUPPLEMENT_ALREADY_OPEN')
  const around = applyEvent(s1, ev({ type: 'status', at: '2025-07-04T10:00:00+07:00', status: '4' }), NOW)
  t.equal(around.ok ? '' : around.error.code, 'USE_SUPPLEMENT_EVENT', 'an open request is closed by supplement-received only')
  t.equal(ok(applyEvent(s1, ev({ type: 'status', at: '2025-07-04T10:00:00+07:00', status: '7' }), NOW)).status, '7', 'withdrawal while waiting')

  const early = applyEvent(s1, ev({ type: 'supplement-received', at: '2025-07-05T09:00:00+07:00', newDueAt: '2025-06-30' }), NOW)
  t.equal(early.ok ? '' : early.error.code, 'DUE_BEFORE_RECEIPT')
  t.equal(early.ok ? '' : early.error.field, 'newDueAt')

  const r2 = ok(applyEvent(s1, ev({ type: 'supplement-received', at: '2025-07-05T09:00:00+07:00', newDueAt: '2025-07-20' }), NOW))
  t.equal(r2.status, '4')
  t.equal(r2.lifecycle.dueAt, '2025-07-20T23:59:59+07:00')
  t.match(r2.lifecycle.supplements[0], { id: 'BS-1', receivedAt: '2025-07-05T09:00:00+07:00', previousDueAt: '2025-07-15T23:59:59+07:00', newDueAt: '2025-07-20T23:59:59+07:00' })
  t.match(r2.step?.step.content, /20\/07\/2025 23:59/)

  const s2 = state('4', r2.lifecycle, r2.statusAt)
  const none = applyEvent(s2, ev({ type: 'supplement-received', at: '2025-07-06T09:00:00+07:00' }), NOW)
  t.equal(none.ok ? '' : none.error.code, 'NO_OPEN_SUPPLEMENT')
  t.equal(none.ok ? 0 : none.error.statusCode, 409)

  const r3 = ok(applyEvent(s2, ev({ type: 'supplement-requested', at: '2025-07-08T09:00:00+07:00', content: 'Bổ sung trích đo' }), NOW))
  t.match(r3.lifecycle.supplements[1], { id: 'BS-2', previousDueAt: '2025-07-20T23:59:59+07:00' }, 'the due date before is the new one')
  const r4 = ok(applyEvent(state('5', r3.lifecycle), ev({ type: 'supplement-received', at: '2025-07-09T09:00:00+07:00' }), NOW))
  t.equal(r4.lifecycle.dueAt, '2025-07-20T23:59:59+07:00', 'no new date: the due date stays')
  t.notOk('newDueAt' in (r4.lifecycle.supplements[1] ?? {}))
})

t.test('applyEvent: status 5 sent by the sector, with no request recorded', async t => {
  const r = applyEvent(state('5'), ev({ type: 'supplement-received', at: '2025-07-05T09:00:00+07:00' }), NOW)
  t.equal(r.ok ? '' : r.error.code, 'NO_OPEN_SUPPLEMENT')
  t.equal(ok(applyEvent(state('5'), ev({ type: 'status', at: '2025-07-05T09:00:00+07:00', status: '4' }), NOW)).status, '4', 'a status event resumes it')
})

t.test('applyEvent: due dates', async t => {
  const before = applyEvent(state('4'), ev({ type: 'due-date', at: '2025-07-16T08:00:00+07:00', dueAt: '2025-07-01T08:00:00+07:00' }), NOW)
  t.equal(before.ok, false)
  if (!before.ok) {
    t.equal(before.error.code, 'DUE_BEFORE_RECEIPT')
    t.equal(before.error.field, 'dueAt')
    t.ok([400, 422].includes(before.error.statusCode))
    t.match(before.error.messages.vi, /^dueAt .*01\/07\/2025 08:15/)
  }
  const r = ok(applyEvent(state('4'), ev({ type: 'due-date', at: '2025-07-16T08:00:00+07:00', dueAt: '2025-07-22', reason: 'Chờ ý kiến cơ quan thuế' }), NOW))
  t.equal(r.lifecycle.dueAt, '2025-07-22T23:59:59+07:00')
  t.equal(r.status, '4')
  t.equal(r.step?.step.content, 'Hẹn lại ngày trả kết quả: 22/07/2025 23:59. Lý do: Chờ ý kiến cơ quan thuế')
  t.equal(r.contentChanged, true)
  const again = ok(applyEvent(state('4', r.lifecycle), ev({ type: 'due-date', at: '2025-07-16T09:00:00+07:00', dueAt: '2025-07-22' }), NOW))
  t.equal(again.contentChanged, false, 'the same date again changes nothing on the portal')
})

t.test('applyEvent: results', async t => {
  const doc = { name: 'Giấy chứng nhận', code: 'GCN-1', url: 'https://vpdk.example/kq/1' }
  const r = ok(applyEvent(state('4'), ev({ type: 'result', at: '2025-07-10T15:00:00+07:00', documents: [doc] }), NOW))
  t.equal(r.status, '9')
  t.equal(r.lifecycle.finishedAt, '2025-07-10T15:00:00+07:00')
  t.strictSame(r.lifecycle.results, [doc])
  t.equal(r.contentChanged, true)
  t.match(r.step?.step.content, /Giấy chứng nhận/)

  const fixed = ok(applyEvent(state('9', r.lifecycle), ev({ type: 'result', at: '2025-07-11T09:00:00+07:00', documents: [{ ...doc, url: 'https://vpdk.example/kq/1b' }, { name: 'Thông báo', code: 'TB-1', url: 'https://vpdk.example/kq/2', componentCode: 'KQ02' }] }), NOW))
  t.equal(fixed.status, '9')
  t.equal(fixed.lifecycle.finishedAt, '2025-07-10T15:00:00+07:00', 'finished when it first reached 9')
  t.strictSame(fixed.lifecycle.results.map(d => d.url), ['https://vpdk.example/kq/1b', 'https://vpdk.example/kq/2'], 'a corrected document replaces the one with its code')

  const ret = ok(applyEvent(state('9', fixed.lifecycle), ev({ type: 'result', at: '2025-07-12T09:00:00+07:00', documents: [doc], status: '10' }), NOW))
  t.equal(ret.status, '10')
  t.equal(ret.lifecycle.returnedAt, '2025-07-12T09:00:00+07:00')
  const skip = applyEvent(state('4'), ev({ type: 'result', at: '2025-07-12T09:00:00+07:00', documents: [doc], status: '10' }), NOW)
  t.equal(skip.ok ? '' : skip.error.code, 'ILLEGAL_TRANSITION', 'events take one move at a time')
})
