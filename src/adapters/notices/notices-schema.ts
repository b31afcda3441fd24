/**
 * The notices file's schema (`NOTICES_FILE`, JSON): per agency the kinds it sends, the channel
 * order, ZNS templates, the SMS brandname and templates, the e-mail sender, quiet hours and the
 * centre's name and address for the apology letter. Loaded by notices-file.ts.
 */
import { Type, type Static } from 'typebox'
import { HH_MM } from './quiet-hours.js'

import { NOTICE_KINDS, CHANNELS, type NoticeKind } from '../../domain/notices/kinds.js'

export { NOTICE_KINDS, CHANNELS, type NoticeKind }

const Kind = Type.Union(NOTICE_KINDS.map(k => Type.Literal(k)))
const Channel = Type.Union(CHANNELS.map(c => Type.Literal(c)))
const Text = (maxLength: number): ReturnType<typeof Type.String> => Type.String({ minLength: 1, maxLength })

const ZnsTemplateSchema = Type.Object({
  id: Type.String({ pattern: '^[0-9]{1,20}$' }),
  params: Type.Array(Type.Object({
    name: Type.String({ pattern: '^[A-Za-z0-9_]{1,50}$' }),
    type: Type.Union([Type.Literal('STRING'), Type.Literal('NUMBER'), Type.Literal('DATE')]),
    maxLength: Type.Integer({ minimum: 1, maximum: 400 })
  }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
  /** The approved text with `<name>` where each parameter goes (the rendered length is checked on it). */
  text: Text(2000)
}, { additionalProperties: false })

/** One template per kind the agency sends, for each channel that needs one. */
const PerKind = <T extends Parameters<typeof Type.Optional>[0]>(t: T): ReturnType<typeof Type.Object> =>
  Type.Object(Object.fromEntries(NOTICE_KINDS.map(k => [k, Type.Optional(t)])), { additionalProperties: false })

export const AgencyNotices = Type.Object({
  /** An agency code (`000.00.31.H42`). */
  agency: Type.String({ pattern: '^[0-9A-Z]{1,5}(\\.[0-9A-Z]{1,5}){1,6}$', maxLength: 30 }),
  /** The kinds this agency sends; default all six. */
  kinds: Type.Optional(Type.Array(Kind, { minItems: 1, maxItems: 6, uniqueItems: true })),
  /** The order channels are tried in; default zns, sms, email. */
  channels: Type.Optional(Type.Array(Channel, { minItems: 1, maxItems: 3, uniqueItems: true })),
  /** Local time (Asia/Ho_Chi_Minh) when ZNS and SMS wait; default 21:00–07:00. */
  quietHours: Type.Optional(Type.Object({ start: Type.String({ pattern: HH_MM }), end: Type.String({ pattern: HH_MM }) }, { additionalProperties: false })),
  /** For the apology letter and the messages. */
  centre: Type.Object({
    parentAgency: Type.Optional(Text(48)),
    name: Text(48),
    unit: Type.Optional(Text(48)),
    place: Text(60),
    address: Text(120),
    signerTitle: Text(48),
    signerName: Type.Optional(Text(50))
  }, { additionalProperties: false }),
  zns: Type.Optional(Type.Object({ templates: PerKind(ZnsTemplateSchema) }, { additionalProperties: false })),
  sms: Type.Optional(Type.Object({
    brandname: Type.String({ pattern: '^[A-Za-z0-9 ._-]{1,11}$' }),
    /** The text registered with the carriers, without diacritics, with `{name}` or `{name,N}`. */
    templates: PerKind(Text(612))
  }, { additionalProperties: false })),
  email: Type.Optional(Type.Object({
    from: Type.String({ pattern: '^[^\\s@<>]+@[^\\s@<>]+\\.[^\\s@<>]+$', maxLength: 254 }),
    fromName: Type.Optional(Text(100))
  }, { additionalProperties: false })),
  /** The rating page a `returned` notice links to. */
  ratingUrl: Type.Optional(Type.String({ pattern: '^https?://\\S+$', maxLength: 200 }))
}, { additionalProperties: false })

export const NoticesFile = Type.Object({
  /** Hours after the due date before a dossier without a new one is listed as owing an apology; default 24. */
  apologyGraceHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 720 })),
  /** Days the letter's signed link stays valid; default 30. */
  letterLinkDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  agencies: Type.Array(AgencyNotices, { maxItems: 5000 })
}, { additionalProperties: false })

export type NoticesFileDoc = Static<typeof NoticesFile>
