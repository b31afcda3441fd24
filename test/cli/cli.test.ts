/**
 * The `lienthong` CLI as an operator runs it: a child process, offline (validate, keys) and
 * against a real gateway (admin), with its exit codes and its output.
 */
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadClients } from '../../src/http/plugins/clients.js'
import { civilStatus, post, sample } from '../../support/samples.js'
import { startStack } from '../helpers/fixture.js'
import { cli, foreignWords } from '../helpers/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'lt-cli-'))

t.test('validate: the canonical record and the portal HoSo of a good payload', async t => {
  const r = await cli(['validate', 'civil-status', 'fixtures/samples/civil-status.json'])
  t.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout) as { canonical: { receiptNumber: string, agency: { code: string } }, hoSo: Record<string, unknown> }
  const sent = JSON.parse(sample('civil-status.json')) as { soBienNhan: string }
  t.equal(out.canonical.receiptNumber, sent.soBienNhan)
  t.match(out.canonical.agency.code, /\.H42$/)
  t.type(out.hoSo.MaHoSo, 'string')
})

t.test('validate: the field errors of a broken payload, exit code 1', async t => {
  const broken = JSON.parse(sample('civil-status.json')) as Record<string, unknown>
  delete broken.maThuTuc
  broken.ngayTiepNhan = 'hôm qua'
  const file = join(dir, 'broken.json')
  writeFileSync(file, JSON.stringify(broken))
  const r = await cli(['validate', 'civil-status', file])
  t.equal(r.code, 1)
  t.equal(r.stdout, '')
  t.match(r.stderr, /^422 VALIDATION_FAILED maThuTuc: /)
  t.match(r.stderr, /^ {2}REQUIRED maThuTuc: maThuTuc là trường bắt buộc$/m, 'in Vietnamese only')
  t.match(r.stderr, /INVALID_DATE ngayTiepNhan: .+/)
  t.same(foreignWords(r.stderr, 'vi'), [])
  const en = await cli(['validate', 'civil-status', file, '--lang', 'en'])
  t.equal(en.code, 1)
  t.match(en.stderr, /^ {2}REQUIRED maThuTuc: maThuTuc is required$/m, '--lang en: in English')
  t.same(foreignWords(en.stderr, 'en'), [])
})

t.test('validate: an unknown system lists the known ones', async t => {
  const r = await cli(['validate', 'no-such-system', 'fixtures/samples/civil-status.json'])
  t.equal(r.code, 1)
  t.match(r.stderr, /^404 UNKNOWN_SYSTEM system: .*civil-status, .*land/m)
})

t.test('keys: issue, list and revoke in a clients file the gateway loads', async t => {
  const file = join(dir, 'clients.json')
  const issued = await cli(['keys', '--file', file, 'issue', 'hotich-ht', 'civil-status', '--agencies', '000.00.31.h42,*.H42'])
  t.equal(issued.code, 0, issued.stderr)
  const key = /^Khóa API \(chỉ hiện một lần, hãy giữ bí mật\): (\S+)$/.exec(issued.stdout.trim())?.[1]
  t.ok(key !== undefined && key.length >= 32, 'the key is printed once')
  const viewer = await cli(['keys', 'issue', 'ops-viewer', '--role', 'viewer', '--systems', 'land'], { CLIENTS_FILE: file })
  t.equal(viewer.code, 0, viewer.stderr)
  t.equal((await cli(['keys', '--file', file, 'issue', 'hotich-ht', 'civil-status', '--agencies', '*.H42'])).code, 1, 'an id is issued once')
  t.equal((await cli(['keys', '--file', file, 'issue', 'x', 'civil-status'])).code, 1, 'a sector client needs agencies')

  const loaded = loadClients(file)
  const sector = loaded.find(c => c.id === 'hotich-ht')
  t.same(sector?.agencies, ['000.00.31.H42', '*.H42'])
  t.equal(sector?.system, 'civil-status')
  t.equal(loaded.find(c => c.id === 'ops-viewer')?.adminRole, 'viewer')

  const list = await cli(['keys', '--file', file, 'list'])
  t.equal(list.code, 0)
  t.match(list.stdout, /hotich-ht\s+hệ thống ngành\s+Hộ tịch\s+000\.00\.31\.H42,\*\.H42/, 'roles and systems in words')
  t.match(list.stdout, /ops-viewer\s+chỉ xem\s+Đất đai\s+\(tất cả\)/)
  t.same(foreignWords(list.stdout + issued.stderr, 'vi'), [])
  const listEn = await cli(['keys', '--file', file, 'list'], { LIENTHONG_LANG: 'en' })
  t.match(listEn.stdout, /ops-viewer\s+viewer\s+Land\s+\(all\)/, 'LIENTHONG_LANG=en: in English')
  t.same(foreignWords(listEn.stdout, 'en'), [])
  const listJson = await cli(['keys', '--file', file, 'list', '--json'])
  const written = readFileSync(file, 'utf8')
  for (const h of [...written.matchAll(/"keySha256": "([0-9a-f]{64})"/g)].map(m => m[1] as string)) {
    t.notOk(list.stdout.includes(h) || listJson.stdout.includes(h), 'no hash is listed')
  }
  t.notOk(list.stdout.includes(key as string), 'nor the key')

  const revoked = await cli(['keys', '--file', file, 'revoke', 'ops-viewer'])
  t.equal(revoked.code, 0)
  t.match(revoked.stdout, /SIGHUP/)
  t.same(loadClients(file).map(c => c.id), ['hotich-ht'])
  t.equal((await cli(['keys', '--file', file, 'revoke', 'ops-viewer'])).code, 1, 'an unknown id is refused')
})

