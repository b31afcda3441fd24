import t from 'tap'
import { civilStatus, getDossier, post, sample } from '../../support/samples.js'
import { useStack } from '../helpers/fixture.js'

const { topology: redis, topologyDb: client, gw } = useStack(t, {
  redis: 'topology',
  // API only: nothing is delivered, so what intake stored can be inspected as it is.
  simulator: false,
  env: { ROLE: 'api', BODY_LIMIT_BYTES: '65536' },
  db: true
})

/** Every key the gateway writes for dossiers and jobs (rate-limit counters excluded). */
async function dataKeys (): Promise<string[]> {
  const keys = await redis.keys('*')
  return keys.filter(k => !k.includes(':ratelimit:')).sort()
}

t.test('a civil-status dossier is taken in, coded and stored with its provenance', async t => {
  const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(1))
  t.equal(res.status, 202)
  t.equal(res.json.outcome, 'new')
  t.equal(res.json.state, 'pending')
  t.match(res.json.maHoSo, /^000\.00\.31\.H42-250702-\d{5}$/)
  const look = await getDossier(gw.url, gw.keys['civil-status'] as string, res.json.maHoSo)
  t.equal(look.status, 200)
  t.equal(look.json.dossier.maHoSo, res.json.maHoSo)
  t.equal(look.json.dossier.holder.phone, '0912000111')
  t.equal(look.json.dossier.provenance.system, 'civil-status')
  t.equal(look.json.dossier.provenance.sourceId, 'HT-18754-2025-000001')
  t.equal(look.json.dossier.provenance.mappingVersion, 'civil-status@1.0.0')
  t.match(look.json.dossier.provenance.payloadSha256, /^[0-9a-f]{64}$/)
  t.equal(look.json.sync.state, 'pending')
  t.same(look.json.attempts, [])
})

t.test('the same source dossier keeps its code; a resend is a duplicate, a change an update', async t => {
  const key = gw.keys['civil-status'] as string
  const first = await post(gw.url, key, 'civil-status', civilStatus(2))
  const again = await post(gw.url, key, 'civil-status', civilStatus(2))
  t.equal(again.json.outcome, 'duplicate')
  t.equal(again.json.maHoSo, first.json.maHoSo)
  // Same content, other bytes (key order, spacing): still a duplicate.
  const reordered = JSON.stringify(Object.fromEntries(Object.entries(civilStatus(2)).reverse()), null, 2)
  t.equal((await post(gw.url, key, 'civil-status', reordered)).json.outcome, 'duplicate')
  const changed = await post(gw.url, key, 'civil-status', civilStatus(2, { trangThai: 'DANG_XU_LY' }))
  t.equal(changed.json.outcome, 'updated')
  t.equal(changed.json.maHoSo, first.json.maHoSo)
  const other = await post(gw.url, key, 'civil-status', civilStatus(3))
  t.not(other.json.maHoSo, first.json.maHoSo)
})

t.test('admins can read every payload as it was received, byte for byte', async t => {
  const key = gw.keys['civil-status'] as string
  const v1 = JSON.stringify(civilStatus(5), null, 1)
  const v2 = JSON.stringify(civilStatus(5, { trangThai: 'DANG_XU_LY' }))
  const first = await post(gw.url, key, 'civil-status', v1)
  await post(gw.url, key, 'civil-status', v1.replace(/\n/g, ' '))
  await post(gw.url, key, 'civil-status', v2)
  const url = `${gw.url}/v1/admin/dossiers/${first.json.maHoSo as string}/payloads`
  const res = await fetch(url, { headers: { 'x-api-key': gw.keys.admin } })
  const items = ((await res.json()) as { items: Array<{ body: string, sha256: string, mappingVersion: string }> }).items
  t.same(items.map(i => i.body), [v2, v1], 'newest first; a duplicate adds none')
  t.equal(items[1]?.mappingVersion, 'civil-status@1.0.0')
  t.equal((await fetch(url, { headers: { 'x-api-key': key } })).status, 403)
})

t.test('concurrent first sends of one dossier get one code', async t => {
  const key = gw.keys['civil-status'] as string
  const replies = await Promise.all(Array.from({ length: 8 }, async () => await post(gw.url, key, 'civil-status', civilStatus(4))))
  t.same(new Set(replies.map(r => r.status)), new Set([202]))
  t.equal(new Set(replies.map(r => r.json.maHoSo)).size, 1)
  t.equal(replies.filter(r => r.json.outcome === 'new').length, 1)
})

t.test('sequences count per agency and day of receipt', async t => {
  const key = gw.keys['civil-status'] as string
  const a = await post(gw.url, key, 'civil-status', civilStatus(10, { ngayTiepNhan: '2025-08-15T10:00:00+07:00', ngayHenTra: '2025-08-15' }))
  const b = await post(gw.url, key, 'civil-status', civilStatus(11, { ngayTiepNhan: '2025-08-15T11:00:00+07:00', ngayHenTra: '2025-08-15' }))
  t.equal(a.json.maHoSo, '000.00.31.H42-250815-00001')
  t.equal(b.json.maHoSo, '000.00.31.H42-250815-00002')
})

t.test('an agency that used all 99,999 codes of a day gets a clear 409, not a 5xx', async t => {
  await client.set('lt:{000.00.31.H42}:seq:250901', '99999')
  const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(60, { ngayTiepNhan: '2025-09-01T08:00:00+07:00', ngayHenTra: '2025-09-01' }))
  t.equal(res.status, 409)
  t.equal(res.json.code, 'DAILY_SEQUENCE_EXHAUSTED')
  t.equal(res.json.field, 'ngayTiepNhan')
  t.equal(await client.exists('lt:{000.00.31.H42}:d:civil-status:HT-18754-2025-000060'), 0, 'nothing stored')
})

