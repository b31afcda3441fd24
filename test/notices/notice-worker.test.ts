/**
 * The notice worker's rules and faults on real processes: Redis, the simulator's ZNS and SMS
 * providers, a real SMTP receiver and a gateway (ROLE=api: it creates notices and takes delivery
 * reports, but runs no worker). The worker is a NoticeDeliverer built here, on a fake clock, so
 * quiet hours, quotas until midnight, retries and leases are driven by the test, one attempt at a
 * time (`deliver`).
 */
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { useStack } from '../helpers/fixture.js'
import { freePort } from '../../support/redis-server.js'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { DEV_SMS, DEV_ZNS, noticeProviderEnv } from '../../simulator/index.js'
import { Keys } from '../../src/store/keys.js'
import { providerAgent } from '../../src/adapters/notices/http-json.js'
import { ZnsClient } from '../../src/adapters/notices/zns-client.js'
import { ZnsTokenStore } from '../../src/adapters/notices/zns-token-store.js'
import { SmsClient } from '../../src/adapters/notices/sms-client.js'
import { EmailClient } from '../../src/adapters/notices/email-client.js'
import { loadNotices, type NoticesConfig } from '../../src/adapters/notices/notices-file.js'
import { nextLocalMidnight } from '../../src/adapters/notices/local-time.js'
import { NoticeDeliverer } from '../../src/queue/notice-delivery.js'
import { NoticeSenders } from '../../src/queue/notice-senders.js'
import type { Channel } from '../../src/domain/notices/kinds.js'
import type { NoticeRecord } from '../../src/domain/notices/record.js'
import type { Notices } from '../../src/store/ports/notices.js'

const AGENCY = '000.00.31.H42'
const PHONE_INTL = '84912000111'
const SECRET = 'notices-secret-for-tests-0123456789abcdef'
const MAX_ATTEMPTS = 3
const RETRY_BASE_MS = 1000
const LEASE_MS = 30_000
const keys = new Keys('lt')

const mails: string[] = []
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData (stream, _s, cb) {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => { mails.push(Buffer.concat(chunks).toString('utf8')); cb() })
  }
})
await new Promise<void>(resolve => smtp.listen(0, '127.0.0.1', resolve))
t.teardown(async () => { await new Promise<void>(resolve => smtp.close(() => resolve())) })

const dir = mkdtempSync(join(tmpdir(), 'lt-notice-worker-'))
const file = join(dir, 'notices.json')
const sample = JSON.parse(readFileSync('config/notices.sample.json', 'utf8')) as { agencies: Array<Record<string, unknown>> }
// The default quiet hours (21:00–07:00): the worker's clock is fake, the gateway only creates notices.
writeFileSync(file, JSON.stringify({ ...sample, agencies: [{ ...sample.agencies[0], quietHours: { start: '21:00', end: '07:00' } }] }))
const port = await freePort()

const { sim, gw, db } = useStack(t, {
  db: true,
  env: ({ sim }) => ({
    ROLE: 'api',
    PORT: String(port),
    NOTICES_FILE: file,
    NOTICES_SECRET: SECRET,
    NOTICES_PUBLIC_URL: `http://127.0.0.1:${port}`,
    RATE_LIMIT_MAX: '100000',
    ...noticeProviderEnv(sim.url)
  })
})

/** Epoch ms of a local (UTC+07:00) time on the `day`-th local day after today. */
const DAY0 = nextLocalMidnight(Date.now())
const localAt = (day: number, hhmm: string): number => DAY0 + day * 86_400_000 + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000

let clock = localAt(1, '10:00')
let channels: Channel[] | undefined
let base: NoticesConfig
const enqueued: Array<{ id: string, at: number }> = []
const errors: string[] = []
const agent = providerAgent(16, 5000)
t.teardown(async () => { await agent.close() })
let worker: NoticeDeliverer
let notices: Notices
/** Called before a save of the worker's (a slow save). */
let beforeSave: ((id: string, record: NoticeRecord) => Promise<void>) | undefined

function config (): NoticesConfig {
  const a = base.agencies.get(AGENCY)
  if (a === undefined || channels === undefined) return base
  return { ...base, agencies: new Map([[AGENCY, { ...a, channels }]]) }
}

let senders: NoticeSenders

