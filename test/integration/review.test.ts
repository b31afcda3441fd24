/**
 * A land dossier whose parcel lies in an old commune split between several new ones, with an
 * address that does not settle it: accepted, held from the portal as needs-review with the
 * candidates, settled by an admin through the API, then delivered. Never guessed.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { getDossier, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { startStack } from '../helpers/fixture.js'

const xml = readFileSync(new URL('../../fixtures/land/split-commune-review.input.xml', import.meta.url), 'utf8')

t.test('needs-review: held, listed, settled by an admin, then delivered', async t => {
  const { sim, gw } = await startStack(t)
  const key = gw.keys.land as string
  const admin = async (path: string, body?: object): Promise<{ status: number, json: any }> => {
    const res = await fetch(`${gw.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': gw.keys.admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    return { status: res.status, json: await res.json() }
  }

  const res = await post(gw.url, key, 'land', xml, 'application/xml')
  t.equal(res.status, 202)
  t.equal(res.json.state, 'needs-review')
  const maHoSo = res.json.maHoSo as string
  t.same(res.json.review[0].candidates.map((c: { code: string }) => c.code).sort(), ['18754', '18823', '18832'])
  t.equal(res.json.review[0].field, 'HoSoDangKyDatDai/ThuaDat/DiaChi/@maXaCu')

  // Held: nothing reaches the portal, even after a sweep would have run.
  const listed = await admin('/v1/admin/dossiers?state=needs-review')
  t.ok(listed.json.items.some((i: { maHoSo: string }) => i.maHoSo === maHoSo))
  t.equal(sim.state.dossier(maHoSo), undefined)

  t.equal((await admin(`/v1/admin/dossiers/${maHoSo}/review`, { communeCode: '18601' })).json.code, 'NOT_A_CANDIDATE')
  const bySector = await fetch(`${gw.url}/v1/admin/dossiers/${maHoSo}/review`, {
    method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ communeCode: '18754' })
  })
  t.equal(bySector.status, 403, 'sector clients cannot settle reviews')

  const settled = await admin(`/v1/admin/dossiers/${maHoSo}/review`, { communeCode: '18754' })
  t.equal(settled.status, 202)
  t.equal(settled.json.state, 'pending')
  await waitFor(() => sim.state.dossier(maHoSo)?.creates === 1, { what: 'the settled dossier on the portal' })
  const look = await getDossier(gw.url, gw.keys.admin, maHoSo)
  t.equal(look.json.dossier.details.land.parcel.communeCode, '18754')
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, maHoSo)).json.sync.state === 'delivered')
  t.equal((await admin(`/v1/admin/dossiers/${maHoSo}/review`, { communeCode: '18754' })).json.code, 'NOT_IN_REVIEW')

  // The sector sends the same payload again: the admin's decision stands, nothing changes.
  const again = await post(gw.url, key, 'land', xml, 'application/xml')
  t.equal(again.json.outcome, 'duplicate')
  t.equal(again.json.state, 'delivered')
  t.equal(sim.state.dossier(maHoSo)?.updates, 0)
})

t.test('settling is a compare-and-set on the revision: a sector update or another admin first makes it change nothing', async t => {
  const { sim, gw } = await startStack(t)
  const key = gw.keys.land as string
  const settle = async (body: object): Promise<{ status: number, json: any }> => {
    const res = await fetch(`${gw.url}/v1/admin/dossiers/${maHoSo}/review`, {
      method: 'POST', headers: { 'x-api-key': gw.keys.admin, 'content-type': 'application/json' }, body: JSON.stringify(body)
    })
    return { status: res.status, json: await res.json() }
  }
  const first = await post(gw.url, key, 'land', xml, 'application/xml')
  const maHoSo = first.json.maHoSo as string
  const read = async (): Promise<any> => (await getDossier(gw.url, gw.keys.admin, maHoSo)).json
  const seen = (await read()).sync.revision as number

  // The sector corrects its dossier while the admin looks at the old one.
  const changed = await post(gw.url, key, 'land', xml.replace('<SoThua>123</SoThua>', '<SoThua>124</SoThua>'), 'application/xml')
  t.equal(changed.json.outcome, 'updated')
  t.equal(changed.json.state, 'needs-review')
  const stale = await settle({ communeCode: '18754', revision: seen })
  t.equal(stale.status, 409)
  t.equal(stale.json.code, 'REVISION_CONFLICT')
  t.equal(stale.json.field, 'revision')
  const after = await read()
  t.equal(after.sync.state, 'needs-review', 'nothing changed')
  t.equal(after.sync.revision, seen + 1, 'only the sector update counted')
  t.equal(after.dossier.details.land.parcel.number, '124', "the sector's correction is there")

  // The store itself refuses a change made at a revision that is no longer current.
  const where = await gw.app.store.locate(maHoSo)
  const direct = await gw.app.store.adminChange(where?.agency as string, where?.ref as string, {
    expectedState: 'needs-review', expectedRevision: seen, requeue: true
  })
  t.equal(direct.result, 'revision')

  // Two admins settle at once: one wins, the other is told, and the portal gets one create.
  const both = await Promise.all([settle({ communeCode: '18754' }), settle({ communeCode: '18823' })])
  t.same(both.map(r => r.status).sort(), [202, 409])
  const loser = both.find(r => r.status === 409)
  t.ok(['REVISION_CONFLICT', 'NOT_IN_REVIEW'].includes(loser?.json.code), `the loser is told (${String(loser?.json.code)})`)
  const winner = both.findIndex(r => r.status === 202)
  await waitFor(async () => (await read()).sync.state === 'delivered', { what: 'the settled dossier delivered' })
  t.equal(sim.state.dossier(maHoSo)?.creates, 1)
  t.equal((await read()).dossier.details.land.parcel.communeCode, winner === 0 ? '18754' : '18823', "the winner's decision stands")
})
