/**
 * After real traffic (every fixture, valid and refused, delivery with faults, look-ups) at the
 * most verbose log level, no citizen ID, phone number, e-mail or name from the fixtures may
 * appear in the gateway's log: nor when Redis refuses the writes (out of memory, a read-only
 * replica, connections dropped mid-intake) and the errors carry the command's arguments, nor
 * when the portal echoes the dossier in its error replies. The gateway logs with production's
 * own logger options (test/helpers/gateway.ts).
 */
import t from 'tap'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { RedisServer } from '../../support/redis-server.js'
import { startGateway, type InProcessGateway } from '../helpers/gateway.js'
import { getDossier, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { startSimulator } from '../../simulator/index.js'
import { startStack } from '../helpers/fixture.js'

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname

interface Input { system: string, file: string, body: string, contentType: string }

function inputs (): Input[] {
  const out: Input[] = []
  for (const system of readdirSync(FIXTURES)) {
    const dir = join(FIXTURES, system)
    if (system === 'samples' || !existsSync(dir) || !readdirSync(dir).some(f => f.includes('.input.'))) continue
    for (const f of readdirSync(dir).filter(f => f.includes('.input.'))) {
      const body = readFileSync(join(dir, f), 'utf8')
      out.push({ system, file: f, body, contentType: f.endsWith('.json') ? 'application/json' : system === 'social-insurance' ? 'text/xml' : 'application/xml' })
    }
  }
  const samples = join(FIXTURES, 'samples')
  out.push({ system: 'civil-status', file: 'sample', body: readFileSync(join(samples, 'civil-status.json'), 'utf8'), contentType: 'application/json' })
  out.push({ system: 'land', file: 'sample', body: readFileSync(join(samples, 'land-registration.xml'), 'utf8'), contentType: 'application/xml' })
  out.push({ system: 'social-insurance', file: 'sample', body: readFileSync(join(samples, 'social-insurance.xml'), 'utf8'), contentType: 'text/xml' })
  return out
}

/** Personal data in the inputs: ID numbers, phones (as sent and normalized), e-mails, names. */
function secrets (all: Input[]): Set<string> {
  const found = new Set<string>()
  for (const { body } of all) {
    // Citizen IDs (12 digits), old IDs (9) and insurance numbers (10) standing alone, not inside a hash.
    for (const m of body.matchAll(/(?<![\w.])(?:\d{12}|\d{10}|\d{9})(?![\w.])/g)) found.add(m[0])
    for (const m of body.matchAll(/[\w.+-]+@[\w-]+\.[\w.-]+/g)) found.add(m[0])
    // Phone numbers: the values of phone fields, as sent and as normalized.
    for (const m of body.matchAll(/"(?:soDienThoai|dienThoai)"\s*:\s*"([^"]+)"|<(?:\w+:)?DienThoai>([^<]+)</g)) {
      const raw = (m[1] ?? m[2] ?? '').trim()
      if (raw === '') continue
      found.add(raw)
      const digits = raw.replace(/\D/g, '')
      found.add(digits.startsWith('84') ? `0${digits.slice(2)}` : digits)
    }
    for (const m of body.matchAll(/"hoTen"\s*:\s*"([^"]+)"|<(?:\w+:)?HoTen>([^<]+)</g)) {
      const name = (m[1] ?? m[2] ?? '').normalize('NFC').replace(/\s+/g, ' ').trim()
      if (name.length > 3) found.add(name)
    }
  }
  return found
}

/**
 * Whether a value stands in the log as a token of its own. A plain substring search would find
 * "0000000000" inside a float such as `"responseTime":0.7391000000000076` (this failed CI once).
 */