t.test('refusals: 4xx with a code, the field in the sender\'s terms, both languages, and nothing stored', async t => {
  const key = gw.keys['civil-status'] as string
  const before = await dataKeys()
  const cases: Array<{ name: string, send: () => Promise<{ status: number, json: any }>, status: number, code: string, field?: string | RegExp }> = [
    { name: 'malformed JSON', send: async () => await post(gw.url, key, 'civil-status', '{"soBienNhan": '), status: 400, code: 'BAD_JSON' },
    { name: 'JSON that is not an object', send: async () => await post(gw.url, key, 'civil-status', '[1,2]'), status: 400, code: 'BAD_JSON' },
    { name: 'wrong content type', send: async () => await post(gw.url, key, 'civil-status', JSON.stringify(civilStatus(20)), 'text/plain'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', field: 'Content-Type' },
    { name: 'XML to a JSON system', send: async () => await post(gw.url, key, 'civil-status', sample('land-registration.xml'), 'application/xml'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'unknown system', send: async () => await post(gw.url, key, 'tax', civilStatus(21)), status: 404, code: 'UNKNOWN_SYSTEM', field: 'system' },
    { name: 'no key', send: async () => await post(gw.url, '', 'civil-status', civilStatus(22)), status: 401, code: 'UNAUTHENTICATED' },
    { name: 'wrong key', send: async () => await post(gw.url, 'x'.repeat(43), 'civil-status', civilStatus(22)), status: 401, code: 'UNAUTHENTICATED' },
    { name: 'a key for another system', send: async () => await post(gw.url, gw.keys.canonical as string, 'civil-status', civilStatus(23)), status: 403, code: 'FORBIDDEN_SYSTEM', field: 'system' },
    { name: 'oversized body', send: async () => await post(gw.url, key, 'civil-status', civilStatus(24, { ghiChu: 'x'.repeat(70_000) })), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'missing field', send: async () => { const d = civilStatus(25); delete d.maThuTuc; return await post(gw.url, key, 'civil-status', d) }, status: 422, code: 'VALIDATION_FAILED', field: 'maThuTuc' },
    { name: 'bad date', send: async () => await post(gw.url, key, 'civil-status', civilStatus(26, { ngayTiepNhan: '31/02/2025' })), status: 422, code: 'VALIDATION_FAILED', field: 'ngayTiepNhan' },
    { name: 'bad citizen ID', send: async () => await post(gw.url, key, 'civil-status', civilStatus(27, { nguoiYeuCau: { ...civilStatus(27).nguoiYeuCau as object, giayTo: { loai: 'CCCD', so: '12345' } } })), status: 422, code: 'VALIDATION_FAILED', field: 'nguoiYeuCau.giayTo.so' },
    { name: 'unknown status code', send: async () => await post(gw.url, key, 'civil-status', civilStatus(28, { trangThai: 'XONG' })), status: 422, code: 'VALIDATION_FAILED', field: 'trangThai' },
    { name: 'unknown commune', send: async () => await post(gw.url, key, 'civil-status', civilStatus(29, { coQuanDangKy: { maDinhDanh: '000.00.31.H42', maXa: '99999' } })), status: 422, code: 'VALIDATION_FAILED', field: 'coQuanDangKy.maXa' },
    { name: 'a number where an object belongs', send: async () => await post(gw.url, key, 'civil-status', civilStatus(30, { nguoiYeuCau: 5 })), status: 422, code: 'VALIDATION_FAILED', field: 'nguoiYeuCau' },
    { name: 'canonical input with an unknown field', send: async () => await post(gw.url, gw.keys.canonical as string, 'canonical', { sourceId: 'x', hacker: 1 }), status: 422, code: 'VALIDATION_FAILED' }
  ]
  for (const c of cases) {
    const res = await c.send()
    t.equal(res.status, c.status, `${c.name}: status`)
    t.equal(res.json?.code, c.code, `${c.name}: code`)
    t.type(res.json?.message?.vi, 'string', `${c.name}: Vietnamese message`)
    t.type(res.json?.message?.en, 'string', `${c.name}: English message`)
    if (c.field !== undefined) t.match(res.json?.field, c.field, `${c.name}: field`)
  }
  t.same(await dataKeys(), before, 'no refused request wrote anything')
})

t.test('every problem of a dossier is reported at once', async t => {
  const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(40, { ngayTiepNhan: 'hôm qua', kenhNop: 'FAX', trangThai: 'XONG' }))
  t.equal(res.status, 422)
  t.same(res.json.errors.map((e: { field: string }) => e.field).sort(), ['kenhNop', 'ngayTiepNhan', 'trangThai'])
})

t.test('prototype-pollution keys change nothing', async t => {
  const body = JSON.stringify(civilStatus(41)).replace('{', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},')
  const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', body)
  t.equal(res.status, 202)
  t.equal(({} as Record<string, unknown>).polluted, undefined)
})

t.test('sector clients see only their own dossiers; admins see all', async t => {
  const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(50))
  t.equal((await getDossier(gw.url, gw.keys.land as string, res.json.maHoSo)).status, 404)
  t.equal((await getDossier(gw.url, gw.keys.admin, res.json.maHoSo)).status, 200)
  const missing = await getDossier(gw.url, gw.keys['civil-status'] as string, '000.00.31.H42-250702-99999')
  t.equal(missing.status, 404)
  t.equal(missing.json.code, 'NOT_FOUND')
})

t.test('health endpoints', async t => {
  t.equal((await fetch(`${gw.url}/health/live`)).status, 200)
  const ready = await fetch(`${gw.url}/health/ready`)
  t.equal(ready.status, 200)
  t.equal((await ready.json() as { redis: string }).redis, 'up')
})
