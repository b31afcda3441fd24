/**
 * The storage budget's compaction: only final, delivered dossiers unchanged for RETENTION_DAYS
 * are compacted; a resend after it is a duplicate, a change is refused; admins read what is
 * left and are told the rest is gone. And records written before compression stay readable.
 */
import t from 'tap'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { compactAll } from '../../src/queue/compact.js'
import { decodeDoc } from '../../src/store/codec.js'
import { dossierHashes } from '../../src/services/intake/intake-service.js'
import { useStack } from '../helpers/fixture.js'

const DAY = 86_400_000

const { sim, gw, db } = useStack(t, { env: { RETENTION_DAYS: '1', PORTAL_TIMEOUT_MS: '500' }, db: true })

const key = (): string => gw.keys['civil-status'] as string
const state = async (code: string): Promise<string> => (await getDossier(gw.url, gw.keys.admin, code)).json.sync.state
const compact = async (now: number): Promise<{ compacted: number, skipped: number }> => await compactAll(gw.app.store, DAY, { now })
const AGENCY = '000.00.31.H42'
const tag = `lt:{${AGENCY}}`

t.test('compacted only when final, delivered and unchanged for RETENTION_DAYS; then read-only', async t => {
  const finalDoc = civilStatus(9001, { trangThai: 'DA_TRA' })
  const a = (await post(gw.url, key(), 'civil-status', finalDoc)).json.maHoSo as string
  const b = (await post(gw.url, key(), 'civil-status', civilStatus(9002))).json.maHoSo as string
  await waitFor(async () => await state(a) === 'delivered' && await state(b) === 'delivered', { what: 'both delivered' })
  const now0 = Date.now()
  sim.setFaults({ outageWindows: [{ from: now0, to: now0 + 3_600_000, status: 503 }] })
  const c = (await post(gw.url, key(), 'civil-status', civilStatus(9003, { trangThai: 'DA_TRA' }))).json.maHoSo as string
  t.equal(await state(c), 'pending', 'the third waits for the portal')

  t.same(await compact(now0 + DAY / 2), { compacted: 0, skipped: 0 }, 'nothing is past retention yet')
  const r = await compact(now0 + 2 * DAY)
  t.same(r, { compacted: 1, skipped: 1 }, 'the delivered final one is compacted; the undelivered one is kept')
  t.equal((await getDossier(gw.url, gw.keys.admin, c)).json.compacted, undefined, 'not delivered: not compacted')
  t.equal((await getDossier(gw.url, gw.keys.admin, b)).json.compacted, undefined, 'not final: not compacted')

  const ref = `civil-status:${finalDoc.soBienNhan}`
  t.same(await db.exists(`${tag}:doc:${ref}`, `${tag}:raw:${ref}`, `${tag}:att:${ref}`, `${tag}:steps:${ref}`, `${tag}:hist:${a}`), 0, 'record, payloads, attempts, steps and history are gone')
  t.equal(await db.object('ENCODING', `${tag}:d:${ref}`), 'listpack')
  const usage = Number(await db.memory('USAGE', `${tag}:d:${ref}`))
  t.ok(usage <= 320, `the compacted record takes ${usage} bytes (room left within 512 for its code in the index and Redis's own per-key cost)`)
  t.equal(await db.hget(`${tag}:codes`, a), ref, 'the code still leads to it')

  const view = await getDossier(gw.url, key(), a)
  t.equal(view.status, 200, 'its sector system still reads it')
  t.equal(view.json.dossier, undefined, 'no record any more')
  t.match(view.json.compacted, { system: 'civil-status', sourceId: finalDoc.soBienNhan, agency: AGENCY, message: { vi: /rút gọn/, en: /compacted/ } })
  t.ok(Date.parse(view.json.compacted.at) >= now0 + 2 * DAY - 1000, 'when, by the sweep\'s clock')
  t.match(view.json, { status: { code: '10' }, sync: { state: 'delivered', onPortal: true, revision: 1, contentRevision: undefined }, attempts: [], history: [] })

  const payloads = await fetch(`${gw.url}/v1/admin/dossiers/${a}/payloads`, { headers: { 'x-api-key': gw.keys.admin } })
  t.equal(payloads.status, 410)
  t.match(await payloads.json(), { code: 'PAYLOADS_COMPACTED', field: 'maHoSo', message: { vi: /xóa/, en: /deleted/ } })

  const creates = sim.state.counts().creates
  const again = await post(gw.url, key(), 'civil-status', finalDoc)
  t.match(again, { status: 202, json: { maHoSo: a, outcome: 'duplicate', state: 'delivered' } }, 'the same dossier again: the same code, nothing to send')
  t.equal(await db.zcard(`${tag}:outbox`), 1, 'only the undelivered one waits')
  const changed = await post(gw.url, key(), 'civil-status', { ...finalDoc, ghiChu: 'sửa sau khi đã trả kết quả' })
  t.match(changed, { status: 409, json: { code: 'DOSSIER_COMPACTED', message: { vi: /không thể thay đổi/, en: /can no longer change/ } } })
  t.equal(sim.state.counts().creates, creates)
  t.equal(sim.state.dossier(a)?.updates, 0, 'the portal never saw a second write')

  t.same(await compact(now0 + 2 * DAY), { compacted: 0, skipped: 0 }, 'a second run finds nothing (the kept one is looked at again a day later)')
  sim.setFaults({ outageWindows: [] })
  await waitFor(async () => await state(c) === 'delivered', { timeoutMs: 30_000, what: 'the third delivered' })
  t.same(await compact(now0 + 3 * DAY + 1000), { compacted: 1, skipped: 0 }, 'once delivered, it goes too')
})

