/**
 * After real traffic (every fixture, valid and refused, delivery with faults, look-ups) at the
 * most verbose log level, no citizen ID, phone number, e-mail or name from the fixtures may
 * appear in the gateway's log.
 */
import t from 'tap'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { RedisServer } from '../helpers/redis.js'
import { startGateway } from '../helpers/gateway.js'
import { getDossier, post } from '../helpers/samples.js'
import { waitFor } from '../helpers/wait.js'
import { startSimulator } from '../../simulator/index.js'

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
  const redis = await RedisServer.start()
  const sim = await startSimulator()
  const gw = await startGateway({ redisUrl: redis.url, portalUrl: sim.url, env: { LOG_LEVEL: 'trace' } })
  t.teardown(async () => { await sim.close(); await redis.close() })
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
