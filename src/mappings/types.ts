/**
 * The contract between adapters (which parse and speak protocols) and mappings (pure functions
 * from a sender's document to the canonical dossier). Mappings do no I/O and no logging.
 */
import type { TSchema } from 'typebox'
import type { CanonicalInput } from '../domain/canonical-dossier.js'
import type { FieldIssue } from '../domain/errors.js'
import type { Reader } from './reader.js'
import type { AdminUnits } from '../domain/admin-units/index.js'

export type SourceFormat = 'json' | 'xml' | 'soap'

export type { XNode } from './xnode.js'
import type { ReviewItem } from '../domain/review.js'
export type { ReviewItem }

export interface MapContext {
  adminUnits: AdminUnits
  /** SOAP formats: a reader over the envelope's Header, when the sender sent one. */
  soapHeader?: Reader
}

/**
 * A sector's words for its `details` section, by path below `details.<system>.`: field labels,
 * which fields hold coded values (kind), and the words of its own code lists.
 */
export interface SectorWords {
  labels?: Record<string, readonly [string, string]>
  kinds?: Record<string, string>
  values?: Record<string, Record<string, readonly [string, string]>>
}

export interface SectorMapping {
  /** The `:system` of `POST /v1/inbound/:system`. */
  system: string
  /** The system's name as an officer reads it (the admin page, the CLI): Hộ tịch, Đất đai… */
  title: { vi: string, en: string }
  /** Words for its own section (`details[system]`), so that a new sector is one file. */
  words?: SectorWords
  /** Semantic version of this mapping; stored on every dossier it produced. */
  version: string
  format: SourceFormat
  /** XML formats: the expected root element (local name) and namespace URI. */
  xml?: { root: string, namespace: string }
  /** SOAP formats: the operation element in the Body (its reply is `<operation>Response`). */
  soapOperation?: string
  /**
   * Where the sender's document carries the agency code, as a Reader path
   * (`coQuanDangKy/maDinhDanh`, `DonViTiepNhan/@maDinhDanh`): a refusal about the agency
   * (a key not bound to it) names that field in the sender's terms. Default `agency/code`,
   * the canonical path. test/mappings/agency-field.test.ts checks it against each sample.
   */
  agencyField?: string
  /**
   * JSON formats: a top-level field that names the online dossier (the portal's MaHoSo) this
   * dossier is, like the `X-Ma-Ho-So` header. Taken out of the document before `map` runs.
   */
  linkField?: string
  /** Like `agencyField`, for the status: a refused transition names it. Default `status`. */
  statusField?: string
  /** Typed section for `details[system]` in the canonical schema. */
  detailsSchema?: TSchema
  /**
   * Pure function over the sender's document. Problems go to `r.fail(...)`; the result is
   * ignored when any were recorded. Codes that need a person go to `r.review(...)`.
   */
  map: (r: Reader, ctx: MapContext) => CanonicalInput
}

export type MapOutcome =
  | { ok: true, dossier: CanonicalInput, review: ReviewItem[] }
  | { ok: false, issues: FieldIssue[] }
