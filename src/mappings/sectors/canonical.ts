/**
 * `system=canonical`: the sender already speaks the canonical schema. Speaking it is not
 * trusted, though: every value goes through the converters and checks the sector mappings use,
 * so that nothing accepted here can fail later on its way to the portal (a 30 February, an hour
 * 25, a commune that does not exist, a malformed citizen ID, text broken into U+FFFD).
 *
 * Division of labour: this mapping converts and checks the values it finds where the schema
 * puts them; the registry checks the shape (types, required and unknown fields) against the
 * canonical schema on the same document and merges both lists of problems, so the sender gets
 * every one at once, named by its canonical path (`holder.ids[0].number`). A value of the wrong
 * type is left to the schema. Pure: no I/O, no clock.
 *
 * Conversions are the sectors': text becomes NFC with single spaces; phone numbers and IDs lose
 * their separators; an e-mail domain is lower-cased; a blank optional value is left out. Dates
 * must already be in the canonical form (`yyyy-MM-ddTHH:mm:ss+07:00`, birth dates `yyyy-MM-dd`
 * or `yyyy`): a canonical sender has no notation of its own to be translated.
 */
import type { CanonicalInput } from '../../domain/canonical-dossier.js'
import type { AdminUnits } from '../../domain/admin-units/index.js'
import type { Conv, Reader } from '../reader.js'
import type { MapContext, SectorMapping } from '../types.js'
import {
  agencyCode, cccd, cmnd, email, enterpriseCode, isoBirthDate, isoDateTime, personName, phone, procedureCode, socialInsuranceNumber, sourceId, text, type Gender
} from '../../domain/toolkit/index.js'
import { communeCode, legacyCommune, legacyCommuneCode } from '../communes.js'

type Obj = Record<string, unknown>

const OPTIONAL = { optional: true }
const DATE_TIME = isoDateTime()
const BIRTH_DATE = isoBirthDate()
const SOURCE_ID = sourceId()
const DETAIL_TEXT = text({ min: 0 })
const PERSONAL_IDS: ReadonlySet<string> = new Set(['cccd', 'cmnd', 'social-insurance'])
const HOLDER_KINDS: ReadonlySet<string> = new Set(['citizen', 'enterprise', 'agency', 'organisation'])
/** Deeper than any sector's details section: what lies below is the schema's to refuse. */
const MAX_DETAIL_DEPTH = 8