/** A worker as a gateway process builds it, on the fake clock; `tokens`: another process's token store. */
function deliverer (tokens = gw.app.notices.tokens): NoticeDeliverer {
  if (tokens === undefined) throw new Error('the gateway has no ZNS token store')
  const now = (): number => clock
  senders = new NoticeSenders(gw.app.store, {
    zns: new ZnsClient(agent, tokens, { url: `${sim.url}/zns`, timeoutMs: 2000, now }),
    sms: new SmsClient(agent, { url: `${sim.url}/sms`, apiKey: DEV_SMS.apiKey, secretKey: DEV_SMS.secretKey, timeoutMs: 2000 }),
    email: (from) => new EmailClient({ host: '127.0.0.1', port: (smtp.server.address() as AddressInfo).port, secure: false, requireTls: false, from, timeoutMs: 5000 }),
    publicUrl: `http://127.0.0.1:${port}`,
    secret: SECRET,
    costs: { zns: 200, smsSegment: 500, email: 0 },
    letterLinkDays: () => 30,
    letterTtlMs: 86_400_000,
    znsMessageTtlMs: 86_400_000
  })
  const real = gw.app.store.notices
  // The store as the gateway's, with a hook before each save (a slow save for the parked report).
  notices = new Proxy(real, {
    get (target, p) {
      if (p === 'save') {
        return async (s: Parameters<Notices['save']>[0]) => {
          if (s.token !== '' && beforeSave !== undefined) await beforeSave(s.id, s.record)
          return await target.save(s)
        }
      }
      const v = Reflect.get(target, p) as unknown
      return typeof v === 'function' ? v.bind(target) : v
    }
  })
  const store = { notices, locate: gw.app.store.locate.bind(gw.app.store), load: gw.app.store.load.bind(gw.app.store) }
  return new NoticeDeliverer(store, { enqueueNotice: async (_a, id, at) => { enqueued.push({ id, at }) } }, config, senders,
    { leaseMs: LEASE_MS, maxAttempts: MAX_ATTEMPTS, retryBaseMs: RETRY_BASE_MS, secret: SECRET, now },
    { outcome: () => {}, stopped: () => {} },
    { warn: () => {}, error: (o, m) => { errors.push(`${m} ${JSON.stringify(o)}`) } })
}

t.before(async () => {
  base = loadNotices(file)
  await gw.app.notices.tokens?.authorise(sim.zns.authorise())
  worker = deliverer()
})

/** Each test starts with every channel running and the providers without faults. */
async function reset (): Promise<void> {
  channels = undefined
  beforeSave = undefined
  sim.zns.setFaults({ noZalo: [], script: [], dropAnswers: 0, remainingQuota: 1000, eventsUrl: null })
  sim.sms.setFaults({ script: [], report: 'none', reportDelayMs: 0 })
  await db.del(keys.noticeChannels())
}

let n = 0
/** A dossier taken in now (real time): its `received` notice, due now. */
async function received (): Promise<{ code: string, id: string }> {
  const r = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(`7${String(++n).padStart(4, '0')}`))
  if (r.status >= 300) throw new Error(r.text)
  const code = r.json.maHoSo as string
  const at = await gw.app.store.locate(code)
  if (at === undefined) throw new Error(`${code} not found`)
  const [nt] = await gw.app.store.notices.forDossier(AGENCY, at.ref)
  if (nt === undefined) throw new Error(`${code}: no notice`)
  return { code, id: nt.id }
}

async function record (id: string): Promise<NoticeRecord> {
  const got = await gw.app.store.notices.get(AGENCY, id)
  if (got === undefined) throw new Error(`${id}: no record`)
  return got.record
}

async function queuedAt (id: string): Promise<number | undefined> {
  const s = await db.zscore(keys.noticeQueue(AGENCY), id)
  return s === null ? undefined : Number(s)
}

const znsSent = (id: string): number => sim.zns.sent.filter(s => s.trackingId === id).length
const smsSent = (id: string): number => sim.sms.sent.filter(s => s.requestId === id).length

t.test('quiet hours: ZNS and SMS wait until 07:00 local, e-mail-first is not held', async t => {
  await reset()
  const { id } = await received()
  clock = localAt(1, '22:00')
  t.equal(await worker.process(AGENCY, id), 'quiet-hours')
  t.equal(await queuedAt(id), localAt(2, '07:00'), 'queued for the end of the quiet hours')
  t.match(enqueued.at(-1), { id, at: localAt(2, '07:00') }, 'its job is delayed until then')
  t.match(await record(id), { state: 'pending', channel: 'zns' })
  t.equal(znsSent(id), 0)
  clock = localAt(2, '06:59')
  t.equal(await worker.process(AGENCY, id), 'later', 'not yet')
  clock = localAt(2, '07:01')
  t.equal(await worker.process(AGENCY, id), 'sent')
  t.equal(znsSent(id), 1)

  channels = ['email', 'zns', 'sms']
  const mail = await received()
  clock = localAt(2, '22:00')
  const before = mails.length
  t.equal(await worker.process(AGENCY, mail.id), 'sent', 'e-mail first: sent at 22:00')
  t.match(await record(mail.id), { state: 'sent', channel: 'email' })
  await waitFor(async () => mails.length > before, { what: 'the mail at the receiver' })
})

