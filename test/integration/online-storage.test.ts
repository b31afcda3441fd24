/**
 * Online dossiers (HoSoMoi) in the compact format: the record a listpack of small values, the
 * canonical record, provenance and the HoSoMoi as received in the compressed document, within
 * the 2 KiB budget the sector dossiers meet (docs/architecture.md, "Storage"). Measured by
 * MEMORY USAGE (SAMPLES 0). A record written in the old format (everything in the hash) still reads.
 */
import t from 'tap'
import { useStack } from '../helpers/fixture.js'
import { onlineStack, ONLINE_AGENCY as AGENCY } from '../helpers/online.js'
import { getDossier } from '../../support/samples.js'
import { onlineHoSo } from '../../simulator/online.js'
import { fromPortalHoSo } from '../../src/mappings/from-portal.js'

const BUDGET = 2048

const { sim, gw, db: c } = useStack(t, { ...onlineStack({ ROLE: 'api' }), db: true })

async function usage (key: string): Promise<number> {
  return Number(await c.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') ?? 0)
}

t.test('an online dossier is stored compact: a listpack record and a compressed document, within 2 KiB', async t => {
  const r = await sim.submitOnline({ url: `${gw.url}/v1/portal/callbacks`, agency: AGENCY, hoSo: { MaTTHC: '1.001193', MaXa: '18754' } })
  t.equal(r.callback.finalStatus, 200)
  const record = `lt:{${AGENCY}}:d:portal:${r.maHoSo}`
  const doc = `lt:{${AGENCY}}:doc:portal:${r.maHoSo}`
  t.equal(await c.object('ENCODING', record), 'listpack', 'every value of the record is small')
  const recordBytes = await usage(record)
  const docBytes = await usage(doc)
  t.comment(`record ${recordBytes} B (${await c.object('ENCODING', record) as string}, ${await c.hlen(record)} fields), payload list ${await usage(`lt:{${AGENCY}}:raw:portal:${r.maHoSo}`)} B, document ${docBytes} B (${await c.strlen(doc)} bytes stored; HoSoMoi body ${r.callback.body?.length ?? 0} B)`)
  t.ok(recordBytes + docBytes <= BUDGET, `record + document ${recordBytes + docBytes} B ≤ ${BUDGET} B`)
  t.equal(await c.exists(`lt:{${AGENCY}}:raw:portal:${r.maHoSo}`), 0, 'the payload is in the document, not in a list of its own')

  const d = await getDossier(gw.url, gw.keys.admin, r.maHoSo)
  t.equal(d.status, 200)
  t.equal(d.json.origin, 'online')
  t.equal(d.json.dossier.channel, 'online')
  t.equal(d.json.dossier.provenance.system, 'portal')
  t.equal(d.json.routing.state, 'routed')
  t.equal(d.json.routing.system, 'civil-status')
  t.equal(d.json.routing.client, 'hotich-31')
  const payloads = await fetch(`${gw.url}/v1/admin/dossiers/${r.maHoSo}/payloads`, { headers: { 'x-api-key': gw.keys.admin } })
  const items = (await payloads.json() as { items: Array<{ body: string }> }).items
  t.equal(items.length, 1)
  t.equal(items[0]?.body, r.callback.body, 'the HoSoMoi exactly as received')
})

t.test('an online dossier written in the old format (everything in the hash) still reads', async t => {
  const code = `${AGENCY}-250701-50999`
  const mapped = fromPortalHoSo(onlineHoSo(code, Date.parse('2025-07-01T08:00:00+07:00'), { MaTTHC: '1.001193', MaXa: '18754' }) as never)
  if (!mapped.ok) throw new Error('the sample maps')
  const input = mapped.dossier
  const provenance = { system: 'portal', clientId: 'portal', sourceId: code, payloadSha256: 'a'.repeat(64), mappingVersion: 'portal-hoso@1.0.0', contentType: 'application/json', receivedAt: '2025-07-01T08:00:01+07:00' }
  await c.hset(`lt:{${AGENCY}}:codes`, code, `portal:${code}`)
  await c.hset(`lt:{${AGENCY}}:d:portal:${code}`, {
    maHoSo: code,
    agency: AGENCY,
    system: 'portal',
    sourceId: code,
    clientId: 'portal',
    input: JSON.stringify(input),
    provenance: JSON.stringify(provenance),
    fullHash: 'b'.repeat(64),
    contentHash: 'c'.repeat(64),
    status: '1',
    revision: 1,
    contentRev: 1,
    deliveredRev: 1,
    created: 1,
    firstOnPortal: 1,
    createdAt: 1751331600000,
    updatedAt: 1751331600000,
    deliveredAt: 1751331600000,
    origin: 'online',
    state: 'delivered',
    whClient: 'hotich-31',
    routing: JSON.stringify({ state: 'routed', system: 'civil-status', client: 'hotich-31', at: '2025-07-01T08:00:01+07:00' })
  })
  const d = await getDossier(gw.url, gw.keys.admin, code)
  t.equal(d.status, 200, JSON.stringify(d.json).slice(0, 300))
  t.equal(d.json.dossier.provenance.payloadSha256, 'a'.repeat(64))
  t.equal(d.json.routing.at, '2025-07-01T08:00:01+07:00')
  t.equal(d.json.origin, 'online')
})
