/**
 * Canonical dossier, schema v1: the one shape every sector format is normalized into, and the
 * single source of truth for its TypeScript type. Field-by-field mapping to the portal's `HoSo`
 * is documented in docs/canonical-dossier.md and implemented in src/mappings/to-portal.ts.
 *
 * Dates inside the gateway are ISO 8601 local time with the explicit +07:00 offset.
 */
import { Type, type Static, type TSchema } from 'typebox'

export const CANONICAL_SCHEMA_VERSION = 1

export const IsoDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+07:00$',
  description: 'ISO 8601 local time with +07:00, e.g. 2025-07-01T08:15:00+07:00'
})
export const AgencyCode = Type.String({
  pattern: '^[0-9A-Z]{1,5}(\\.[0-9A-Z]{1,5}){1,6}$', maxLength: 30, description: 'agency identifier code, e.g. 000.00.12.H42'
})
export const CommuneCode = Type.String({ pattern: '^\\d{5}$', description: '5-digit commune code (2025 units)' })
export const ProcedureCode = Type.String({
  pattern: '^\\d\\.\\d{6}(\\.[0-9A-Z]{1,5}){0,6}$', maxLength: 50, description: 'national procedure catalogue code'
})
export const StatusCode = Type.Union([
  Type.Literal('1'), Type.Literal('2'), Type.Literal('3'), Type.Literal('4'), Type.Literal('5'),
  Type.Literal('6'), Type.Literal('7'), Type.Literal('8'), Type.Literal('9'), Type.Literal('10')
], { description: 'portal status code (TrangThaiHoSo)' })

export const Channel = Type.Union([Type.Literal('in-person'), Type.Literal('online'), Type.Literal('postal')])
export const HolderKind = Type.Union([
  Type.Literal('citizen'), Type.Literal('enterprise'), Type.Literal('agency'), Type.Literal('organisation')
])
export const IdType = Type.Union([
  Type.Literal('cccd'), Type.Literal('cmnd'), Type.Literal('enterprise'), Type.Literal('social-insurance')
])

export const Identity = Type.Object({
  type: IdType,
  number: Type.String({ minLength: 1, maxLength: 20 })
}, { additionalProperties: false })

export const Holder = Type.Object({
  kind: HolderKind,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  ids: Type.Array(Identity, { maxItems: 5 }),
  birthDate: Type.Optional(Type.String({ pattern: '^\\d{4}(-\\d{2}-\\d{2})?$', description: 'YYYY-MM-DD, or a year alone' })),
  gender: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female')])),
  phone: Type.Optional(Type.String({ pattern: '^0\\d{9,10}$' })),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  address: Type.Optional(Type.Object({
    text: Type.Optional(Type.String({ maxLength: 500 })),
    communeCode: Type.Optional(CommuneCode)
  }, { additionalProperties: false }))
}, { additionalProperties: false })

export const Document = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  name: Type.String({ minLength: 1, maxLength: 255 }),
  url: Type.String({ minLength: 1, maxLength: 2000 }),
  componentCode: Type.Optional(Type.String({ maxLength: 50 })),
  mimeType: Type.Optional(Type.String({ maxLength: 100 })),
  size: Type.Optional(Type.Integer({ minimum: 0 })),
  sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  /** Digitised at intake (the portal's `DuocSoHoa`); left out when the sender does not say. */
  digitised: Type.Optional(Type.Boolean()),
  /** Reused from an earlier result or a national database (`DuocTaiSuDung`). */
  reused: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

export const Fee = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  code: Type.Optional(Type.String({ maxLength: 50 })),
  amount: Type.Integer({ minimum: 0, maximum: 1e12, description: 'VND' }),
  collectedAt: Type.Union([Type.Literal('intake'), Type.Literal('supplement'), Type.Literal('return')]),
  paid: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

/** Optional information on who moved the dossier to its current status (feeds the portal's TienDo). */
export const StepInfo = Type.Object({
  at: Type.Optional(IsoDateTime),
  officer: Type.Optional(Type.String({ maxLength: 50 })),
  title: Type.Optional(Type.String({ maxLength: 100 })),
  department: Type.Optional(Type.String({ maxLength: 255 })),
  content: Type.Optional(Type.String({ maxLength: 1000 }))
}, { additionalProperties: false })