t.test('quiet hours do not lose ZNS to a quota stop that ends at midnight', async t => {
  await reset()
  sim.zns.setFaults({ remainingQuota: 0 })
  sim.sms.setFaults({ script: ['999'] })
  const { id } = await received()
  clock = localAt(3, '20:59')
  // ZNS: -115, stopped until midnight; SMS: a transient failure, retried after the quiet hours.
  t.equal(await worker.process(AGENCY, id), 'pending')
  clock = localAt(3, '21:30')
  t.equal(await worker.process(AGENCY, id), 'quiet-hours')
  t.equal(await queuedAt(id), localAt(4, '07:00'))
  sim.zns.setFaults({ remainingQuota: 10 })
  clock = localAt(4, '07:00')
  t.equal(await worker.process(AGENCY, id), 'sent')
  t.match(await record(id), { state: 'sent', channel: 'zns' }, 'the next morning by ZNS again')
})

t.test('ZNS answer lost: sent-unconfirmed, never repeated on ZNS', async t => {
  await reset()
  sim.zns.setFaults({ dropAnswers: 1 })
  const { id } = await received()
  clock = localAt(5, '10:00')
  t.equal(await worker.process(AGENCY, id), 'sent-unconfirmed')
  t.match(await record(id), { state: 'sent-unconfirmed', channel: 'zns' })
  t.equal(await queuedAt(id), undefined, 'off the queue')
  t.equal(await worker.process(AGENCY, id), 'not-queued')
  t.equal(znsSent(id), 1, 'one ZNS call')
  t.equal(smsSent(id), 0, 'not burned to SMS')
})

t.test('a worker killed between begin and save on ZNS: sent-unconfirmed once its lease ends', async t => {
  await reset()
  const { id } = await received()
  clock = localAt(5, '11:00')
  const claim = await gw.app.store.notices.claim(AGENCY, id, clock, LEASE_MS, 'dead-worker')
  t.equal(claim.result, 'claimed')
  t.ok(await gw.app.store.notices.begin(AGENCY, id, 'dead-worker', 'zns'))
  t.equal(await worker.process(AGENCY, id), 'later', 'its lease holds it')
  clock += LEASE_MS
  t.equal(await worker.process(AGENCY, id), 'sent-unconfirmed')
  t.match(await record(id), { state: 'sent-unconfirmed', channel: 'zns' })
  t.equal(znsSent(id), 0, 'ZNS not called again')
  t.equal(smsSent(id), 0)
})

t.test('a worker killed between begin and save on SMS: repeated with the same RequestId, 124 recorded as sent', async t => {
  await reset()
  const { id } = await received()
  // The dead worker had passed ZNS (then refused) and its SMS reached the provider, 10 s before 21:00.
  clock = localAt(5, '20:59') + 50_000
  const claim = await gw.app.store.notices.claim(AGENCY, id, clock, LEASE_MS, 'dead-worker')
  t.equal(claim.result, 'claimed')
  t.ok(await gw.app.store.notices.begin(AGENCY, id, 'dead-worker', 'sms'))
  const cfg = config().agencies.get(AGENCY)
  if (cfg === undefined) throw new Error('no agency')
  const rec = await record(id)
  const d = { code: rec.code, procedureName: 'Đăng ký khai sinh', receivedAt: Date.now(), phone: '0912000111' }
  t.match((await senders.send('sms', AGENCY, rec, d, cfg)).outcome, { kind: 'sent' }, 'the dead worker\'s SMS')
  t.equal(smsSent(id), 1)
  // Its lease ends in the quiet hours: the repeat goes at once (the provider's day, for 124), not at 07:00.
  clock += LEASE_MS
  t.equal(await worker.process(AGENCY, id), 'sent')
  const r = await record(id)
  t.match(r, { state: 'sent', channel: 'sms', reason: /124/ })
  t.equal(smsSent(id), 1, 'the provider sent it once')
  t.equal(znsSent(id), 0, 'not sent by ZNS as well')
})

