/**
 * The demo's notices to an applicant (docs/notices.md): the gateway sends through the simulator's
 * ZNS and SMS providers. `noticesEnv` configures the gateway (the sample notices file with quiet
 * hours off, since the demo may run at night); `authoriseZns` stores the Official Account's token
 * pair through the admin API before any dossier comes in; `noticesRoundTrip` follows one late
 * dossier: ZNS refused (no Zalo account), the SMS sent and delivered, and the apology letter,
 * fetched by its signed link and written to a file.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { type RunningSimulator, noticeProviderEnv } from '../simulator/index.js'
import { letterLink } from '../src/adapters/notices/letter/letter-link.js'
import { waitFor } from '../support/wait.js'
import { datedToday, todayInVietnam } from './demo-dates.js'

/** The civil-status sample's applicant, in the international form ZNS uses. */
const PHONE_INTL = '84912000111'

interface Notice { id: string, kind: string, state: string, channel?: string, passed?: string[], reason?: string, history: Array<{ at: string, channel: string, outcome: string, reason?: string, code?: string }> }

/** The gateway's notice variables; writes the notices file under `dataDir`. */
export function noticesEnv (dataDir: string, base: string, simUrl: string): { env: Record<string, string>, secret: string } {
  const sample = JSON.parse(readFileSync('config/notices.sample.json', 'utf8')) as { agencies: Array<Record<string, unknown>> }
  // start == end: no quiet hours (the demo may run at 22:00, when ZNS and SMS would wait until 07:00).
  const file = `${dataDir}/demo-notices.json`
  writeFileSync(file, JSON.stringify({ ...sample, agencies: sample.agencies.map(a => ({ ...a, quietHours: { start: '00:00', end: '00:00' } })) }, null, 2))
  const secret = randomBytes(32).toString('base64url')
  return {
    secret,
    env: {
      NOTICES_FILE: file,
      NOTICES_SECRET: secret,
      NOTICES_PUBLIC_URL: base,
      ...noticeProviderEnv(simUrl)
    }
  }
}

/** The Official Account authorised (the simulator's consent step), the pair stored by the admin API; delivery events back to the gateway. */
export async function authoriseZns (base: string, sim: RunningSimulator, adminKey: string): Promise<void> {
  const pair = await (await fetch(`${sim.url}/_sim/zns/authorise`, { method: 'POST' })).json() as unknown
  const r = await fetch(`${base}/v1/notices/zns/authorise`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': adminKey }, body: JSON.stringify(pair) })
  if (r.status !== 200) throw new Error(`ZNS authorise: ${r.status} ${await r.text()}`)
  await r.arrayBuffer().catch(() => {})
  sim.zns.setFaults({ eventsUrl: `${base}/v1/notices/zns-events` })
  console.log('• ZNS: the Official Account authorised (a token pair stored with POST /v1/notices/zns/authorise; never logged)')
}

const isoIn = (ms: number): string => `${new Date(Date.now() + ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`

export async function noticesRoundTrip (a: { base: string, sim: RunningSimulator, sectorKey: string, adminKey: string, secret: string, dataDir: string }): Promise<void> {
  console.log('\n— Thông báo cho người nộp hồ sơ / Notices to the applicant —\n')
  a.sim.zns.setFaults({ noZalo: [PHONE_INTL] })
  a.sim.sms.setFaults({ report: 'delivered' })
  const [y, m, d] = todayInVietnam()
  const fiveDaysAgo = new Date(Date.UTC(y, m - 1, d) - 5 * 86_400_000)
  const late = datedToday(readFileSync('fixtures/samples/civil-status.json', 'utf8'), [fiveDaysAgo.getUTCFullYear(), fiveDaysAgo.getUTCMonth() + 1, fiveDaysAgo.getUTCDate()], '23:59')
    .replace('HT-18754-2025-000077', 'HT-18754-2025-000201')
  const r = await fetch(`${a.base}/v1/inbound/civil-status`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': a.sectorKey }, body: late })
  const code = ((await r.json()) as { maHoSo?: string }).maHoSo
  if (r.status !== 202 || code === undefined) throw new Error(`the late dossier was refused: ${r.status}`)
  console.log(`1. Hồ sơ ${code} tiếp nhận 5 ngày trước, hẹn trả cùng ngày; người nộp không có tài khoản Zalo (simulator: noZalo)\n   A dossier received 5 days ago, due that day; the applicant has no Zalo account → ${r.status}`)

  const notices = async (): Promise<Notice[]> => ((await (await fetch(`${a.base}/v1/dossiers/${code}/notices`, { headers: { 'x-api-key': a.adminKey } })).json()) as { items: Notice[] }).items
  const settled = async (kind: string): Promise<Notice> => {
    let got: Notice | undefined
    // Sent is not the end: the SMS delivery report comes a moment later.
    await waitFor(async () => { got = (await notices()).find(n => n.kind === kind); return got !== undefined && ['delivered', 'failed', 'not-sent', 'held'].includes(got.state) },
      { what: `the ${kind} notice to end`, timeoutMs: 60_000, intervalMs: 100 })
    return got as Notice
  }
  const show = (n: Notice): void => {
    console.log(`   ${n.id} (${n.kind}): ${n.state} by ${n.channel ?? '-'}${n.passed === undefined ? '' : `, passed on from ${n.passed.join(', ')}`}`)
    for (const h of n.history) console.log(`     ${h.at}  ${h.channel.padEnd(5)} ${h.outcome}${h.code === undefined ? '' : ` [${h.code}]`}${h.reason === undefined ? '' : ` — ${h.reason}`}`)
  }
  const received = await settled('received')
  console.log('2. Thông báo tiếp nhận / "received": ZNS từ chối (-118), chuyển sang SMS, SMS gửi và có báo cáo đã nhận / ZNS refused, SMS sent, then its delivery report:')
  show(received)
  const sms = a.sim.sms.sent.find(s => s.requestId === received.id)
  if (sms !== undefined) console.log(`   SMS (brandname ${sms.brandname}, không dấu / no diacritics): "${sms.content}"`)

  const ev = await fetch(`${a.base}/v1/dossiers/${code}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': a.sectorKey },
    body: JSON.stringify({ type: 'due-date', at: isoIn(-1000), dueAt: isoIn(3 * 86_400_000), reason: 'Chờ kết quả xác minh của cơ quan khác' })
  })
  console.log(`3. Trễ hẹn: cán bộ hẹn lại ngày trả (sự kiện due-date có lý do) / Late: the officer sets a new due date with a reason\n   POST /v1/dossiers/${code}/events {"type":"due-date",…} → ${ev.status}`)
  const apology = await settled('apology')
  console.log('4. Thư xin lỗi / "apology" notice:')
  show(apology)
  const link = letterLink(`${a.base}/v1/letters`, apology.id, a.secret)
  const pdf = await fetch(link)
  const body = Buffer.from(await pdf.arrayBuffer())
  if (pdf.status !== 200 || body.subarray(0, 4).toString() !== '%PDF') throw new Error(`the letter's link answered ${pdf.status}`)
  mkdirSync(`${a.dataDir}/demo`, { recursive: true })
  const out = `${a.dataDir}/demo/${code}-phieu-xin-loi.pdf`
  writeFileSync(out, body)
  console.log(`5. Phiếu xin lỗi và hẹn lại ngày trả kết quả (PDF, ${Math.round(body.length / 1024)} KiB), lấy qua đường dẫn ký / fetched by its signed link\n   GET ${a.base}/v1/letters/${apology.id}?exp=…&sig=… → ${pdf.status}\n   → ${out}`)
  a.sim.zns.setFaults({ noZalo: [] })
}
