/**
 * The CLI's operator actions against a real gateway, simulator and sector receiver: replay,
 * discard, edit, settle, route and keys bootstrap, each checked by its effect (the portal, the
 * receiver, the audit log), and Ctrl-C during a bulk replay cancelling the job on the gateway.
 */
import t from 'tap'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadClients, hashKey } from '../../src/http/plugins/clients.js'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import { waitFor } from '../../support/wait.js'
import { startGateway } from '../helpers/gateway.js'
import { useStack } from '../helpers/fixture.js'
import { cli, foreignWords, startCli } from '../helpers/cli.js'

const key = newKey()
const secret = newWebhookSecret()
const dir = mkdtempSync(join(tmpdir(), 'lt-cli-actions-'))
const { redis, sim, stub, gw } = useStack(t, {
  stub: { secret },
  env: { PORTAL_CALLBACK_SECRET: 'lienthong-callback-dev' },
  extraClients: ({ stub }) => [{ id: 'hotich-cli', key, system: 'civil-status', agencies: ['000.00.31.H42'], webhook: { url: stub.url, secret } }]
})

const env = (): Record<string, string> => ({ LIENTHONG_URL: gw.url, LIENTHONG_KEY: gw.keys.admin })
const state = async (code: string): Promise<string> => (await getDossier(gw.url, gw.keys.admin, code)).json.sync.state as string
async function failedDossier (n: string, message: string): Promise<string> {
  sim.setFaults({ script: [{ kind: 'error', code: '-1', message }] })
  const code = (await post(gw.url, key, 'civil-status', civilStatus(n))).json.maHoSo as string
  await waitFor(async () => await state(code) === 'failed', { what: `${n} failed` })
  return code
}
async function audited (action: string, target: string): Promise<boolean> {
  const audit = await (await fetch(`${gw.url}/v1/admin/audit`, { headers: { 'x-api-key': gw.keys.admin } })).json() as { items: Array<{ action: string, target: string }> }
  return audit.items.some(x => x.action === action && x.target === target)
}

t.test('replay and discard', async t => {
  const a = await failedDossier('CLI-RP-1', 'MaXa không hợp lệ')
  const r = await cli(['admin', 'replay', a], env())
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, new RegExp(`^${a.replaceAll('.', '\\.')}: \\S`))
  t.same(foreignWords(r.stdout, 'vi'), [], 'the state in words')
  await waitFor(async () => await state(a) === 'delivered', { what: 'replayed dossier delivered' })
  t.equal(sim.state.dossier(a)?.creates, 1, 'on the portal once')
  const again = await cli(['admin', 'replay', a], env())
  t.not(again.code, 0)
  t.match(again.stderr, /^409 NOTHING_TO_REPLAY/, 'a delivered dossier is not replayed')

  const b = await failedDossier('CLI-DC-1', 'MaXa không hợp lệ')
  t.not((await cli(['admin', 'discard', b], env())).code, 0, 'a discard needs its reason')
  const d = await cli(['admin', 'discard', b, '--reason', 'Hồ sơ nhập trùng'], env())
  t.equal(d.code, 0, d.stderr)
  t.equal(d.stdout, `${b}: Đã bỏ qua\n`, 'the state in words')
  t.equal(await state(b), 'discarded')
  t.ok(await audited('dossier.replay', a) && await audited('dossier.discard', b), 'both audited')
})

t.test('edit: the corrected record from a file reaches the portal; an invalid one changes nothing', async t => {
  const code = await failedDossier('CLI-ED-1', 'TrichYeuHoSo không hợp lệ')
  const view = (await getDossier(gw.url, gw.keys.admin, code)).json
  const { schemaVersion: _v, maHoSo: _m, provenance: _p, ...record } = view.dossier as Record<string, unknown>
  const fixed: Record<string, unknown> = { ...record, sourceId: view.dossier.provenance.sourceId, summary: 'Đăng ký khai sinh (sửa qua CLI)' }
  const bad = join(dir, 'bad.json')
  writeFileSync(bad, JSON.stringify({ ...fixed, holder: { ...(fixed.holder as object), ids: [{ type: 'cccd', number: '123' }] } }))
  const refused = await cli(['admin', 'edit', code, bad, '--reason', 'Sửa trích yếu'], env())
  t.not(refused.code, 0)
  t.match(refused.stderr, /^422 VALIDATION_FAILED dossier\.holder\.ids/)
  t.equal((await getDossier(gw.url, gw.keys.admin, code)).json.sync.revision, view.sync.revision, 'the original untouched')

  const good = join(dir, 'good.json')
  writeFileSync(good, JSON.stringify(fixed))
  const r = await cli(['admin', 'edit', code, good, '--reason', 'Sửa trích yếu'], env())
  t.equal(r.code, 0, r.stderr)
  await waitFor(async () => await state(code) === 'delivered', { what: 'edited dossier delivered' })
  t.equal(sim.state.dossier(code)?.hoSo.TrichYeuHoSo, 'Đăng ký khai sinh (sửa qua CLI)')
  t.ok(await audited('dossier.edit', code))
})

