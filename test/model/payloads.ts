/** The payloads the model-based test sends: canonical dossiers, the linked civil-status one, due dates. */
import { readFileSync } from 'node:fs'
import { civilStatus } from '../../support/samples.js'
import { DAY, HOUR, localDate, localIso } from './model.js'
import { AGENCIES, COMMUNES, SIM_BODY_LIMIT } from './world.js'

const SAMPLE = JSON.parse(readFileSync(new URL('../../fixtures/canonical/sample.input.json', import.meta.url), 'utf8')) as Record<string, unknown>

/** A due date `hours` from the run's start: a date-time on the half hour, or a whole local day (23:59:59). */
export interface DueSpec { hours: number, dateOnly: boolean }

/** `iso` is a date-time (what the canonical format takes); `short` the date alone when the spec says so (events take it). */
export function dueOf (wall: number, s: DueSpec): { due: number, iso: string, short: string } {
  if (s.dateOnly) {
    // A day other than today: 23:59:59 of it is never within minutes of the run's clock.
    const days = Math.sign(s.hours) * Math.max(1, Math.round(Math.abs(s.hours) / 24))
    const date = localDate(wall + days * DAY)
    const iso = `${date}T23:59:59+07:00`
    return { due: Date.parse(iso), iso, short: date }
  }
  const due = wall + s.hours * HOUR + HOUR / 2
  return { due, iso: localIso(due), short: localIso(due) }
}

export interface CanonicalSpec {
  sourceId: string
  agency: number
  commune: string
  channel: 'in-person' | 'online'
  status: string
  receivedAt: number
  dueIso: string
  summary: string
  stepAt?: number
  big?: boolean
}

export function canonicalDoc (s: CanonicalSpec): Record<string, unknown> {
  const { returnedAt: _r, step: _s, ...base } = SAMPLE
  const agency = AGENCIES[s.agency] ?? AGENCIES[0]
  const doc: Record<string, unknown> = {
    ...base,
    sourceId: s.sourceId,
    agency: { code: agency, name: 'UBND phường thử nghiệm', communeCode: s.commune },
    channel: s.channel,
    status: s.status,
    receivedAt: localIso(s.receivedAt),
    dueAt: s.dueIso,
    summary: s.summary,
    ...(s.stepAt === undefined ? {} : { step: { at: localIso(s.stepAt) } })
  }
  if (s.big === true) {
    // 100 attachments with long addresses: over the simulator's body limit on their own.
    const url = `https://hotich.example/tep/${'x'.repeat(1900)}`
    doc.documents = Array.from({ length: 100 }, (_, i) => ({ id: `TL-${i}`, name: `Tệp ${i}.pdf`, url: `${url}/${i}`, componentCode: 'GCS', mimeType: 'application/pdf', size: 1000 + i }))
    if (JSON.stringify(doc).length < SIM_BODY_LIMIT) throw new Error('the big dossier is not big enough')
  }
  return doc
}

/** The civil-status system's own copy of an online dossier, posted with `X-Ma-Ho-So`. */
export function linkedDoc (n: number, commune: string, receivedAt: number, dueIso: string): Record<string, unknown> {
  const d = civilStatus(`MODEL-${n}`)
  return {
    ...d,
    coQuanDangKy: { maDinhDanh: AGENCIES[0], maXa: commune, ten: 'UBND phường thử nghiệm' },
    ngayTiepNhan: localIso(receivedAt),
    ngayHenTra: dueIso,
    trangThai: 'TIEP_NHAN'
  }
}

const LAND = readFileSync(new URL('../../fixtures/land/split-commune-review.input.xml', import.meta.url), 'utf8')
/** The new communes the split old commune of the land fixture went to. */
export const SPLIT_CANDIDATES = ['18754', '18823', '18832'] as const
export const LAND_AGENCY = '000.00.12.H42'
export const LAND_COMMUNE = '18601'

/** The land fixture whose parcel lies in a split old commune: held for an admin's decision. */
export function landReviewXml (sourceId: string, receivedAt: number, dueDate: string): string {
  const [y, mo, d] = dueDate.split('-')
  const r = localIso(receivedAt)
  return LAND.replace(/<MaHoSoNganh>[^<]*</, `<MaHoSoNganh>${sourceId}<`)
    .replace(/<NgayNhan>[^<]*</, `<NgayNhan>${r.slice(8, 10)}/${r.slice(5, 7)}/${r.slice(0, 4)} ${r.slice(11, 16)}<`)
    .replace(/<NgayHenTra>[^<]*</, `<NgayHenTra>${String(d)}/${String(mo)}/${String(y)}<`)
}

/** `yyyyMMddHHmmss`, local time, as the portal writes dates. */
export function portalDate (ms: number): string { return localIso(ms).slice(0, 19).replace(/\D/g, '') }

export const commune = (i: number): string => COMMUNES[i % COMMUNES.length] ?? '18754'