/**
 * A supplement request (`DanhSachHoSoBoSung`): open while `receivedAt` is absent. The due date
 * before it, and the new one set when the supplement arrived, if any.
 */
export const Supplement = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 50 }),
  requestedAt: IsoDateTime,
  requestedBy: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  content: Type.String({ minLength: 1, maxLength: 1000 }),
  receivedAt: Type.Optional(IsoDateTime),
  previousDueAt: IsoDateTime,
  newDueAt: Type.Optional(IsoDateTime)
}, { additionalProperties: false })

/** A result document (`DanhSachGiayToKetQua`). */
export const ResultDocument = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  code: Type.String({ minLength: 1, maxLength: 100 }),
  url: Type.String({ minLength: 1, maxLength: 2000 }),
  componentCode: Type.Optional(Type.String({ minLength: 1, maxLength: 50 }))
}, { additionalProperties: false })

const baseFields = {
  procedure: Type.Object({
    code: ProcedureCode,
    name: Type.Optional(Type.String({ maxLength: 500 })),
    domainCode: Type.Optional(Type.String({ maxLength: 50 }))
  }, { additionalProperties: false }),
  agency: Type.Object({
    code: AgencyCode,
    name: Type.Optional(Type.String({ maxLength: 255 })),
    communeCode: CommuneCode
  }, { additionalProperties: false }),
  channel: Channel,
  holder: Holder,
  summary: Type.String({ minLength: 1, maxLength: 1000 }),
  receivedAt: IsoDateTime,
  dueAt: IsoDateTime,
  returnedAt: Type.Optional(IsoDateTime),
  status: StatusCode,
  step: Type.Optional(StepInfo),
  handlingUnit: Type.Optional(Type.String({ maxLength: 255 })),
  documents: Type.Array(Document, { maxItems: 100 }),
  fees: Type.Array(Fee, { maxItems: 50 }),
  paidOnline: Type.Boolean(),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
  // Optional HoSo fields of the contract (additive: schema v1 still). Left out when unknown.
  receiptNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  submittedAt: Type.Optional(IsoDateTime),
  finishedAt: Type.Optional(IsoDateTime),
  refusedAt: Type.Optional(IsoDateTime),
  digitised: Type.Optional(Type.Boolean()),
  supplements: Type.Optional(Type.Array(Supplement, { maxItems: 50 })),
  results: Type.Optional(Type.Array(ResultDocument, { maxItems: 100 }))
}

export const SourceId = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\s]+$' })

/**
 * Builds the input schema, with one typed `details` section per registered sector system.
 * `details` is composed from the mappings so that a new sector adds its section in its own file.
 */
export function canonicalInputSchema (details: Record<string, TSchema>) {
  const sections: Record<string, TSchema> = {}
  for (const [system, schema] of Object.entries(details)) sections[system] = Type.Optional(schema)
  return Type.Object({
    sourceId: SourceId,
    ...baseFields,
    details: Type.Optional(Type.Object(sections, { additionalProperties: false }))
  }, { additionalProperties: false, $id: 'CanonicalDossierInput' })
}

/** The input type with details left open; each mapping narrows its own section. */
export const CanonicalInputBase = Type.Object({
  sourceId: SourceId,
  ...baseFields,
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
})
export type CanonicalInput = Static<typeof CanonicalInputBase>

export const Provenance = Type.Object({
  system: Type.String(),
  clientId: Type.String(),
  sourceId: SourceId,
  payloadSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  mappingVersion: Type.String(),
  contentType: Type.String(),
  receivedAt: IsoDateTime
}, { additionalProperties: false })
export type Provenance = Static<typeof Provenance>

export const CanonicalDossier = Type.Object({
  schemaVersion: Type.Literal(CANONICAL_SCHEMA_VERSION),
  maHoSo: Type.String({ maxLength: 50 }),
  ...baseFields,
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  provenance: Provenance
})
export type CanonicalDossier = Static<typeof CanonicalDossier>
export type Holder = Static<typeof Holder>
export type DocumentRef = Static<typeof Document>
export type Fee = Static<typeof Fee>
export type StatusCode = Static<typeof StatusCode>
export type StepInfo = Static<typeof StepInfo>
export type Supplement = Static<typeof Supplement>
export type ResultDocument = Static<typeof ResultDocument>