t.test('ZNS -100: the same channel with backoff, then failed with the reason, listed among failed', async t => {
  await reset()
  sim.zns.setFaults({ script: [-100, -100, -100] })
  const { id } = await received()
  clock = localAt(6, '10:00')
  const start = clock
  t.equal(await worker.process(AGENCY, id), 'pending')
  t.equal(await queuedAt(id), start + RETRY_BASE_MS)
  clock = start + RETRY_BASE_MS
  t.equal(await worker.process(AGENCY, id), 'pending')
  t.equal(await queuedAt(id), clock + 2 * RETRY_BASE_MS, 'doubled')
  clock += 2 * RETRY_BASE_MS
  t.equal(await worker.process(AGENCY, id), 'failed')
  const r = await record(id)
  t.match(r, { state: 'failed', channel: 'zns', attempts: MAX_ATTEMPTS, reasonCode: '-100', reason: /ZNS -100/ })
  t.same(r.passed ?? [], [], 'never passed to another channel')
  t.equal(smsSent(id), 0)
  const failed = await gw.app.store.notices.failedPage(AGENCY, undefined, 100)
  t.ok(failed.some(f => f.id === id), 'listed among failed')
})

t.test('SMS unknown code: retried on SMS (ZNS passed once), then failed with the code', async t => {
  await reset()
  sim.zns.setFaults({ noZalo: [PHONE_INTL] })
  sim.sms.setFaults({ script: ['555', '555', '555'] })
  const { id } = await received()
  clock = localAt(6, '11:00')
  for (let i = 1; i < MAX_ATTEMPTS; i++) {
    t.equal(await worker.process(AGENCY, id), 'pending')
    const at = await queuedAt(id)
    if (at === undefined) throw new Error('not queued')
    clock = at
  }
  t.equal(await worker.process(AGENCY, id), 'failed')
  const r = await record(id)
  t.match(r, { state: 'failed', channel: 'sms', reasonCode: '555', passed: ['zns'] })
  t.equal(r.history?.filter(h => h.channel === 'zns').length, 1, 'ZNS asked once')
})

t.test('ZNS -115: skipped until local midnight, the next notices by SMS, ZNS again after', async t => {
  await reset()
  sim.zns.setFaults({ remainingQuota: 0 })
  const first = await received()
  const second = await received()
  clock = localAt(7, '15:00')
  t.equal(await worker.process(AGENCY, first.id), 'sent')
  t.match(await record(first.id), { state: 'sent', channel: 'sms' })
  const st = (await gw.app.store.notices.channels()).zns
  t.match(st, { mode: 'skip', code: '-115', until: localAt(8, '00:00') })
  t.equal(await worker.process(AGENCY, second.id), 'sent')
  const r2 = await record(second.id)
  t.match(r2, { state: 'sent', channel: 'sms' })
  t.match(r2.history?.[0], { channel: 'zns', outcome: 'skipped' }, 'ZNS not called')
  sim.zns.setFaults({ remainingQuota: 10 })
  const third = await received()
  clock = localAt(8, '08:00')
  t.equal(await worker.process(AGENCY, third.id), 'sent')
  t.match(await record(third.id), { state: 'sent', channel: 'zns' })
})

t.test('ZNS -14014 on refresh: ZNS stopped for every process, the notices held, not burned through', async t => {
  await reset()
  const tokens = gw.app.notices.tokens
  if (tokens === undefined) throw new Error('no token store')
  // An access token Zalo no longer takes, and a refresh token already spent.
  await tokens.authorise({ accessToken: 'at-revoked', refreshToken: 'rt-spent', expiresInS: 90_000 })
  const a = await received()
  const b = await received()
  clock = localAt(9, '10:00')
  t.equal(await worker.process(AGENCY, a.id), 'held')
  t.match(await record(a.id), { state: 'held', channel: 'zns', reasonCode: '-14014' })
  t.match(await tokens.stopped(), /-14014/, 'the token store says ZNS is stopped')
  t.match((await gw.app.store.notices.channels()).zns, { mode: 'hold', code: '-14014' })
  t.equal(await worker.process(AGENCY, b.id), 'held', 'the next one held too')
  t.equal(smsSent(a.id) + smsSent(b.id), 0, 'nothing burned through to SMS')
  t.equal(mails.filter(m => m.includes(a.id) || m.includes(b.id)).length, 0, 'nor to e-mail')
  const refused = sim.zns.refreshRefused
  // Another process (its own token store on the same Redis) sees it stopped and refreshes nothing.
  const other = deliverer(new ZnsTokenStore(db, agent, { prefix: 'lt', oauth: { url: `${sim.url}/zns-oauth`, appId: DEV_ZNS.appId, appSecret: DEV_ZNS.appSecret, timeoutMs: 5000 } }))
  const c = await received()
  await db.del(keys.noticeChannels())
  t.equal(await other.process(AGENCY, c.id), 'held')
  t.equal(sim.zns.refreshRefused, refused, 'no refresh tried with the spent token')
  // A person authorises the OA again; an admin resumes ZNS: the held notices go by ZNS.
  await tokens.authorise(sim.zns.authorise())
  t.equal(await gw.app.notices.admin.resume('zns'), 3)
  for (const x of [a, b, c]) {
    t.equal(await worker.process(AGENCY, x.id), 'sent')
    t.equal(znsSent(x.id), 1)
  }
})

