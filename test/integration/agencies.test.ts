/**
 * Keys bound to agencies: a sector key creates, changes and reads only dossiers of the agencies
 * listed for it in the clients file. Before this, any key could post for any agency in the
 * country, read any dossier of its system by walking the predictable codes, and take another
 * installation's dossier over by posting its receipt number and agency.
 */
import t, { type Test } from 'tap'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeClients, newKey, type TestClient } from '../../support/clients-file.js'
import { civilStatus, getDossier, post, sample } from '../../support/samples.js'
import { useStack } from '../helpers/fixture.js'

const k = (id: string, system: string, agencies: string[]): TestClient => ({ id, system, agencies, key: newKey() })
const C = {
  // Phường Sông Trí (the civil-status sample's agency), on two machines: overlapping agencies.
  songTri: k('hotich-songtri', 'civil-status', ['000.00.31.H42']),
  songTri2: k('hotich-songtri-2', 'civil-status', ['000.00.33.H42', '000.00.31.H42']),
  camXuyen: k('hotich-camxuyen', 'civil-status', ['000.00.45.H42']),
  quangBinh: k('hotich-quangbinh', 'civil-status', ['*.H44']),
  land: k('datdai-camxuyen', 'land', ['000.00.45.H42']),
  insurance: k('bhxh-vietxuyen', 'social-insurance', ['000.00.12.H42']),
  business: k('dkkd-songtri', 'business-registration', ['000.00.31.H42']),
  canonical: k('canonical-camxuyen', 'canonical', ['000.00.45.H42'])
}

const made = makeClients(mkdtempSync(join(tmpdir(), 'lt-agencies-')), { extra: Object.values(C) })
const province = made.keys['civil-status'] as string
const admin = made.keys.admin
// API only: nothing is delivered, so what intake stored can be inspected as it is.
const { gw, db } = useStack(t, { simulator: false, env: { ROLE: 'api', CLIENTS_FILE: made.file }, db: true, settled: true })

async function dataKeys (): Promise<string[]> {
  return (await db.keys('*')).filter(k => !k.includes(':ratelimit:')).sort()
}

function expectForbidden (t: Test, res: { status: number, json: any }, agency: string, field: string): void {
  t.equal(res.status, 403)
  t.equal(res.json?.code, 'FORBIDDEN_AGENCY')
  t.equal(res.json?.field, field, 'the field in the sender\'s own terms')
  t.match(res.json?.message?.vi, agency)
  t.match(res.json?.message?.en, agency)
}

t.test('a key posts only for its own agencies; nothing is written for another', async t => {
  const before = await dataKeys()
  const other = await post(gw.url, C.camXuyen.key, 'civil-status', civilStatus(101))
  expectForbidden(t, other, '000.00.31.H42', 'coQuanDangKy.maDinhDanh')
  const far = await post(gw.url, C.quangBinh.key, 'civil-status', civilStatus(102))
  expectForbidden(t, far, '000.00.31.H42', 'coQuanDangKy.maDinhDanh')
  t.strictSame(await dataKeys(), before, 'nothing stored, no code taken')

  const own = await post(gw.url, C.camXuyen.key, 'civil-status', civilStatus(101, { coQuanDangKy: { maDinhDanh: '000.00.45.H42', maXa: '18754' } }))
  t.equal(own.status, 202)
  t.match(own.json.maHoSo, /^000\.00\.45\.H42-/)
  const inProvince = await post(gw.url, C.quangBinh.key, 'civil-status', civilStatus(102, { coQuanDangKy: { maDinhDanh: '000.00.31.H44', maXa: '18754' } }))
  t.equal(inProvince.status, 202, '*.H44 covers every agency of that province')
  t.equal((await post(gw.url, province, 'civil-status', civilStatus(103))).status, 202, '*.H42 covers the sample\'s agency')
})