t.test('a record written before compression is read, listed and updated without loss', async t => {
  const doc = civilStatus(9100)
  const code = (await post(gw.url, key(), 'civil-status', doc)).json.maHoSo as string
  await waitFor(async () => await state(code) === 'delivered', { what: 'delivered' })
  // Rewrite it as the previous version stored it: JSON fields in the hash, the payload as text.
  const ref = `civil-status:${doc.soBienNhan}`
  const stored = decodeDoc(await db.getBuffer(`${tag}:doc:${ref}`) as Buffer)
  const { body, ...meta } = stored.raw as NonNullable<typeof stored.raw>
  await db.multi()
    .hset(`${tag}:d:${ref}`, { input: JSON.stringify(stored.input), provenance: JSON.stringify(stored.provenance), clientId: stored.provenance.clientId, agency: AGENCY, system: 'civil-status', sourceId: doc.soBienNhan, ...dossierHashes(stored.input) })
    .del(`${tag}:doc:${ref}`)
    .lpush(`${tag}:raw:${ref}`, `${JSON.stringify(meta)}\n${body}`)
    .exec()

  const before = await getDossier(gw.url, key(), code)
  t.equal(before.json.dossier.provenance.sourceId, doc.soBienNhan)
  t.equal(before.json.dossier.holder.name, 'Trần Văn Bình')
  const admin = { headers: { 'x-api-key': gw.keys.admin } }
  const payloads = async (): Promise<Array<{ body: string }>> => ((await (await fetch(`${gw.url}/v1/admin/dossiers/${code}/payloads`, admin)).json()) as { items: Array<{ body: string }> }).items
  t.same((await payloads()).map(p => p.body), [body])

  t.equal((await db.hget(`${tag}:d:${ref}`, 'fullHash'))?.length, 64, 'the hash as it was stored before: all 64 digits')
  t.match(await post(gw.url, key(), 'civil-status', doc), { json: { outcome: 'duplicate' } }, 'a resend is still a duplicate')
  const upd = await post(gw.url, key(), 'civil-status', { ...doc, ghiChu: 'bổ sung' })
  t.match(upd, { json: { maHoSo: code, outcome: 'updated' } })
  await waitFor(async () => await state(code) === 'delivered', { what: 'the update delivered' })
  t.equal(sim.state.dossier(code)?.updates, 1)
  const items = await payloads()
  t.equal(items.length, 2, 'the new payload and the old one')
  t.match(JSON.parse(items[0]?.body ?? '{}'), { ghiChu: 'bổ sung' })
  t.equal(items[1]?.body, body, 'the old one byte for byte')
  t.equal(await db.hexists(`${tag}:d:${ref}`, 'input'), 0, 'the record moved to the document')
  t.equal((await getDossier(gw.url, key(), code)).json.dossier.holder.name, 'Trần Văn Bình')
})
