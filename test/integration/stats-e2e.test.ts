/**
 * /v1/stats through the gateway's own write paths: dossiers taken in over HTTP and moved through
 * random lifecycles with the events endpoint; the figures must match a brute-force count of what
 * was sent. (test/integration/stats-query.test.ts checks the counters and the query on their own,
 * over thousands of synthetic dossiers.)
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { post } from '../../support/samples.js'
import { prng } from '../../simulator/faults.js'
import { useStack } from '../helpers/fixture.js'

// No portal: delivery is not what this test is about (it retries in the background).
const { gw } = useStack(t, { simulator: false, env: { ROLE: 'api' } })

// Seeded: the same data set on every run.
const rnd = prng(42)
function pick<T> (xs: readonly T[]): T { return xs[Math.floor(rnd() * xs.length)] as T }

const AGENCIES = ['000.00.31.H42', '000.00.12.H42', '000.00.45.H42']
const CHANNELS = ['in-person', 'online', 'postal'] as const
const PROCEDURES = ['1.001193', '1.000656', '1.004227']
const base = JSON.parse(readFileSync('fixtures/canonical/sample.input.json', 'utf8')) as Record<string, unknown>

interface Sent { agency: string, channel: string, procedure: string, day: string, resolved?: { day: string, kind: 'early' | 'onTime' | 'late' }, refusedDay?: string, withdrawnDay?: string, supplements: string[] }

function iso (day: string, time = '09:00:00'): string { return `${day}T${time}+07:00` }
function addDays (day: string, n: number): string { return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10) }

async function event (code: string, body: object): Promise<void> {
  const res = await fetch(`${gw.url}/v1/dossiers/${code}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': gw.keys.admin }, body: JSON.stringify(body) })
  if (res.status !== 202) throw new Error(`${res.status} ${await res.text()}`)
}

async function stats (q: string): Promise<Record<string, any>> {
  const res = await fetch(`${gw.url}/v1/stats?${q}`, { headers: { 'x-api-key': gw.keys.admin } })
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`)
  return await res.json() as Record<string, any>
}

t.test('figures match a brute-force count of several hundred dossiers with random lifecycles', async t => {
  const sent: Sent[] = []
  const N = 360
  for (let i = 0; i < N; i++) {
    const s: Sent = { agency: pick(AGENCIES), channel: pick(CHANNELS), procedure: pick(PROCEDURES), day: addDays('2025-06-25', Math.floor(rnd() * 14)), supplements: [] }
    const due = addDays(s.day, 3)
    const doc = { ...base, sourceId: `STATS-${i}`, agency: { ...(base.agency as object), code: s.agency }, channel: s.channel, procedure: { code: s.procedure }, receivedAt: iso(s.day), dueAt: iso(due, '17:00:00'), status: '2', returnedAt: undefined }
    const r = await post(gw.url, gw.keys.canonical as string, 'canonical', doc)
    if (r.status !== 202) throw new Error(r.text)
    const code = r.json.maHoSo as string
    const roll = rnd()
    if (roll < 0.1) {
      s.refusedDay = addDays(s.day, 1)
      await event(code, { type: 'status', at: iso(s.refusedDay), status: '3', reason: 'Không đủ điều kiện' })
    } else if (roll < 0.2) {
      s.withdrawnDay = addDays(s.day, 1)
      await event(code, { type: 'status', at: iso(s.withdrawnDay), status: '7' })
    } else if (roll < 0.75) {
      if (rnd() < 0.4) {
        s.supplements.push(addDays(s.day, 1))
        await event(code, { type: 'supplement-requested', at: iso(addDays(s.day, 1)), content: 'Bổ sung giấy tờ' })
        await event(code, { type: 'supplement-received', at: iso(addDays(s.day, 1), '15:00:00') })
      }
      const k = Math.floor(rnd() * 5)
      const day = addDays(s.day, k)
      const at = k === 3 ? iso(day, pick(['10:00:00', '18:00:00'])) : iso(day)
      s.resolved = { day, kind: k < 3 ? 'early' : k > 3 || at.includes('18:00') ? 'late' : 'onTime' }
      await event(code, { type: 'result', at, documents: [{ name: 'Kết quả', code: `KQ-${i}`, url: `https://kq.example.vn/${i}` }] })
      if (rnd() < 0.5) await event(code, { type: 'status', at: iso(addDays(day, 1), '08:00:00'), status: '10' })
    }
    sent.push(s)
  }

  const count = (f: (s: Sent) => boolean, from: string, to: string): Record<string, number> => {
    const inRange = (d: string | undefined): boolean => d !== undefined && d >= from && d <= to
    const xs = sent.filter(f)
    return {
      received: xs.filter(s => inRange(s.day)).length,
      online: xs.filter(s => inRange(s.day) && s.channel === 'online').length,
      resolvedEarly: xs.filter(s => inRange(s.resolved?.day) && s.resolved?.kind === 'early').length,
      resolvedOnTime: xs.filter(s => inRange(s.resolved?.day) && s.resolved?.kind === 'onTime').length,
      resolvedLate: xs.filter(s => inRange(s.resolved?.day) && s.resolved?.kind === 'late').length,
      refused: xs.filter(s => inRange(s.refusedDay)).length,
      withdrawn: xs.filter(s => inRange(s.withdrawnDay)).length,
      supplementRequests: xs.flatMap(s => s.supplements).filter(inRange).length
    }
  }
  const cases: Array<[string, (s: Sent) => boolean, string, string]> = [
    ['from=2025-06-01&to=2025-07-31', () => true, '2025-06-01', '2025-07-31'],
    ['from=2025-06-28&to=2025-07-03', () => true, '2025-06-28', '2025-07-03'],
    [`agency=${AGENCIES[1] as string}&from=2025-06-01&to=2025-07-31`, s => s.agency === AGENCIES[1], '2025-06-01', '2025-07-31'],
    ['channel=online&from=2025-07-01&to=2025-07-31', s => s.channel === 'online', '2025-07-01', '2025-07-31'],
    ['procedure=1.001193&province=H42&from=2025-06-25&to=2025-07-05', s => s.procedure === '1.001193', '2025-06-25', '2025-07-05']
  ]
  for (const [q, f, from, to] of cases) {
    const got = (await stats(q)).totals as Record<string, number>
    const want = count(f, from, to)
    t.same(Object.fromEntries(Object.keys(want).map(k => [k, got[k]])), want, q)
  }
  const monthly = await stats('from=2025-06-01&to=2025-07-31&groupBy=month')
  t.same((monthly.groups as Array<{ period: string, received: number }>).map(g => [g.period, g.received]),
    [['2025-06', count(() => true, '2025-06-01', '2025-06-30').received], ['2025-07', count(() => true, '2025-07-01', '2025-07-31').received]])
})