function appearsIn (log: string, value: string): boolean {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?<!\\d\\.)${escaped}(?![\\p{L}\\p{N}_])`, 'u').test(log)
}

t.test('the scan finds a value standing alone but not inside a longer number', async t => {
  t.ok(appearsIn('{"so":"042186001234"}', '042186001234'))
  t.ok(appearsIn('{"hoTen":"Trần Văn Bình"}', 'Trần Văn Bình'))
  t.ok(appearsIn('mail binh.tv@example.vn.', 'binh.tv@example.vn'))
  t.notOk(appearsIn('"responseTime":0.7391000000000076', '0000000000'))
  t.notOk(appearsIn('"n":1042186001234', '042186001234'))
  t.notOk(appearsIn('"hoTen":"Trần Văn Bìnhh"', 'Trần Văn Bình'))
  t.ok(appearsIn('path a.042186001234', '042186001234'), 'a dot after a letter is a separator')
})

t.test('no personal data in the logs after the suite\'s kinds of traffic', async t => {
  // The test closes the gateway itself, to read its whole log; the fixture's close then does nothing.
  const { sim, gw } = await startStack(t, { env: { LOG_LEVEL: 'trace' } })
  const all = inputs()
  const codes: string[] = []
  sim.setFaults({ script: [{ kind: 'status', status: 503 }, { kind: 'expire-session' }, { kind: 'error', code: '-1', message: 'data[0].ChuHoSo không hợp lệ' }] })
  for (const i of all) {
    const key = gw.keys[i.system]
    if (key === undefined) continue
    const res = await post(gw.url, key, i.system, i.body, i.contentType)
    if (res.status === 202 && typeof res.json?.maHoSo === 'string') codes.push(res.json.maHoSo)
    // A refusal is logged too; so is an unauthenticated try with the same body.
    await post(gw.url, 'not-a-key-but-long-enough', i.system, i.body, i.contentType)
  }
  t.ok(codes.length >= 3, `${codes.length} dossiers taken in`)
  await waitFor(async () => {
    for (const c of codes) {
      const s = (await getDossier(gw.url, gw.keys.admin, c)).json.sync.state
      if (s === 'pending') return false
    }
    return true
  }, { timeoutMs: 60_000, what: 'delivery to settle' })
  await gw.close()

  const log = gw.logs()
  t.ok(log.length > 1000, 'the log has content')
  const personal = secrets(all)
  t.ok(personal.has('042186001234') && personal.has('binh.tv@example.vn') && personal.has('0912000111') && personal.has('Trần Văn Bình'),
    `the scan looks for the fixtures' personal data (${personal.size} values)`)
  const leaked = [...personal].filter(s => appearsIn(log, s))
  t.same(leaked, [], 'no personal data in the log')
  t.notOk(log.includes(gw.keys['civil-status'] as string), 'no API key in the log')
  t.notOk(log.includes('lienthong-dev'), 'no portal password in the log')
})

/** Posts every input at once; `whileInFlight` runs after each reply until it returns false. */
async function postAll (gw: InProcessGateway, all: Input[], whileInFlight?: (settled: number) => Promise<boolean>): Promise<number[]> {
  let settled = 0
  let onSettled = (): void => {}
  const replies = all.map(async i => {
    const res = await post(gw.url, gw.keys[i.system] as string, i.system, i.body, i.contentType)
    settled++
    onSettled()
    // A SOAP fault is HTTP 500 whoever is at fault; gw:Status is what a JSON sender would get.
    const soapStatus = res.status === 500 ? /<gw:Status>(\d{3})<\/gw:Status>/.exec(res.text)?.[1] : undefined
    return soapStatus === undefined ? res.status : Number(soapStatus)
  })
  if (whileInFlight !== undefined) {
    for (;;) {
      if (settled === all.length) break
      const next = new Promise<void>(resolve => { onSettled = resolve })
      await next
      if (!await whileInFlight(settled)) break
    }
  }
  return await Promise.all(replies)
}

function count (statuses: number[], status: number): number { return statuses.filter(s => s === status).length }

