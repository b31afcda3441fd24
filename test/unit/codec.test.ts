import t from 'tap'
import { createHash } from 'node:crypto'
import { deflateRawSync } from 'node:zlib'
import { DICTIONARY_V1 } from '../../src/store/codec-dictionary.js'
import { decodeDoc, decodeRaw, encodeDoc, encodeRaw, type RawMeta } from '../../src/store/codec.js'
import { CorruptRecordError, parseDossier } from '../../src/store/records.js'
import type { CanonicalInput, Provenance } from '../../src/domain/canonical-dossier.js'
import { sample } from '../../support/samples.js'

const body = sample('civil-status.json')
const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')
const meta: RawMeta = { receivedAt: '2025-07-02T09:31:00+07:00', clientId: 'hotich-songtri', contentType: 'application/json', sha256: sha(body), mappingVersion: 'civil-status@1.0.0' }
const input = { sourceId: 'HT-1', agency: { code: '000.00.31.H42', communeCode: '18754', name: 'UBND phường Sông Trí' }, status: '2', summary: 'Đăng ký khai sinh cho Trần Minh Khôi' } as unknown as CanonicalInput
const provenance: Provenance = { system: 'civil-status', clientId: 'hotich-songtri', sourceId: 'HT-1', payloadSha256: sha(body), mappingVersion: 'civil-status@1.0.0', contentType: 'application/json', receivedAt: meta.receivedAt }

t.test('a payload round-trips byte for byte, and is stored smaller', async t => {
  const b = encodeRaw(meta, body)
  t.same(decodeRaw(b), { ...meta, body })
  t.ok(b.length < Buffer.byteLength(body) * 0.6, `${b.length} bytes for a ${Buffer.byteLength(body)}-byte payload`)
  t.equal(b[0], 1, 'the codec version leads')
})

t.test('a hash that is not the body\'s is kept as given', async t => {
  const odd = { ...meta, sha256: 'f'.repeat(64) }
  t.same(decodeRaw(encodeRaw(odd, body)), { ...odd, body })
})

t.test('a document round-trips: record, provenance and payload; without a payload too', async t => {
  const d = decodeDoc(encodeDoc({ input, provenance, raw: { ...meta, body } }))
  t.same(d, { input, provenance, raw: { ...meta, body } })
  const bare = decodeDoc(encodeDoc({ input, provenance }))
  t.same(bare, { input, provenance })
  t.equal(decodeRaw(encodeDoc({ input, provenance })), undefined, 'an earlier document without a payload adds none')
  t.same(decodeRaw(encodeDoc({ input, provenance, raw: { ...meta, body } })), { ...meta, body }, 'an earlier document gives its payload')
})

t.test('provenance other than what the payload implies (an operator\'s edit beside the sender\'s record) is kept', async t => {
  const edit = { receivedAt: '2025-08-01T10:00:00+07:00', clientId: 'ops-hatinh', contentType: 'application/json', sha256: sha('{}'), mappingVersion: 'canonical@1.0.0', body: '{}' }
  const d = decodeDoc(encodeDoc({ input, provenance, raw: edit }))
  t.same(d.provenance, provenance)
  t.same(Object.keys(d.provenance), Object.keys(provenance), 'in the usual order')
  t.same(d.raw, edit)
})

t.test('text of any script, newlines and all, survives', async t => {
  const odd = '{"a":"Nguyễn Thị Ánh\\n","b":"中文 😀"}\n\n\r\nend'
  t.same(decodeRaw(encodeRaw(meta, odd))?.body, odd)
})

t.test('values written before compression are read as they are (no data loss on upgrade)', async t => {
  const legacy = `${JSON.stringify(meta)}\n${body}`
  t.same(decodeRaw(legacy), { ...meta, body }, 'as a string')
  t.same(decodeRaw(Buffer.from(legacy, 'utf8')), { ...meta, body }, 'as bytes')
})

t.test('an unknown format is an error, not a wrong payload', async t => {
  t.throws(() => decodeRaw(Buffer.from([9, 0x72, 1, 2, 3])), /unknown stored record format/)
  t.throws(() => decodeDoc(encodeRaw(meta, body)), /not a dossier document/)
})

t.test('a record read lazily inflates its document on first use, and an unreadable one says so there', async t => {
  const h = { maHoSo: '000.00.31.H42-250702-00001', status: '2', state: 'pending', revision: '1' }
  const bytes = encodeDoc({ input, provenance, raw: { ...meta, body } })
  const eager = parseDossier('000.00.31.H42', 'civil-status:HT-1', h, bytes)
  const lazy = parseDossier('000.00.31.H42', 'civil-status:HT-1', h, bytes, { lazy: true })
  t.same(lazy?.input, eager?.input)
  t.same(lazy?.provenance, eager?.provenance)
  t.equal(lazy?.clientId, 'hotich-songtri', 'the client comes from the provenance')
  t.same(lazy?.latestRaw, { ...meta, body })
  const bad = parseDossier('000.00.31.H42', 'civil-status:HT-1', h, Buffer.from([1, 0x64, 0xff, 0xfe]), { lazy: true })
  t.equal(bad?.maHoSo, h.maHoSo, 'the record itself is there')
  t.throws(() => bad?.input, CorruptRecordError)
  t.throws(() => parseDossier('000.00.31.H42', 'civil-status:HT-1', h, Buffer.from([1, 0x64, 0xff, 0xfe])), CorruptRecordError, 'read eagerly, it fails at once')
})

t.test('records compressed with the full 32 KiB window (before the window was fitted to the record) read as before', async t => {
  // Exactly what pack() wrote until 2026-12-08: the version, the kind, deflateRaw with the dictionary.
  const old = (kind: number, text: string): Buffer => Buffer.concat([Buffer.from([1, kind]), deflateRawSync(Buffer.from(text, 'utf8'), { dictionary: Buffer.from(DICTIONARY_V1, 'utf8') })])
  const { sha256: _implied, ...stored } = meta
  t.same(decodeRaw(old(0x72, `${JSON.stringify(stored)}\n${body}`)), { ...meta, body }, 'a payload')
  t.same(decodeDoc(old(0x64, `${JSON.stringify(input)}\n${JSON.stringify(provenance)}\n`)), { input, provenance }, 'a document')
  const now = encodeRaw(meta, body)
  t.ok(now.length <= old(0x72, `${JSON.stringify(stored)}\n${body}`).length, 'and no larger now')
})

t.test('a payload larger than any fitted window round-trips', async t => {
  const big = JSON.stringify({ items: Array.from({ length: 3000 }, (_, i) => ({ i, name: `Nguyễn Văn ${i}`, note: 'x'.repeat(i % 50) })) })
  t.ok(big.length > 100_000)
  t.same(decodeRaw(encodeRaw({ ...meta, sha256: sha(big) }, big)), { ...meta, sha256: sha(big), body: big })
})
