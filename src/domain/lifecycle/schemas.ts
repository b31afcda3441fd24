/**
 * The lifecycle of a dossier (what events did to it, stored apart from what the sector sent)
 * and the events of `POST /v1/dossiers/:maHoSo/events`, as TypeBox schemas. Event schemas
 * describe the body after its text was normalised (NFC, single spaces) and before its dates
 * were: `parseEvent` (parse-event.ts) checks them, then converts dates to ISO +07:00.
 */
import { Type, type Static } from 'typebox'
import { IsoDateTime, ResultDocument, StatusCode, Supplement } from '../canonical-dossier.js'

export const MAX_SUPPLEMENTS = 50
export const MAX_RESULTS = 100
export const MAX_RESULTS_PER_EVENT = 50

export const Lifecycle = Type.Object({
  supplements: Type.Array(Supplement, { maxItems: MAX_SUPPLEMENTS }),
  results: Type.Array(ResultDocument, { maxItems: MAX_RESULTS }),
  /** A due date set by an event; overrides the sector's `dueAt`. */
  dueAt: Type.Optional(IsoDateTime),
  finishedAt: Type.Optional(IsoDateTime),
  refusedAt: Type.Optional(IsoDateTime),
  returnedAt: Type.Optional(IsoDateTime),
  stoppedAt: Type.Optional(IsoDateTime),
  withdrawnAt: Type.Optional(IsoDateTime)
}, { additionalProperties: false, $id: 'Lifecycle' })
export type Lifecycle = Static<typeof Lifecycle>

export function emptyLifecycle (): Lifecycle {
  return { supplements: [], results: [] }
}

/** ISO 8601 date-time with a zone (`Z` or an offset): an event's instant is never ambiguous. */
export const EVENT_AT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})$'
/** A due date: a date-time with a zone, or a date alone (by the end of that day, local time). */
export const DUE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2}))?$'

const At = Type.String({ pattern: EVENT_AT_PATTERN, maxLength: 40, description: 'ISO 8601 date-time with zone' })
const Due = Type.String({ pattern: DUE_PATTERN, maxLength: 40, description: 'ISO 8601 date-time with zone, or yyyy-MM-dd' })
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })

/** Who did it, for the TienDo step (`NguoiXuLy`, `ChucDanh`, `PhongBanXuLy`). */
const who = {
  officer: Type.Optional(Text(50)),
  title: Type.Optional(Text(100)),
  department: Type.Optional(Text(255))
}

export const StepEvent = Type.Object({
  type: Type.Literal('step'),
  at: At,
  content: Text(1000),
  ...who
}, { additionalProperties: false })

export const StatusEvent = Type.Object({
  type: Type.Literal('status'),
  at: At,
  status: StatusCode,
  content: Type.Optional(Text(1000)),
  reason: Type.Optional(Text(1000)),
  ...who
}, { additionalProperties: false })

export const SupplementRequestedEvent = Type.Object({
  type: Type.Literal('supplement-requested'),
  at: At,
  content: Text(1000),
  requestedBy: Type.Optional(Text(255)),
  ...who
}, { additionalProperties: false })

export const SupplementReceivedEvent = Type.Object({
  type: Type.Literal('supplement-received'),
  at: At,
  newDueAt: Type.Optional(Due),
  content: Type.Optional(Text(1000)),
  ...who
}, { additionalProperties: false })

export const DueDateEvent = Type.Object({
  type: Type.Literal('due-date'),
  at: At,
  dueAt: Due,
  reason: Type.Optional(Text(1000)),
  ...who
}, { additionalProperties: false })

export const ResultEvent = Type.Object({
  type: Type.Literal('result'),
  at: At,
  documents: Type.Array(Type.Object({
    name: Text(255),
    code: Text(100),
    url: Type.String({ minLength: 1, maxLength: 2000, pattern: '^https?://[^\\s]+$' }),
    componentCode: Type.Optional(Text(50))
  }, { additionalProperties: false }), { minItems: 1, maxItems: MAX_RESULTS_PER_EVENT }),
  status: Type.Optional(Type.Union([Type.Literal('9'), Type.Literal('10')])),
  content: Type.Optional(Text(1000)),
  ...who
}, { additionalProperties: false })

export const EVENT_SCHEMAS = {
  step: StepEvent,
  status: StatusEvent,
  'supplement-requested': SupplementRequestedEvent,
  'supplement-received': SupplementReceivedEvent,
  'due-date': DueDateEvent,
  result: ResultEvent
} as const
export type EventType = keyof typeof EVENT_SCHEMAS
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[]

/** An event as `parseEvent` returns it: text normalised, every date ISO 8601 with +07:00. */
export type LifecycleEvent =
  | Static<typeof StepEvent>
  | Static<typeof StatusEvent>
  | Static<typeof SupplementRequestedEvent>
  | Static<typeof SupplementReceivedEvent>
  | Static<typeof DueDateEvent>
  | Static<typeof ResultEvent>