t.test('no personal data in the logs when Redis refuses writes or drops connections, or the portal echoes the dossier', async t => {
  const redis = await RedisServer.start()
  const replica = await RedisServer.start()
  const sim = await startSimulator()
  const gw = await startGateway({ redisUrl: redis.url, portalUrl: sim.url, env: { LOG_LEVEL: 'trace' } })
  const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 })
  const replicaAdmin = new Redis(replica.url, { maxRetriesPerRequest: 0 })
  for (const c of [admin, replicaAdmin]) c.on('error', () => {})
  t.teardown(async () => { admin.disconnect(); replicaAdmin.disconnect(); await sim.close(); await replica.close(); await redis.close() })
  const all = inputs().filter(i => gw.keys[i.system] !== undefined)

  // A read-only replica: an API process pointed at it (a wrong REDIS_URL, a primary demoted by a failover).
  await replicaAdmin.replicaof('127.0.0.1', String(redis.port))
  await waitFor(async () => /master_link_status:up/.test(await replicaAdmin.info('replication')), { what: 'the replica to sync' })
  const onReplica = await startGateway({ redisUrl: replica.url, portalUrl: sim.url, env: { LOG_LEVEL: 'trace', ROLE: 'api' } })
  const readOnly = await postAll(onReplica, all)
  await onReplica.close()
  t.ok(count(readOnly, 503) >= 10 && count(readOnly, 500) === 0, `read-only replica: ${count(readOnly, 503)} refused with 503, none with 500`)
  t.match(onReplica.logs(), /READONLY/, 'the replica\'s refusals are in its log')

  // Out of memory with noeviction.
  await admin.config('SET', 'maxmemory-policy', 'noeviction')
  await admin.config('SET', 'maxmemory', '1')
  const oom = await postAll(gw, all)
  await admin.config('SET', 'maxmemory', '0')
  t.ok(count(oom, 503) >= 10 && count(oom, 500) === 0, `out of memory: ${count(oom, 503)} refused with 503, none with 500`)
  await waitFor(() => /OOM command not allowed/.test(gw.logs()), { what: 'the OOM refusals in the log' })
  t.match(gw.logs(), /OOM command not allowed/, 'the refusals are in the log')

  // Connections dropped mid-intake: every client connection cut after each reply, a few times.
  let kills = 0
  const cut = await postAll(gw, all, async (settled) => {
    kills += Number(await admin.client('KILL', 'TYPE', 'normal'))
    return settled < 10
  })
  t.ok(kills > 0 && count(cut, 500) === 0, `connections cut ${kills} times: ${count(cut, 503)} refused with 503, none with 500`)
  // The server itself killed while posts are in flight, then restarted on its AOF.
  let killed = false
  const down = await postAll(gw, all, async () => {
    if (!killed) await redis.kill()
    killed = true
    return false
  })
  t.ok(count(down, 503) >= 1 && count(down, 500) === 0, `Redis killed mid-intake: ${count(down, 503)} refused with 503, none with 500`)
  await redis.start()
  await waitFor(async () => (await fetch(`${gw.url}/health/ready`)).status === 200, { what: 'the gateway to reconnect' })

  // A portal that echoes the dossier: in a reply's message, in an HTTP error body, under a code it never used.
  sim.setFaults({ script: [{ kind: 'echo', status: 500 }, { kind: 'echo' }, { kind: 'echo', code: '-77' }, { kind: 'echo', status: 400 }, { kind: 'echo' }] })
  const codes: string[] = []
  for (const i of all) {
    const res = await post(gw.url, gw.keys[i.system] as string, i.system, i.body, i.contentType)
    if (res.status === 202 && typeof res.json?.maHoSo === 'string') codes.push(res.json.maHoSo)
  }
  t.ok(codes.length >= 3, `${codes.length} dossiers taken in`)
  await waitFor(async () => {
    for (const c of codes) {
      if ((await getDossier(gw.url, gw.keys.admin, c)).json.sync.state === 'pending') return false
    }
    return true
  }, { timeoutMs: 90_000, what: 'delivery to settle' })
  t.equal(sim.state.counts().faults.echo, 5, 'the portal echoed five calls')
  await gw.close()

  const personal = secrets(all)
  t.ok(personal.has('042186001234') && personal.has('Trần Văn Bình'), `the scan looks for the fixtures' personal data (${personal.size} values)`)
  for (const [name, log] of [['gateway', gw.logs()], ['gateway on the replica', onReplica.logs()]] as const) {
    t.ok(log.length > 1000, `the ${name}'s log has content`)
    t.same([...personal].filter(s => appearsIn(log, s)), [], `no personal data in the ${name}'s log`)
  }
})