t.test('admin show --json feeds admin edit; admin failed shows the portal\'s reply', async t => {
  const code = await failedDossier('CLI-ED-2', 'TrichYeuHoSo quá dài')
  const listed = await cli(['admin', 'failed', '--kind', 'delivery'], env())
  t.equal(listed.code, 0, listed.stderr)
  t.match(listed.stdout, /TrichYeuHoSo quá dài/, 'the portal\'s reply')
  t.match(listed.stdout, /Hộ tịch/, 'the system in words')
  t.same(foreignWords(listed.stdout, 'vi'), [])
  const shown = await cli(['admin', 'show', code, '--json'], env())
  t.equal(shown.code, 0, shown.stderr)
  const view = JSON.parse(shown.stdout) as { dossier: Record<string, unknown> }
  const file = join(dir, 'shown.json')
  writeFileSync(file, JSON.stringify({ ...view, dossier: { ...view.dossier, summary: 'Đăng ký khai sinh (sửa từ show --json)' } }))
  const r = await cli(['admin', 'edit', code, file, '--reason', 'Sửa trích yếu'], env())
  t.equal(r.code, 0, r.stderr)
  await waitFor(async () => await state(code) === 'delivered', { what: 'edited dossier delivered' })
  t.equal(sim.state.dossier(code)?.hoSo.TrichYeuHoSo, 'Đăng ký khai sinh (sửa từ show --json)')
})

t.test('settle a split commune', async t => {
  const xml = readFileSync('fixtures/land/split-commune-review.input.xml', 'utf8')
  const res = await post(gw.url, gw.keys.land as string, 'land', xml, 'application/xml')
  t.equal(res.json.state, 'needs-review')
  const code = res.json.maHoSo as string
  const wrong = await cli(['admin', 'settle', code, '99999'], env())
  t.not(wrong.code, 0, 'a commune that is not a candidate is refused')
  t.match(wrong.stderr, /^4\d\d /)
  const r = await cli(['admin', 'settle', code, '18754'], env())
  t.equal(r.code, 0, r.stderr)
  await waitFor(() => sim.state.dossier(code)?.creates === 1, { what: 'the settled dossier on the portal' })
  t.equal((await getDossier(gw.url, gw.keys.admin, code)).json.dossier.details.land.parcel.communeCode, '18754', 'the chosen commune')
  t.ok(await audited('review.settle', code), 'audited')
})

t.test('route an unrouted online dossier', async t => {
  const online = await sim.submitOnline({ url: `${gw.url}/v1/portal/callbacks`, agency: '000.00.31.H42', hoSo: { MaTTHC: '1.001193', MaXa: '18754' } })
  t.ok(online.callback.delivered)
  await waitFor(async () => await state(online.maHoSo) === 'unrouted', { what: 'unrouted' })
  const r = await cli(['admin', 'route', online.maHoSo, 'hotich-cli'], env())
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /: Đã đồng bộ lên Cổng → hotich-cli$/m)
  await stub.waitFor(rs => rs.some(x => x.type === 'dossier.submitted-online' && (x.data as { maHoSo: string }).maHoSo === online.maHoSo))
  const again = await cli(['admin', 'route', online.maHoSo, 'hotich-cli'], env())
  t.match(again.stderr, /^409 NOT_UNROUTED/)
  t.ok(await audited('route', online.maHoSo), 'audited')
})