t.test('template faults (ZNS -112, SMS 146) stop that template only', async t => {
  await reset()
  sim.zns.setFaults({ script: [-112] })
  const a = await received()
  clock = localAt(10, '10:00')
  t.equal(await worker.process(AGENCY, a.id), 'held')
  const st = await gw.app.store.notices.channels()
  t.match(st['zns|received'], { mode: 'hold', code: '-112' })
  t.equal(st.zns, undefined, 'the channel runs')
  t.equal(smsSent(a.id), 0, 'not burned through to SMS')
  // Another kind still goes by ZNS: an apology (the dossier is late and re-appointed).
  const due = `${new Date(Date.now() + 5 * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`
  const at = `${new Date(Date.now() - 1000 + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`
  const res = await fetch(`${gw.url}/v1/dossiers/${a.code}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': gw.keys.admin }, body: JSON.stringify({ type: 'due-date', at, dueAt: due, reason: 'Chờ xác minh' }) })
  t.equal(res.status, 202)
  const loc = await gw.app.store.locate(a.code)
  const apology = (await gw.app.store.notices.forDossier(AGENCY, loc?.ref ?? '')).find(x => x.kind === 'apology')
  if (apology === undefined) throw new Error('no apology')
  t.equal(await worker.process(AGENCY, apology.id), 'sent')
  t.match(await record(apology.id), { state: 'sent', channel: 'zns' })
  const b = await received()
  t.equal(await worker.process(AGENCY, b.id), 'held', 'the next received held on its template')

  await db.del(keys.noticeChannels())
  sim.zns.setFaults({ noZalo: [PHONE_INTL] })
  sim.sms.setFaults({ script: ['146'] })
  const c = await received()
  t.equal(await worker.process(AGENCY, c.id), 'held')
  t.match(await record(c.id), { state: 'held', channel: 'sms', reasonCode: '146' })
  const st2 = await gw.app.store.notices.channels()
  t.match(st2['sms|received'], { mode: 'hold', code: '146' })
  t.equal(st2.sms, undefined)
  t.equal(mails.filter(m => m.includes(c.id)).length, 0, 'not burned through to e-mail')
})

t.test('an SMS report that comes before the worker saved sent is parked and applied once', async t => {
  await reset()
  sim.zns.setFaults({ noZalo: [PHONE_INTL] })
  sim.sms.setFaults({ report: 'delivered', reportDelayMs: 0, reportRepeat: 1 })
  const { id } = await received()
  clock = localAt(11, '10:00')
  let parked = false
  beforeSave = async (sid, rec) => {
    if (sid !== id || rec.state !== 'sent') return
    await waitFor(async () => await db.hexists(keys.notices(AGENCY), `${id}|report`) === 1, { what: 'the report parked' })
    parked = true
  }
  const month = new Date(clock + 7 * 3_600_000).toISOString().slice(0, 7)
  const before = (await gw.app.store.notices.stats(AGENCY, [month]))[month]?.['sms|delivered'] ?? 0
  t.equal(await worker.process(AGENCY, id), 'sent')
  t.ok(parked, 'the report came first')
  const r = await record(id)
  t.match(r, { state: 'delivered', channel: 'sms' })
  t.equal(r.history?.filter(h => h.outcome === 'report').length, 1, 'applied once')
  t.equal(await db.hexists(keys.notices(AGENCY), `${id}|report`), 0, 'no report left parked')
  const after = (await gw.app.store.notices.stats(AGENCY, [month]))[month]?.['sms|delivered'] ?? 0
  t.equal(after - before, 1, 'counted once')
  t.ok(sim.sms.reports.some(x => x.status === 200), 'the provider was answered 2xx')
})