t.test('admin commands against a real gateway', async t => {
  const { gw, addGateway } = await startStack(t, { simulator: false, env: { ROLE: 'api' } })
  const posted = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus('CLI-1'))
  t.equal(posted.status, 202, posted.text)
  const code = posted.json.maHoSo as string
  const env = { LIENTHONG_URL: gw.url, LIENTHONG_KEY: gw.keys.admin }

  const show = await cli(['admin', 'show', code], env)
  t.equal(show.code, 0, show.stderr)
  t.match(show.stdout, new RegExp(`Mã hồ sơ: ${code.replaceAll('.', '\\.')}`))
  t.match(show.stdout, /Tình trạng đồng bộ: Đang chờ gửi · Phiên bản 1/, 'in words, from the dictionary')
  t.match(show.stdout, /Lịch sử: \d+/)
  t.notMatch(show.stdout, /\d{4}-\d{2}-\d{2}T/, 'no ISO dates')
  t.notOk(show.stdout.includes(gw.keys.admin) || show.stderr.includes(gw.keys.admin), 'the key is never printed')

  // Reading payloads is audited: the audit log then has an entry by this admin.
  const payloads = await fetch(`${gw.url}/v1/admin/dossiers/${encodeURIComponent(code)}/payloads`, { headers: { 'x-api-key': gw.keys.admin } })
  t.equal(payloads.status, 200)
  const audit = await cli(['admin', 'audit', '--limit', '10'], env)
  t.equal(audit.code, 0, audit.stderr)
  t.match(audit.stdout, /^Thời điểm\s+Người thực hiện\s+Quyền\s+Thao tác/)
  t.match(audit.stdout, new RegExp(`\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}\\s+admin\\s+vận hành\\s+Xem dữ liệu gốc\\s+${code.replaceAll('.', '\\.')}\\s+Thành công`), 'local time (+07:00), words')
  const audited = JSON.parse((await cli(['admin', 'audit', '--limit', '1', '--json'], env)).stdout) as Array<{ at: string }>
  const shown = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})/m.exec(audit.stdout.split('\n')[1] ?? '')
  t.equal(shown === null ? '' : `${shown[3]}-${shown[2]}-${shown[1]}T${shown[4]}:${shown[5]}`, new Date(Date.parse(audited[0]?.at ?? '') + 7 * 3_600_000).toISOString().slice(0, 16), 'the UTC instant shown at +07:00')
  const auditJson = await cli(['admin', 'audit', '--all', '--json'], env)
  t.ok((JSON.parse(auditJson.stdout) as unknown[]).length >= 1)

  // ROLE api runs no job: --no-wait hands the queued job back at once.
  const queued = await cli(['admin', 'bulk-replay', '--system', 'land', '--no-wait'], env)
  t.equal(queued.code, 0, queued.stderr)
  t.match(JSON.parse(queued.stdout), { state: 'queued', matched: 0 })
  // A worker on the same Redis runs it (nothing failed, so it matches none); the CLI follows it to the end.
  await addGateway({ ROLE: 'worker' })
  const bulk = await cli(['admin', 'bulk-replay', '--system', 'land'], env)
  t.equal(bulk.code, 0, bulk.stderr)
  t.match(bulk.stdout, /^\S+ Hoàn tất: đã gửi lại 0, bỏ qua 0, khớp bộ lọc 0 hồ sơ$/m)
  t.notMatch(bulk.stderr, /matched/, 'no count printed before the job counted')
  t.same(foreignWords([show.stdout, audit.stdout, bulk.stdout, bulk.stderr].join('\n'), 'vi'), [], 'no English in what an officer reads')
  const byDay = await cli(['admin', 'bulk-replay', '--system', 'land', '--from', '2026-12-01', '--to', '07/12/2026'], env)
  t.equal(byDay.code, 0, byDay.stderr)
  const badDay = await cli(['admin', 'bulk-replay', '--from', '31/02/2026'], env)
  t.equal(badDay.code, 1)
  t.match(badDay.stderr, /^400 INVALID_OPTION --from: --from không phải ngày hợp lệ/, 'named as the option')
  t.notMatch(badDay.stderr, /body\.filter/)
  const badInstant = await cli(['admin', 'bulk-replay', '--to', '2026-12-01T25:00:00Z'], env)
  t.notMatch(badInstant.stderr, /body\.filter/, 'an API refusal named as the option too')
  const failed = await cli(['admin', 'failed', '--json'], env)
  t.equal(failed.code, 0, failed.stderr)
  t.same(JSON.parse(failed.stdout), [])

  const wrong = await cli(['admin', 'show', code], { ...env, LIENTHONG_KEY: 'x'.repeat(43) })
  t.not(wrong.code, 0)
  t.match(wrong.stderr, /^401 UNAUTHENTICATED/)
  t.equal(wrong.stdout, '')
  t.notOk(wrong.stderr.includes('x'.repeat(43)), 'not even a wrong key is printed')

  const missing = await cli(['admin', 'show', 'NO-SUCH-CODE'], env)
  t.not(missing.code, 0)
  t.match(missing.stderr, /^404 /)

  const dead = await cli(['admin', 'audit'], { ...env, LIENTHONG_URL: 'http://127.0.0.1:9' })
  t.not(dead.code, 0)
  t.match(dead.stderr, /không kết nối được GET http:\/\/127\.0\.0\.1:9\/v1\/admin\/audit/)
})
