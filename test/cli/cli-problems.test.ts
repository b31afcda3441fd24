/**
 * What goes wrong below the CLI reaches the terminal in the language asked for, from the
 * dictionary (src/web/i18n-problems.ts): the clients file's refusals (`lienthong keys`), a bad
 * configuration, the doctor's details and notices on a drifted store, and a gateway that cannot be
 * reached. The Vietnamese output holds no English word and none of the English texts the lower
 * layers keep for logs and `doctor --json`; the English output no Vietnamese letter.
 */
import t, { type Test } from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { cli, foreignWords } from '../helpers/cli.js'
import { freePort, RedisServer } from '../../support/redis-server.js'
import { Keys } from '../../src/store/keys.js'
import { say, setLang } from '../../cli/lang.js'
import type { DoctorReport } from '../../src/services/doctor/index.js'

const LANGS = ['vi', 'en'] as const
const dir = mkdtempSync(join(tmpdir(), 'lt-cli-problems-'))

/** Both checks on one output: no word of the other language, and the dictionary's words present. */
function inWords (t: Test, out: string, lang: 'vi' | 'en', expected: string, ignore: ReadonlySet<string> = new Set()): void {
  t.same(foreignWords(out, lang, ignore), [], `${lang}: no word of the other language`)
  t.ok(out.includes(expected), `${lang}: the dictionary's words: ${expected}\n${out}`)
}

t.test('the clients file\'s refusals', async t => {
  for (const lang of LANGS) {
    setLang(lang)
    const env = { LIENTHONG_LANG: lang }
    // A folder that does not exist: the file cannot be written (root writes anywhere, so no EACCES here).
    const nowhere = join(dir, 'no-such-dir', 'clients.json')
    const r1 = await cli(['keys', '--file', nowhere, 'issue', 'x', 'civil-status', '--agencies', '000.00.31.H42'], env)
    t.equal(r1.code, 1)
    inWords(t, r1.stderr, lang, say('cf_cannotWrite', { file: nowhere, why: say('fs_ENOENT') }))
    // An entry the gateway would refuse: nothing written, the reason in words.
    const file = join(dir, `clients-${lang}.json`)
    const r2 = await cli(['keys', '--file', file, 'issue', 'x', 'civil-status', '--agencies', 'BAD'], env)
    t.equal(r2.code, 1)
    if (lang === 'vi') t.notMatch(r2.stderr, /not written|neither/, 'not the English of the log')
    inWords(t, r2.stderr, lang, say('cf_notWritten', { file, why: say('cf_badAgency', { file, at: 'x (clients[0]) agencies[0]' }) }))
    // A file that is not JSON, and a first run without what it needs.
    writeFileSync(file, '{ not json')
    const r3 = await cli(['keys', '--file', file, 'list'], env)
    inWords(t, r3.stderr, lang, say('cf_notJson', { file }))
    const fresh = join(dir, `fresh-${lang}.json`)
    const r4 = await cli(['keys', '--file', fresh, 'bootstrap'], env)
    inWords(t, r4.stderr, lang, say('cf_noKeysOut', { file: fresh }))
  }
})

t.test('a bad configuration', async t => {
  for (const lang of LANGS) {
    setLang(lang)
    const r = await cli(['doctor'], { LIENTHONG_LANG: lang, KEY_PREFIX: 'A{' })
    t.equal(r.code, 2)
    t.notMatch(r.stderr, /env\/KEY_PREFIX/, 'not ajv\'s text')
    inWords(t, r.stderr, lang, say('cfg_invalid', { list: say('cfg_pattern', { variable: 'KEY_PREFIX', pattern: '^[a-z0-9:_-]+$' }) }))
    const prod = await cli(['doctor'], { LIENTHONG_LANG: lang, NODE_ENV: 'production' })
    t.equal(prod.code, 2)
    inWords(t, prod.stderr, lang, say('cfg_requiredInProduction', { variable: 'PORTAL_PASSWORD' }))
  }
})

