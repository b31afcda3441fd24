/**
 * Lists page to exactly their set: every entry once, in one order, at any page size, however
 * many entries share one instant (date-only due dates all fall on 23:59:59).
 */
import t from 'tap'
import { civilStatus, post } from '../../support/samples.js'
import { scanDeadlines } from '../../src/queue/deadlines.js'
import { useStack } from '../helpers/fixture.js'

const { gw } = useStack(t, { env: { DEADLINE_SCAN_INTERVAL_MS: '3600000', DUE_SOON_WINDOW: 'PT24H' } })

async function pageAll (path: string, limit: number): Promise<string[]> {
  const seen: string[] = []
  let cursor: string | undefined
  for (let i = 0; i < 1000; i++) {
    const res = await fetch(`${gw.url}${path}&limit=${limit}${cursor === undefined ? '' : `&cursor=${cursor}`}`, { headers: { 'x-api-key': gw.keys.admin } })
    const body = await res.json() as { items: Array<{ maHoSo: string }>, nextCursor?: string }
    if (res.status !== 200) throw new Error(JSON.stringify(body))
    seen.push(...body.items.map(x => x.maHoSo))
    cursor = body.nextCursor
    if (cursor === undefined) break
  }
  return seen
}

function localDay (offsetDays: number): string {
  return new Date(Date.now() + 7 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10)
}

async function postMany (prefix: string, n: number, ngayHenTra: string): Promise<string[]> {
  const codes: string[] = []
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, n - i) }, async (_, k) =>
      await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(`${prefix}-${i + k}`, { ngayHenTra }))))
    for (const r of batch) {
      if (r.status !== 202) throw new Error(r.text)
      codes.push(r.json.maHoSo as string)
    }
  }
  return codes
}

t.test('300 overdue dossiers of one agency, due on one day, page to exactly 300 at sizes 1, 7 and 100', async t => {
  const codes = await postMany('OVD', 300, '2025-07-02')
  await scanDeadlines(gw.app.store, gw.app.queues, 86_400_000, gw.app.log)
  for (const size of [100, 7, 1]) {
    const seen = await pageAll('/v1/dossiers?overdue=true', size)
    t.equal(seen.length, 300, `limit=${size}: 300 listed`)
    t.equal(new Set(seen).size, 300, `limit=${size}: each once`)
    t.same([...seen].sort(), [...codes].sort(), `limit=${size}: exactly the overdue dossiers`)
  }
})

t.test('300 dossiers due on one day soon page to exactly 300 at sizes 1, 7 and 100', async t => {
  const codes = await postMany('DUE', 300, localDay(1))
  for (const size of [100, 7, 1]) {
    const seen = await pageAll('/v1/dossiers?dueWithin=P3D', size)
    t.equal(seen.length, 300, `limit=${size}: 300 listed`)
    t.same([...seen].sort(), [...codes].sort(), `limit=${size}: exactly the dossiers due soon, each once`)
  }
})