function isObj (v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/**
 * Converts `o[key]` in place when it is a string (`r` reads the same object in the sender's
 * document, for the field path). A blank optional value is dropped, as the sectors drop it.
 */
function fix<T> (r: Reader, o: Obj, key: string, conv: Conv<T>, opts: { optional?: boolean } = {}): T | undefined {
  if (!Object.hasOwn(o, key)) return undefined
  const v = o[key]
  if (typeof v !== 'string') return undefined
  if (opts.optional === true && v.trim() === '') {
    delete o[key]
    return undefined
  }
  const out = r.convert(key, v, conv)
  if (out !== undefined) o[key] = out
  return out
}

function section (r: Reader, o: Obj, key: string, fn: (r: Reader, o: Obj) => void): void {
  const v = o[key]
  const sr = isObj(v) ? r.at(key) : undefined
  if (sr !== undefined) fn(sr, v as Obj)
}

function each (r: Reader, o: Obj, key: string, fn: (r: Reader, o: Obj) => void): void {
  const v = o[key]
  if (!Array.isArray(v)) return
  const readers = r.all(key)
  v.forEach((item, i) => {
    const ir = readers[i]
    if (isObj(item) && ir !== undefined) fn(ir, item)
  })
}

function identity (r: Reader, id: Obj, holderKind: unknown, units: AdminUnits, birth: string | undefined, gender: Gender | undefined): void {
  const type = id.type
  if (typeof type !== 'string') return
  // As the land mapping decides: a person is known by personal IDs, anything else by its enterprise code.
  if (typeof holderKind === 'string' && HOLDER_KINDS.has(holderKind) && (type === 'enterprise' || PERSONAL_IDS.has(type)) &&
      (holderKind === 'citizen') !== PERSONAL_IDS.has(type)) {
    r.fail('type', 'ID_KIND_MISMATCH',
      holderKind === 'citizen' ? 'không được là mã số doanh nghiệp khi chủ hồ sơ là công dân (citizen)' : `phải là mã số doanh nghiệp (enterprise) khi chủ hồ sơ là ${holderKind}`,
      holderKind === 'citizen' ? 'may not be an enterprise code when the holder is a citizen' : `must be an enterprise code when the holder is of kind ${holderKind}`)
    return
  }
  const conv = type === 'cccd'
    ? cccd({ provincePrefixes: units.cccdProvincePrefixes, ...(birth === undefined ? {} : { birthDate: birth }), ...(gender === undefined ? {} : { gender }) })
    : type === 'cmnd' ? cmnd() : type === 'enterprise' ? enterpriseCode() : type === 'social-insurance' ? socialInsuranceNumber() : undefined
  if (conv !== undefined) fix(r, id, 'number', conv)
}

function holder (r: Reader, h: Obj, units: AdminUnits, receivedAt: string | undefined): void {
  fix(r, h, 'name', h.kind === 'citizen' ? personName() : text({ max: 200 }))
  const birth = fix(r, h, 'birthDate', BIRTH_DATE, OPTIONAL)
  // Pure code has no clock, but the dossier has one: nobody applies before being born.
  if (birth !== undefined && receivedAt !== undefined && birth > receivedAt.slice(0, birth.length)) {
    r.fail('birthDate', 'BIRTH_AFTER_RECEIPT', `là ngày sau ngày tiếp nhận hồ sơ (${receivedAt.slice(0, 10)})`,
      `is after the day the dossier was received (${receivedAt.slice(0, 10)})`)
  }
  const gender = h.gender === 'male' || h.gender === 'female' ? h.gender : undefined
  fix(r, h, 'phone', phone(), OPTIONAL)
  fix(r, h, 'email', email(), OPTIONAL)
  section(r, h, 'address', (ar, a) => {
    fix(ar, a, 'text', text({ max: 500 }), OPTIONAL)
    fix(ar, a, 'communeCode', communeCode(units), OPTIONAL)
  })
  if (isObj(h.address) && Object.keys(h.address).length === 0) delete h.address
  each(r, h, 'ids', (ir, id) => { identity(ir, id, h.kind, units, birth, gender) })
}

/**
 * `details.<system>`: typed by each sector's schema, not sent to the portal, but stored and
 * shown. Every string is checked as text; commune codes as commune codes, and an old code with
 * no current one beside it is translated as the sectors translate it (a split commune is held
 * for an officer).
 */
function details (r: Reader, o: Obj, units: AdminUnits, depth: number): void {
  if (depth > MAX_DETAIL_DEPTH) return
  for (const key of Object.keys(o)) {
    const v = o[key]
    if (key === 'legacyCommuneCode') continue
    if (typeof v === 'string') fix(r, o, key, key === 'communeCode' ? communeCode(units) : DETAIL_TEXT)
    else if (isObj(v)) section(r, o, key, (cr, c) => { details(cr, c, units, depth + 1) })
    else if (Array.isArray(v)) {
      const readers = r.all(key)
      v.forEach((item, i) => {
        const ir = readers[i]
        if (ir === undefined) return
        if (typeof item === 'string') {
          const out = ir.convert('', item, DETAIL_TEXT)
          if (out !== undefined) v[i] = out
        } else if (isObj(item)) details(ir, item, units, depth + 1)
      })
    }
  }
  if (typeof o.legacyCommuneCode !== 'string') return
  if (Object.hasOwn(o, 'communeCode')) {
    fix(r, o, 'legacyCommuneCode', legacyCommuneCode(units))
    return
  }
  const address = typeof o.address === 'string' ? o.address : undefined
  const code = legacyCommune(r, 'legacyCommuneCode', { units, target: r.field('communeCode'), ...(address === undefined ? {} : { addressText: address }) })
  if (code !== undefined) o.communeCode = code
}

function map (r: Reader, ctx: MapContext): CanonicalInput {
  const units = ctx.adminUnits
  const doc = r.document
  // Not an object: the schema says so.
  if (!isObj(doc)) return doc as CanonicalInput
  const out = structuredClone(doc)
  fix(r, out, 'sourceId', SOURCE_ID)
  const receivedAt = fix(r, out, 'receivedAt', DATE_TIME)
  fix(r, out, 'dueAt', DATE_TIME)
  fix(r, out, 'returnedAt', DATE_TIME, OPTIONAL)
  fix(r, out, 'summary', text({ max: 1000 }))
  fix(r, out, 'handlingUnit', text({ max: 255 }), OPTIONAL)
  fix(r, out, 'note', text({ max: 2000 }), OPTIONAL)
  section(r, out, 'procedure', (pr, p) => {
    fix(pr, p, 'code', procedureCode())
    fix(pr, p, 'name', text({ max: 500 }), OPTIONAL)
    fix(pr, p, 'domainCode', text({ max: 50 }), OPTIONAL)
  })
  section(r, out, 'agency', (ar, a) => {
    fix(ar, a, 'code', agencyCode())
    fix(ar, a, 'name', text({ max: 255 }), OPTIONAL)
    fix(ar, a, 'communeCode', communeCode(units))
  })
  section(r, out, 'holder', (hr, h) => { holder(hr, h, units, receivedAt) })
  section(r, out, 'step', (sr, s) => {
    fix(sr, s, 'at', DATE_TIME, OPTIONAL)
    fix(sr, s, 'officer', text({ max: 50 }), OPTIONAL)
    fix(sr, s, 'title', text({ max: 100 }), OPTIONAL)
    fix(sr, s, 'department', text({ max: 255 }), OPTIONAL)
    fix(sr, s, 'content', text({ max: 1000 }), OPTIONAL)
  })
  each(r, out, 'documents', (dr, d) => {
    fix(dr, d, 'id', text({ max: 100 }))
    fix(dr, d, 'name', text({ max: 255 }))
    fix(dr, d, 'url', text({ max: 2000 }))
    fix(dr, d, 'componentCode', text({ max: 50 }), OPTIONAL)
    fix(dr, d, 'mimeType', text({ max: 100 }), OPTIONAL)
  })
  each(r, out, 'fees', (fr, f) => {
    fix(fr, f, 'name', text({ max: 255 }))
    fix(fr, f, 'code', text({ max: 50 }), OPTIONAL)
  })
  fix(r, out, 'receiptNumber', text({ max: 100 }), OPTIONAL)
  for (const key of ['submittedAt', 'finishedAt', 'refusedAt']) fix(r, out, key, DATE_TIME, OPTIONAL)
  each(r, out, 'supplements', (sr, s) => {
    fix(sr, s, 'id', text({ max: 50 }))
    fix(sr, s, 'requestedBy', text({ max: 255 }), OPTIONAL)
    fix(sr, s, 'content', text({ max: 1000 }))
    fix(sr, s, 'requestedAt', DATE_TIME)
    fix(sr, s, 'previousDueAt', DATE_TIME)
    fix(sr, s, 'receivedAt', DATE_TIME, OPTIONAL)
    fix(sr, s, 'newDueAt', DATE_TIME, OPTIONAL)
  })
  each(r, out, 'results', (rr, d) => {
    fix(rr, d, 'name', text({ max: 255 }))
    fix(rr, d, 'code', text({ max: 100 }))
    fix(rr, d, 'url', text({ max: 2000 }))
    fix(rr, d, 'componentCode', text({ max: 50 }), OPTIONAL)
  })
  section(r, out, 'details', (dr, d) => { details(dr, d, units, 1) })
  return out as CanonicalInput
}

const mapping: SectorMapping = {
  system: 'canonical',
  title: { vi: 'Định dạng chuẩn', en: 'Canonical format' },
  version: '1.2.0',
  format: 'json',
  linkField: 'maHoSo',
  map
}
export default mapping