t.test('every format names the agency field in its own terms', async t => {
  const before = await dataKeys()
  expectForbidden(t, await post(gw.url, C.land.key, 'land', sample('land-registration.xml'), 'application/xml'),
    '000.00.12.H42', 'HoSoDangKyDatDai/DonViTiepNhan/@maDinhDanh')
  const business = readFileSync(new URL('../../fixtures/business-registration/sample.input.json', import.meta.url), 'utf8')
  expectForbidden(t, await post(gw.url, C.business.key, 'business-registration', business), '000.00.12.H42', 'coQuan.maDinhDanh')
  const canonical = JSON.parse(readFileSync(new URL('../../fixtures/civil-status/sample.expected.json', import.meta.url), 'utf8')).canonical
  expectForbidden(t, await post(gw.url, C.canonical.key, 'canonical', canonical), '000.00.31.H42', 'agency.code')
  // SOAP: the same code, field and message inside a fault (its HTTP status is the SOAP binding's).
  const soap = await post(gw.url, C.insurance.key, 'social-insurance', sample('social-insurance.xml'), 'text/xml')
  t.not(soap.status, 202)
  t.match(soap.text, /<faultcode>soapenv:Client<\/faultcode>/)
  t.match(soap.text, 'FORBIDDEN_AGENCY')
  t.match(soap.text, 'HoSo/MaCoQuan')
  t.strictSame(await dataKeys(), before, 'nothing stored')
})

t.test('another client\'s receipt number and agency cannot take its dossier over', async t => {
  const first = await post(gw.url, C.songTri.key, 'civil-status', civilStatus(201))
  t.equal(first.json.outcome, 'new')
  const stored = await getDossier(gw.url, admin, first.json.maHoSo)

  // Cẩm Xuyên's key sends Sông Trí's receipt number and agency, with a change.
  const takeover = await post(gw.url, C.camXuyen.key, 'civil-status', civilStatus(201, { trangThai: 'DANG_XU_LY' }))
  expectForbidden(t, takeover, '000.00.31.H42', 'coQuanDangKy.maDinhDanh')
  const after = await getDossier(gw.url, admin, first.json.maHoSo)
  t.strictSame(after.json.dossier, stored.json.dossier, 'the dossier is unchanged')
  t.equal(after.json.sync.revision, stored.json.sync.revision)
  t.equal(after.json.dossier.provenance.clientId, 'hotich-songtri', 'and still Sông Trí\'s')
})

t.test('two machines of one installation (overlapping agencies) share their dossiers', async t => {
  const first = await post(gw.url, C.songTri.key, 'civil-status', civilStatus(301))
  const resend = await post(gw.url, C.songTri2.key, 'civil-status', civilStatus(301))
  t.equal(resend.status, 202)
  t.equal(resend.json.outcome, 'duplicate')
  t.equal(resend.json.maHoSo, first.json.maHoSo)
  const change = await post(gw.url, C.songTri2.key, 'civil-status', civilStatus(301, { trangThai: 'DANG_XU_LY' }))
  t.equal(change.json.outcome, 'updated')
  t.equal(change.json.maHoSo, first.json.maHoSo)
  const back = await post(gw.url, C.songTri.key, 'civil-status', civilStatus(301, { trangThai: 'DANG_XU_LY' }))
  t.equal(back.json.outcome, 'duplicate', 'the first machine sees the second\'s change')
  t.equal((await getDossier(gw.url, C.songTri.key, first.json.maHoSo)).status, 200)
  t.equal((await getDossier(gw.url, C.songTri2.key, first.json.maHoSo)).status, 200)
})

t.test('reads of another agency\'s dossier answer 404, as for an absent one', async t => {
  const mine = await post(gw.url, C.songTri.key, 'civil-status', civilStatus(401))
  const code = mine.json.maHoSo as string
  const absent = code.replace(/-\d{5}$/, '-99999')
  for (const [who, key] of [['another agency', C.camXuyen.key], ['another province', C.quangBinh.key]] as const) {
    const res = await getDossier(gw.url, key, code)
    const none = await getDossier(gw.url, key, absent)
    t.equal(res.status, 404, who)
    t.equal(res.json.code, none.json.code, `${who}: the same answer as an absent code`)
    t.equal(res.json.field, none.json.field)
    t.notMatch(JSON.stringify(res.json), '042090004321', 'no citizen ID')
  }
  t.equal((await getDossier(gw.url, C.songTri.key, code)).status, 200, 'its own agency')
  t.equal((await getDossier(gw.url, province, code)).status, 200, 'a key for the whole province')
  t.equal((await getDossier(gw.url, admin, code)).status, 200, 'admins see everything')
  t.equal((await getDossier(gw.url, C.business.key, code)).status, 404, 'another system, same agency: 404 as before')
})
