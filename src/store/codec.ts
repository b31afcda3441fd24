/**
 * How records kept for audit are stored: deflate (node:zlib) with a preset dictionary
 * (codec-dictionary.ts), as bytes. A stored value starts with two bytes: the codec version
 * (1: deflateRaw with DICTIONARY_V1) and its kind ('r' a payload as received, 'd' the dossier's
 * document: canonical record, provenance and, when there is one, the payload behind them).
 * Values written before compression existed are UTF-8 text starting with `{`; they are read as
 * they are, so an upgrade loses nothing and rewrites nothing.
 *
 * Deflate rather than brotli: on these 1–2 KB records brotli's smaller output (about 5 %) costs
 * 10–100 times the CPU at the qualities that reach it, and node:zlib's brotli takes no dictionary.
 */
import { hash } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { DICTIONARY_V1 } from './codec-dictionary.js'
import type { CanonicalInput, Provenance } from '../domain/canonical-dossier.js'

export interface RawMeta { receivedAt: string, clientId: string, contentType: string, sha256: string, mappingVersion: string }
export type RawPayload = RawMeta & { body: string }

/** The dossier's current document: what delivery and the API read, and the payload behind it. */
export interface DossierDoc { input: CanonicalInput, provenance: Provenance, raw?: RawPayload }

const V1 = 1
const KIND_RAW = 0x72 // 'r'
const KIND_DOC = 0x64 // 'd'
const LEGACY = 0x7b // '{': a value written before compression
const DICT = Buffer.from(DICTIONARY_V1, 'utf8')

let lastText: string | undefined
let lastHash = ''

/**
 * SHA-256 of a payload, hex. The one before is remembered: intake hashes a payload, then
 * encodes it with its record, which hashes it again twice (provenance and metadata implied).
 */
export function sha256 (s: string): string {
  if (s !== lastText) {
    lastHash = hash('sha256', s, 'hex')
    lastText = s
  }
  return lastHash
}

/** Deflate's headroom past the window (zlib's MIN_LOOKAHEAD). */
const LOOKAHEAD = 262

/**
 * The smallest window (2^9 to 2^15 bytes) that holds the dictionary and the whole text: every
 * match the largest would find, from a context a quarter or less of its size, which is most of
 * the cost of one call on a 2 KB record (its memory set up and torn down). The stream is plain
 * deflate, read with the largest window like every record before it.
 */
function windowBits (bytes: number): number {
  return Math.min(15, Math.max(9, Math.ceil(Math.log2(bytes + DICT.length + LOOKAHEAD))))
}

function pack (kind: number, text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8')
  const z = deflateRawSync(bytes, { dictionary: DICT, windowBits: windowBits(bytes.length) })
  const out = Buffer.allocUnsafe(z.length + 2)
  out[0] = V1
  out[1] = kind
  z.copy(out, 2)
  return out
}

function unpack (b: Buffer): { kind: number, text: string } {
  if (b[0] === LEGACY) return { kind: LEGACY, text: b.toString('utf8') }
  if (b[0] !== V1 || b.length < 2) throw new Error(`unknown stored record format ${b[0] ?? 'empty'}`)
  return { kind: b[1] as number, text: inflateRawSync(b.subarray(2), { dictionary: DICT }).toString('utf8') }
}

/** `meta\nbody`; the body's SHA-256 is left out when it is the body's (it is derived again on read). */
function rawText (p: RawPayload): string {
  const { body, ...meta } = p
  const m: Partial<RawMeta> = { ...meta }
  if (m.sha256 === sha256(body)) delete m.sha256
  return `${JSON.stringify(m)}\n${body}`
}

function readRawText (s: string): RawPayload {
  const i = s.indexOf('\n')
  const meta = JSON.parse(s.slice(0, i)) as Partial<RawMeta>
  const body = s.slice(i + 1)
  return { ...meta, sha256: meta.sha256 ?? sha256(body), body } as RawPayload
}

/** One payload as received, with its metadata, as stored in the dossier's list of earlier revisions. */
export function encodeRaw (meta: RawMeta, body: string): Buffer {
  return pack(KIND_RAW, rawText({ ...meta, body }))
}

/** The provenance a document's payload implies; only what differs from it is stored. */
function implied (input: CanonicalInput, raw: RawPayload): Omit<Provenance, 'system'> {
  return { clientId: raw.clientId, sourceId: input.sourceId, payloadSha256: raw.sha256, mappingVersion: raw.mappingVersion, contentType: raw.contentType, receivedAt: raw.receivedAt }
}

export function encodeDoc (d: DossierDoc): Buffer {
  let prov: Partial<Provenance> = d.provenance
  if (d.raw !== undefined) {
    const base = implied(d.input, { ...d.raw, sha256: sha256(d.raw.body) }) as Partial<Provenance>
    prov = Object.fromEntries(Object.entries(d.provenance).filter(([k, v]) => base[k as keyof Provenance] !== v))
  }
  return pack(KIND_DOC, `${JSON.stringify(d.input)}\n${JSON.stringify(prov)}\n${d.raw === undefined ? '' : rawText(d.raw)}`)
}

export function decodeDoc (b: Buffer): DossierDoc {
  const { kind, text } = unpack(b)
  if (kind !== KIND_DOC) throw new Error('not a dossier document')
  const i = text.indexOf('\n')
  const j = text.indexOf('\n', i + 1)
  const input = JSON.parse(text.slice(0, i)) as CanonicalInput
  const prov = JSON.parse(text.slice(i + 1, j)) as Provenance
  const rest = text.slice(j + 1)
  if (rest === '') return { input, provenance: prov }
  const raw = readRawText(rest)
  const base = implied(input, raw)
  // In the order provenance is written everywhere else.
  const provenance: Provenance = {
    system: prov.system,
    clientId: prov.clientId ?? base.clientId,
    sourceId: prov.sourceId ?? base.sourceId,
    payloadSha256: prov.payloadSha256 ?? base.payloadSha256,
    mappingVersion: prov.mappingVersion ?? base.mappingVersion,
    contentType: prov.contentType ?? base.contentType,
    receivedAt: prov.receivedAt ?? base.receivedAt
  }
  return { input, provenance, raw }
}

/**
 * A stored payload of any generation: a compressed payload, an earlier document (its payload),
 * or a legacy `meta\nbody` text. Undefined for a document that carried no payload.
 */
export function decodeRaw (b: Buffer | string): RawPayload | undefined {
  const { kind, text } = unpack(typeof b === 'string' ? Buffer.from(b, 'utf8') : b)
  if (kind === KIND_DOC) return decodeDoc(typeof b === 'string' ? Buffer.from(b, 'utf8') : b).raw
  if (kind === LEGACY) {
    const i = text.indexOf('\n')
    return { ...JSON.parse(text.slice(0, i)) as RawMeta, body: text.slice(i + 1) }
  }
  if (kind !== KIND_RAW) throw new Error('not a stored payload')
  return readRawText(text)
}