t.test('a gateway or a Redis that cannot be reached', async t => {
  const port = await freePort()
  for (const lang of LANGS) {
    setLang(lang)
    const r = await cli(['--url', `http://127.0.0.1:${port}`, 'admin', 'failed'], { LIENTHONG_LANG: lang, LIENTHONG_KEY: 'k'.repeat(20) })
    t.equal(r.code, 1)
    t.notMatch(r.stderr, /ECONNREFUSED/, 'the system\'s code is said in words')
    inWords(t, r.stderr, lang, say('cli_cannotReach', { url: `GET http://127.0.0.1:${port}/v1/admin/failed`, why: say('net_ECONNREFUSED') }))
    const redis = await cli(['doctor'], { LIENTHONG_LANG: lang, REDIS_URL: `redis://127.0.0.1:${port}` })
    t.equal(redis.code, 2)
    inWords(t, redis.stderr, lang, say('net_ECONNREFUSED'))
  }
})

t.test('the doctor on a drifted store: details and notices in words, --json as the doctor writes it', async t => {
  const server = await RedisServer.start()
  t.teardown(async () => { await server.close() })
  const db = new Redis(server.url)
  t.teardown(() => { db.disconnect() })
  const k = new Keys('lt')
  const A = '000.00.31.H42'
  // Drift of several kinds, by hand: an orphan in `due`, an unreadable legacy unmatched entry,
  // a code that is not one, a webhook marked failed with nothing waiting, an agency not listed.
  await db.zadd(k.due(A), 1, 'civil-status:NO-SUCH')
  await db.rpush(k.unmatched(A), 'not json')
  await db.hset(k.codes(A), 'NOT-A-CODE', 'civil-status:X')
  await db.hset(k.webhookFailed(A), `${A}-250702-09998`, '{"id":"msg_x.1","code":"GONE"}')
  await db.sadd(k.webhookActive(A), `${A}-250702-09999`)
  const env = { REDIS_URL: server.url }

  const json = await cli(['doctor', '--json'], env)
  t.equal(json.code, 1)
  const report = JSON.parse(json.stdout) as DoctorReport & Record<string, unknown>
  t.ok(report.found >= 5, `drift found (${report.found})`)
  t.notOk('reasons' in report, '--json has no text codes')
  t.notOk(report.drifts.some(d => 'why' in d), 'nor its drifts')
  t.ok(report.drifts.every(d => typeof d.detail === 'string' && d.detail !== ''), 'the details as the doctor writes them (English)')
  t.ok(report.notices.length >= 2, 'and its notices')
  const english = [...report.drifts.map(d => d.detail), ...report.notices]
  const structures = new Set(report.drifts.map(d => d.structure))

  for (const lang of LANGS) {
    const run = await cli(['doctor'], { ...env, LIENTHONG_LANG: lang })
    t.equal(run.code, 1)
    t.same(foreignWords(run.stdout + run.stderr, lang, structures), [], `${lang}: no word of the other language`)
    if (lang === 'vi') t.same(english.filter(e => run.stdout.includes(e)), [], 'vi: none of the doctor\'s English')
    else t.same(english.filter(e => !run.stdout.includes(e)), [], 'en: the dictionary\'s English is the doctor\'s own')
  }
  setLang('vi')
  const vi = await cli(['doctor'], env)
  t.match(vi.stdout, /civil-status:NO-SUCH\s+due\s+orphan-entry: civil-status:NO-SUCH không có bản ghi/)
  t.match(vi.stdout, new RegExp(say('doctor_legacyUnmatched', { agency: A, n: 1 }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
})

t.test('the check finds English left in a Vietnamese output', async t => {
  // The outputs as they were before the dictionary had these words: each would fail above.
  for (const before of [
    'doctor: env/KEY_PREFIX must match pattern "^[a-z0-9:_-]+$"',
    'không kết nối được GET http://127.0.0.1:1/v1/admin/failed: bad port',
    'not written, the gateway would refuse the file: CLIENTS_FILE x.json: client x (clients[0]) agencies[0] is neither an agency code (000.00.12.H42) nor a province pattern (*.H42)',
    '000.00.31.H42  civil-status:NO-SUCH  due  orphan-entry: civil-status:NO-SUCH has no record',
    'lưu ý: 000.00.31.H42 unmatched: 1 callback(s) written before the sorted index, moved into unm on the next list read'
  ]) t.not(foreignWords(before, 'vi').length, 0, before)
})
