import t from 'tap'
import { allowedFrom, classify, illegalTransition, isFinal, isStatusCode, STATUS_CODES } from '../../src/domain/lifecycle/status-machine.js'
import type { StatusCode } from '../../src/domain/canonical-dossier.js'

// Written by hand from the table in docs/lifecycle.md, not derived from the code.
const EDGES: Record<StatusCode, StatusCode[]> = {
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

// Resends without timestamps, row = current status, columns = incoming 1..10.
// s same, o ok, x stale, i illegal.
const RESEND: Record<StatusCode, string> = {
  1: 'sooooooooo',
  2: 'xsoooooooo',
  3: 'xxsxxxxxxx',
  4: 'xxisoooooo',
  5: 'xxiosxoooo',
  6: 'xxioxsoooo',
  7: 'xxxxxxsxxx',
  8: 'xxxxxxxsxx',
  9: 'xxixxxiiso',
  10: 'xxxxxxxxxs'
}
const WORD = { s: 'same', o: 'ok', x: 'stale', i: 'illegal' } as const

t.test('the moves and the final statuses', async t => {
  for (const s of STATUS_CODES) {
    t.strictSame(allowedFrom(s), EDGES[s], `moves from ${s}`)
    t.equal(isFinal(s), ['3', '7', '8', '10'].includes(s), `${s} final or not`)
  }
  const list = allowedFrom('4')
  list.push('1')
  t.strictSame(allowedFrom('4'), EDGES['4'], 'allowedFrom hands out a copy')
  t.ok(isStatusCode('10'))
  t.notOk(isStatusCode('11'))
  t.notOk(isStatusCode('__proto__'))
  t.notOk(isStatusCode(4))
})

t.test('events follow a direct move, every pair', async t => {
  for (const from of STATUS_CODES) {
    for (const to of STATUS_CODES) {
      const want = from === to ? 'same' : EDGES[from].includes(to) ? 'ok' : 'illegal'
      t.equal(classify(from, to, { mode: 'event' }), want, `event ${from} → ${to}`)
      // Timestamps do not make an event legal or not.
      t.equal(classify(from, to, { mode: 'event', fromAt: 2, toAt: 1 }), want, `event ${from} → ${to}, older`)
    }
  }
})

t.test('resends without timestamps, every pair', async t => {
  for (const from of STATUS_CODES) {
    const row = RESEND[from]
    STATUS_CODES.forEach((to, i) => {
      const c = row[i] as keyof typeof WORD
      t.equal(classify(from, to, { mode: 'resend' }), WORD[c], `resend ${from} → ${to}`)
    })
  }
})

t.test('every direct move is also a good resend, unless the resend is older', async t => {
  for (const from of STATUS_CODES) {
    for (const to of EDGES[from]) {
      t.equal(classify(from, to, { mode: 'resend', fromAt: 1000, toAt: 2000 }), 'ok', `${from} → ${to}, newer`)
      t.equal(classify(from, to, { mode: 'resend', fromAt: 2000, toAt: 1000 }), 'stale', `${from} → ${to}, older`)
    }
  }
})

t.test('finals stay final, whatever the resend says', async t => {
  for (const from of ['3', '7', '8', '10'] as const) {
    for (const to of STATUS_CODES) {
      if (to === from) continue
      t.equal(classify(from, to, { mode: 'event' }), 'illegal')
      t.equal(classify(from, to, { mode: 'resend' }), 'stale')
      t.equal(classify(from, to, { mode: 'resend', fromAt: 1, toAt: 9e12 }), 'stale', `${from} → ${to}, even newer`)
    }
  }
})

t.test('the supplement cycle 4 → 5 → 4 → 5 with timestamps', async t => {
  const t1 = Date.parse('2025-07-02T09:00:00+07:00') // 5 requested
  const t2 = Date.parse('2025-07-03T10:00:00+07:00') // 4 again: supplement received
  const t3 = Date.parse('2025-07-04T11:00:00+07:00') // a second request
  // At 4 since t2: a late resend of the first request (5 at t1) is stale...
  t.equal(classify('4', '5', { mode: 'resend', fromAt: t2, toAt: t1 }), 'stale')
  // ... while a new request (5 at t3) moves it.
  t.equal(classify('4', '5', { mode: 'resend', fromAt: t2, toAt: t3 }), 'ok')
  // At 5 since t3: a late resend of "processing" from t2 is stale; a newer one is the supplement.
  t.equal(classify('5', '4', { mode: 'resend', fromAt: t3, toAt: t2 }), 'stale')
  t.equal(classify('5', '4', { mode: 'resend', fromAt: t1, toAt: t2 }), 'ok')
  // Same instant: not older, so a direct move still counts.
  t.equal(classify('4', '5', { mode: 'resend', fromAt: t2, toAt: t2 }), 'ok')
  // Without a time from the sender, only the graph speaks: a direct move is taken.
  t.equal(classify('4', '5', { mode: 'resend', fromAt: t2 }), 'ok')
})

t.test('5 and 6 lead to each other only through 4: a resend between them needs newer times', async t => {
  t.equal(classify('5', '6', { mode: 'resend' }), 'stale')
  t.equal(classify('5', '6', { mode: 'resend', fromAt: 1 }), 'stale')
  t.equal(classify('5', '6', { mode: 'resend', fromAt: 1, toAt: 1 }), 'stale')
  t.equal(classify('5', '6', { mode: 'resend', fromAt: 1, toAt: 2 }), 'ok')
  t.equal(classify('6', '5', { mode: 'resend', fromAt: 1, toAt: 2 }), 'ok')
  t.equal(classify('6', '5', { mode: 'resend', fromAt: 2, toAt: 1 }), 'stale')
})

t.test('a resend never moves back, even when it says it is newer', async t => {
  t.equal(classify('9', '4', { mode: 'resend', fromAt: 1, toAt: 2 }), 'stale')
  t.equal(classify('4', '2', { mode: 'resend', fromAt: 1, toAt: 2 }), 'stale')
  t.equal(classify('2', '1', { mode: 'resend', fromAt: 1, toAt: 2 }), 'stale')
  // Neither leads to the other: not a late resend, a mistake.
  t.equal(classify('9', '3', { mode: 'resend', fromAt: 1, toAt: 2 }), 'illegal')
  t.equal(classify('9', '7', { mode: 'resend' }), 'illegal')
  // Forward skips are fine.
  t.equal(classify('1', '10', { mode: 'resend' }), 'ok')
  t.equal(classify('2', '10', { mode: 'resend', fromAt: 1, toAt: 2 }), 'ok')
})

t.test('illegalTransition names both statuses and the moves allowed', async t => {
  const e = illegalTransition('4', '1')
  t.equal(e.code, 'ILLEGAL_TRANSITION')
  t.equal(e.statusCode, 409)
  t.equal(e.field, 'status')
  t.match(e.messages.vi, /4 \(Đang xử lý\).*1 \(Mới đăng ký\)/)
  t.match(e.messages.en, /4 \(being processed\).*1 \(newly submitted\)/)
  for (const s of ['5 (Yêu cầu bổ sung giấy tờ)', '6 (', '7 (', '8 (', '9 (Đã xử lý xong)']) t.ok(e.messages.vi.includes(s), s)
  t.notOk(e.messages.vi.includes('10 ('), 'only the direct moves')
  t.same(e.toJSON(), { code: 'ILLEGAL_TRANSITION', field: 'status', message: e.messages })

  const f = illegalTransition('10', '4', 'TrangThai')
  t.equal(f.field, 'TrangThai')
  t.match(f.messages.vi, /trạng thái cuối/)
  t.match(f.messages.en, /10 \(result returned\) is final/)
})
