/**
 * `lienthong notices …` against a real gateway sending notices to the simulator's ZNS and SMS
 * providers: a dossier's notices, the failed ones, resend, the stopped channels and resume, the
 * dossiers that owe an apology, the opt-out list (the phone never printed), in Vietnamese and in
 * English, each checked by its effect through the API.
 */
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useStack } from '../helpers/fixture.js'
import { cli, foreignWords } from '../helpers/cli.js'
import { noticesEnv, writeNoticesFile } from '../../support/notices-scenario.js'
import { freePort } from '../../support/redis-server.js'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { scanDeadlines } from '../../src/queue/deadlines.js'

const file = writeNoticesFile(mkdtempSync(join(tmpdir(), 'lt-cli-notices-')))
const port = await freePort()
const { sim, gw } = useStack(t, { env: ({ sim }) => ({ ...noticesEnv(sim, port, file), RATE_LIMIT_MAX: '100000' }) })

t.before(async () => {
  await gw.app.notices.tokens?.authorise(sim.zns.authorise())
  sim.zns.setFaults({ eventsUrl: `${gw.url}/v1/notices/zns-events` })
})

const env = (lang = 'vi'): Record<string, string> => ({ LIENTHONG_URL: gw.url, LIENTHONG_KEY: gw.keys.admin, LIENTHONG_LANG: lang })
let n = 0
async function intake (overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(`CN-${++n}`, overrides))
  if (r.status >= 300) throw new Error(r.text)
  return r.json.maHoSo as string
}
async function noticesOf (code: string): Promise<any[]> {
  return ((await (await fetch(`${gw.url}/v1/dossiers/${code}/notices`, { headers: { 'x-api-key': gw.keys.admin } })).json()) as { items: any[] }).items
}
async function settled (code: string, states: string[]): Promise<any> {
  let got: any[] = []
  await waitFor(async () => { got = await noticesOf(code); return got.length > 0 && got.every(x => states.includes(x.state)) }, { what: `${code}: ${states.join('|')}`, timeoutMs: 20_000 })
  return got[0]
}

t.test('list: a dossier\'s notices and their history, in words', async t => {
  const code = await intake()
  const nt = await settled(code, ['delivered'])
  const r = await cli(['notices', 'list', code], env())
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, new RegExp(`${nt.id.replaceAll('.', '\\.') as string}\\s+Đã tiếp nhận hồ sơ\\s+Tin Zalo \\(ZNS\\)\\s+Đã đến người nhận`))
  t.match(r.stdout, /Tin Zalo \(ZNS\): Nhà cung cấp đã nhận/, 'the history')
  t.same(foreignWords(r.stdout, 'vi'), [])
  const en = await cli(['notices', 'list', code], env('en'))
  t.match(en.stdout, /Dossier received\s+Zalo \(ZNS\)\s+Delivered/)
  t.same(foreignWords(en.stdout, 'en'), [])
  const js = await cli(['notices', 'list', code, '--json'], env())
  t.match(JSON.parse(js.stdout), [{ id: nt.id, state: 'delivered' }])
  const none = await cli(['notices', 'list', 'NO-SUCH-CODE'], env())
  t.not(none.code, 0)
  t.match(none.stderr, /^404 /)
})

t.test('opt-out, failed, resend: the phone is never printed', async t => {
  const out = await cli(['notices', 'opt-out', '0912 000 111'], env())
  t.equal(out.code, 0, out.stderr)
  t.equal(out.stdout, 'đã đưa số điện thoại vào danh sách từ chối nhận tin\n')
  const code = await intake({ nguoiYeuCau: { ...civilStatus(0).nguoiYeuCau as object, email: undefined } })
  const nt = await settled(code, ['not-sent'])
  const failed = await cli(['notices', 'failed', '--agency', '000.00.31.H42'], env())
  t.equal(failed.code, 0, failed.stderr)
  t.match(failed.stdout, new RegExp(`${code.replaceAll('.', '\\.')}\\s+${nt.id.replaceAll('.', '\\.') as string}\\s+Đã tiếp nhận hồ sơ.*Không gửi.*Số điện thoại đã từ chối nhận tin`))
  t.match(failed.stdout, /tổng số: \d+/)
  t.same(foreignWords(failed.stdout, 'vi'), [])
  const bad = await cli(['notices', 'opt-out', '12'], env())
  t.not(bad.code, 0, 'not a phone')
  const back = await cli(['notices', 'opt-out', '0912000111', '--undo'], env('en'))
  t.equal(back.stdout, 'the phone is off the opt-out list\n')
  for (const r of [out, back, failed]) t.notMatch(r.stdout + r.stderr, /912 ?000 ?111/, 'no phone in the output')
  const re = await cli(['notices', 'resend', nt.id], env())
  t.equal(re.code, 0, re.stderr)
  t.equal(re.stdout, `${nt.id as string}: đã xếp hàng gửi lại\n`)
  await settled(code, ['sent', 'delivered'])
  const again = await cli(['notices', 'resend', nt.id], env())
  t.not(again.code, 0)
  t.match(again.stderr, /^409 NOTICE_NOT_RESENDABLE/, 'a notice sent is not sent again')
})

t.test('channels and resume', async t => {
  const idle = await cli(['notices', 'channels'], env())
  t.equal(idle.stdout, 'mọi kênh đang gửi bình thường\n')
  sim.zns.setFaults({ noZalo: ['84912000111'] })
  sim.sms.setFaults({ script: ['101'] })
  const code = await intake()
  await settled(code, ['held'])
  const ch = await cli(['notices', 'channels'], env())
  t.match(ch.stdout, /sms \(Tin nhắn SMS\)\s+Đã dừng: chờ quản trị cho gửi lại.*101/)
  t.same(foreignWords(ch.stdout, 'vi', new Set(['sms'])), [])
  const r = await cli(['notices', 'resume', 'sms'], env())
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout, 'sms: đã cho gửi lại, 1 thông báo đang tạm giữ được xếp hàng gửi\n')
  await settled(code, ['sent', 'delivered'])
  sim.zns.setFaults({ noZalo: [] })
  const wrong = await cli(['notices', 'resume', 'fax'], env())
  t.not(wrong.code, 0)
  t.match(wrong.stderr, /^422 VALIDATION_FAILED params.name/, 'a channel that is none')
})

t.test('owed: dossiers past due with no new date', async t => {
  const code = await intake()
  await scanDeadlines(gw.app.store, gw.app.queues, 86_400_000, gw.app.log)
  const r = await cli(['notices', 'owed', '--all'], env())
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, new RegExp(`${code.replaceAll('.', '\\.')}\\s+\\S.*000\\.00\\.31\\.H42`))
  t.same(foreignWords(r.stdout, 'vi'), [])
  const js = await cli(['notices', 'owed', '--json', '--limit', '500'], env())
  t.ok((JSON.parse(js.stdout) as Array<{ maHoSo: string }>).some(d => d.maHoSo === code))
})