t.test('Ctrl-C during a bulk replay cancels the job on the gateway, then exits 130', async t => {
  // An API-only gateway runs no job: the CLI follows a queued job until it is interrupted.
  const api = await startGateway({ redisUrl: redis.url, portalUrl: sim.url, env: { ROLE: 'api' }, clients: { file: gw.clientsFile, keys: gw.keys } })
  t.teardown(async () => { await api.close() })
  // A second Redis database would hide the job from `gw`'s workers; instead the filter matches
  // an agency with nothing failed, and the job is created while only `api` could see it run.
  await gw.close()
  const run = startCli(['admin', 'bulk-replay', '--agency', '000.00.99.H42'], { LIENTHONG_URL: api.url, LIENTHONG_KEY: gw.keys.admin })
  await waitFor(() => /hàng loạt ([0-9a-f-]{36})/.test(run.stderr), { what: 'the job created' })
  const id = /hàng loạt ([0-9a-f-]{36})/.exec(run.stderr)?.[1] as string
  run.child.kill('SIGINT')
  const job = async (): Promise<{ state: string, cancelRequested: boolean }> =>
    await (await fetch(`${api.url}/v1/admin/replays/${encodeURIComponent(id)}`, { headers: { 'x-api-key': gw.keys.admin } })).json() as never
  await waitFor(async () => (await job()).cancelRequested, { what: 'cancel requested by Ctrl-C' })
  t.match(run.stderr, /đang dừng/)
  // A worker now picks the job up and stops it; the CLI follows it to the end.
  const worker = await startGateway({ redisUrl: redis.url, portalUrl: sim.url, env: { PORTAL_CALLBACK_SECRET: 'lienthong-callback-dev', ROLE: 'worker' }, clients: { file: gw.clientsFile, keys: gw.keys } })
  t.teardown(async () => { await worker.close() })
  const done = await run.done
  t.equal(done.code, 130, done.stderr)
  t.match(done.stdout, new RegExp(`^${id} Đã dừng: `))
  t.equal((await job()).state, 'cancelled')
})

t.test('keys bootstrap: creates once with keys in a 0600 file, then keeps; a seed file replaces it', async t => {
  const file = join(dir, 'boot-clients.json')
  const keysOut = join(dir, 'initial-keys.txt')
  const first = await cli(['keys', '--file', file, 'bootstrap', '--keys-out', keysOut, '--admin', 'admin', '--sector', 'hotich:civil-status:*.H42'])
  t.equal(first.code, 0, first.stderr)
  t.match(first.stdout, /^đã tạo .* với 2 ứng dụng; khóa của chúng ở /)
  const keys = readFileSync(keysOut, 'utf8')
  const adminKey = /^admin \([^)]*\): (\S+)$/m.exec(keys)?.[1] as string
  t.ok(adminKey !== undefined && !first.stdout.includes(adminKey) && !first.stderr.includes(adminKey), 'the key is in the file, not in the output')
  t.equal(statSync(keysOut).mode & 0o777, 0o600)
  const loaded = loadClients(file)
  t.same(loaded.map(c => c.id), ['admin', 'hotich'])
  t.ok(loaded[0]?.hash.equals(hashKey(adminKey)), 'the file holds the key\'s hash')

  const kept = await cli(['keys', '--file', file, 'bootstrap', '--keys-out', keysOut, '--admin', 'admin'])
  t.match(kept.stdout, /^giữ nguyên /)
  t.equal(readFileSync(keysOut, 'utf8'), keys, 'no new keys on a later run')

  const seed = join(dir, 'seed.json')
  writeFileSync(seed, JSON.stringify({ clients: [{ id: 'ops', role: 'viewer', keySha256: hashKey(newKey()).toString('hex') }] }), { mode: 0o600 })
  const seeded = await cli(['keys', '--file', file, 'bootstrap', '--seed', seed])
  t.equal(seeded.code, 0, seeded.stderr)
  t.same(loadClients(file).map(c => c.id), ['ops'])
  writeFileSync(seed, '{"clients":[{"id":"x"}]}')
  const invalid = await cli(['keys', '--file', file, 'bootstrap', '--seed', seed])
  t.not(invalid.code, 0, 'a seed the gateway would refuse is refused')
  t.same(loadClients(file).map(c => c.id), ['ops'], 'and the installed file stays')
})
