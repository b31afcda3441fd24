/**
 * `SIGHUP` reloads the clients file in the real process (src/server.ts): a new key is taken and
 * a revoked one refused without a restart, requests in flight are answered normally (each with
 * the clients it started with), and an invalid file is refused with the old clients kept.
 * Before, SIGHUP closed the gateway (close-with-grace, like Node's default, treats it as a stop).
 */
import t from 'tap'
import { request } from 'node:http'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeClients, newKey, type TestClient } from '../../support/clients-file.js'
import { civilStatus, post, sample } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { hashKey } from '../../src/http/plugins/clients.js'
import { spawnGateway } from '../helpers/gateway.js'
import { useStack } from '../helpers/fixture.js'

const oldLand: TestClient = { id: 'datdai-old', system: 'land', agencies: ['*.H42'], key: newKey() }
const newLand: TestClient = { id: 'datdai-new', system: 'land', agencies: ['000.00.12.H42'], key: newKey() }
const land = sample('land-registration.xml')
let seq = 0
const landBody = (): string => land.replace('VPDK-HT-2025-004512', `VPDK-HT-2025-R${++seq}`)

const dir = mkdtempSync(join(tmpdir(), 'lt-reload-'))
const made = makeClients(dir, { extra: [oldLand] })
const keys = made.keys
const { redis, child: gw } = useStack(t, {
  simulator: false,
  gateway: 'child',
  env: { ROLE: 'api', CLIENTS_FILE: made.file, RATE_LIMIT_MAX: '1000000' }
})

const log = (): string => readFileSync(gw.logFile, 'utf8')
const logLines = (): Array<Record<string, any>> => log().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, any>)

/** A POST whose headers (and half its body) are sent now, the rest when `finish` is called. */
function slowPost (path: string, key: string, body: string): { finish: () => Promise<number> } {
  const bytes = Buffer.from(body)
  const half = Math.floor(bytes.length / 2)
  const req = request(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', 'content-length': String(bytes.length), 'x-api-key': key }
  })
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', res => { res.resume(); res.on('end', () => { resolve(res.statusCode ?? 0) }) })
    req.on('error', reject)
  })
  req.write(bytes.subarray(0, half))
  return { finish: async () => { req.end(bytes.subarray(half)); return await status } }
}

t.test('SIGHUP takes a new key and revokes an old one, without a restart or a dropped request', async t => {
  const pid = gw.proc.pid
  t.equal((await post(gw.url, newLand.key, 'land', landBody(), 'application/xml')).status, 401, 'the new key is unknown at first')

  // Identified as datdai-old before the reload; its body arrives after it.
  const slow = slowPost('/v1/inbound/land', oldLand.key, landBody())
  // The second POST to /land (after the 401 above) is the slow one.
  await waitFor(() => logLines().filter(l => l.msg === 'incoming request' && l.req?.url === '/v1/inbound/land').length === 2,
    { what: 'the slow request to arrive' })

  // Steady traffic with a key that stays, across the reload.
  const results: Array<{ status: number, at: number }> = []
  const failures: unknown[] = []
  const running = { stop: false }
  let n = 0
  const loops = Array.from({ length: 4 }, async () => {
    while (!running.stop) {
      try {
        const res = await post(gw.url, keys['civil-status'] as string, 'civil-status', civilStatus(`R${++n}`))
        results.push({ status: res.status, at: Date.now() })
      } catch (err) {
        failures.push(err)
      }
    }
  })
  await waitFor(() => results.length >= 20, { what: 'traffic before the reload' })

  makeClients(dir, { keys, extra: [newLand] })
  const hupAt = Date.now()
  gw.proc.kill('SIGHUP')
  await waitFor(async () => (await post(gw.url, newLand.key, 'land', landBody(), 'application/xml')).status === 202,
    { what: 'the new key to be accepted' })
  const takenAt = Date.now()
  await waitFor(() => results.some(r => r.at > takenAt), { what: 'traffic after the reload' })
  running.stop = true
  await Promise.all(loops)

  t.strictSame(failures, [], 'no request dropped')
  t.strictSame(results.filter(r => r.status !== 202), [], `all ${results.length} answered 202`)
  t.ok(results.some(r => r.at < hupAt) && results.some(r => r.at > takenAt), 'traffic before, during and after the reload')
  t.equal((await post(gw.url, oldLand.key, 'land', landBody(), 'application/xml')).status, 401, 'the revoked key is refused')
  t.equal(await slow.finish(), 202, 'a request in flight finishes with the clients it started with')
  t.equal(gw.proc.exitCode, null, 'still running')
  t.equal(gw.proc.pid, pid)

  const reloaded = logLines().find(l => l.msg === 'API clients reloaded')
  t.match(reloaded, { level: 30, clients: 7, added: ['datdai-new'], removed: ['datdai-old'], changed: [] })
})

t.test('an invalid file is refused and logged with its reason; the clients in force stay', async t => {
  writeFileSync(join(dir, 'clients.json'), JSON.stringify({ clients: [{ id: 'hotich-moi', system: 'civil-status', keySha256: hashKey(newKey()).toString('hex') }] }))
  gw.proc.kill('SIGHUP')
  await waitFor(() => logLines().some(l => l.msg?.startsWith('clients file refused') === true), { what: 'the refusal in the log' })
  const refused = logLines().find(l => l.msg?.startsWith('clients file refused') === true)
  t.equal(refused?.level, 50, 'at error level')
  t.match(refused?.reason, /client hotich-moi has no agencies/)
  t.equal((await post(gw.url, newLand.key, 'land', landBody(), 'application/xml')).status, 202, 'the clients loaded before still work')
  t.equal((await post(gw.url, keys['civil-status'] as string, 'civil-status', civilStatus('R-after'))).status, 202)
  t.equal((await post(gw.url, oldLand.key, 'land', landBody(), 'application/xml')).status, 401)
  t.equal(gw.proc.exitCode, null, 'still running')
})

t.test('no key and no key hash reaches the log', async t => {
  const text = log()
  for (const key of [...Object.values(keys), oldLand.key, newLand.key]) {
    t.notOk(text.includes(key), 'no key')
    t.notOk(text.includes(hashKey(key).toString('hex')), 'no key hash')
  }
})

t.test('a sector client without agencies stops the start-up, naming the client', async t => {
  const bad = join(dir, 'bad-clients.json')
  writeFileSync(bad, JSON.stringify({ clients: [{ id: 'hotich-cu', system: 'civil-status', keySha256: hashKey(newKey()).toString('hex') }] }))
  await t.rejects(spawnGateway({ redisUrl: redis.url, portalUrl: 'http://127.0.0.1:9', env: { ROLE: 'api', CLIENTS_FILE: bad } }),
    { message: /client hotich-cu has no agencies/ })
})
