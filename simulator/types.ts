/**
 * Types and schemas shared by the simulator's modules. The fault settings are TypeBox schemas so
 * that the control endpoint and the programmatic API validate them with one definition.
 */
import { Type, type Static } from 'typebox'

const Rate = Type.Number({ minimum: 0, maximum: 1, description: 'fraction of calls, 0..1' })
const Millis = Type.Integer({ minimum: 0, maximum: 600_000 })
const ServiceFilter = Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'match only calls of this service' }))
const AfterProcessing = Type.Optional(Type.Boolean({
  description: 'apply the fault after the call took effect, so that the reply alone is lost'
}))

/** The statuses the network in front of the portal produces, per the protocol, or a dropped connection. */
export const OutageStatusSchema = Type.Union([
  Type.Literal(502), Type.Literal(503), Type.Literal(504), Type.Literal('close')
])
export type OutageStatus = Static<typeof OutageStatusSchema>

export const OutageWindowSchema = Type.Object({
  from: Type.Number({ description: 'epoch ms, inclusive' }),
  to: Type.Number({ description: 'epoch ms, exclusive' }),
  status: OutageStatusSchema
}, { additionalProperties: false })
export type OutageWindow = Static<typeof OutageWindowSchema>

export const ScriptEntrySchema = Type.Union([
  Type.Object({
    kind: Type.Literal('429'), retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })), service: ServiceFilter
  }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('hang'), service: ServiceFilter, afterProcessing: AfterProcessing }, { additionalProperties: false }),
  Type.Object({
    kind: Type.Literal('status'), status: Type.Integer({ minimum: 400, maximum: 599 }), service: ServiceFilter, afterProcessing: AfterProcessing
  }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('close'), service: ServiceFilter, afterProcessing: AfterProcessing }, { additionalProperties: false }),
  Type.Object({
    kind: Type.Literal('error'),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 10, description: 'error_code to answer, "99" by default' })),
    message: Type.Optional(Type.String({ maxLength: 500 })),
    service: ServiceFilter
  }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('expire-session'), service: ServiceFilter }, { additionalProperties: false }),
  // A portal (or a proxy) that puts the request it refuses into its reply: tests that no log keeps it.
  Type.Object({
    kind: Type.Literal('echo'),
    status: Type.Optional(Type.Union([Type.Literal(200), Type.Integer({ minimum: 400, maximum: 599 })], {
      description: '200 (default): a protocol reply whose message is the request\'s data; 4xx/5xx: that status with the request as body'
    })),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 10, description: 'error_code of a 200 echo, "-1" by default' })),
    service: ServiceFilter
  }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('pass'), service: ServiceFilter }, { additionalProperties: false })
])
export type ScriptEntry = Static<typeof ScriptEntrySchema>

const RateLimitSchema = Type.Object({
  rate: Rate,
  retryAfterSeconds: Type.Integer({ minimum: 0, maximum: 86_400 })
}, { additionalProperties: false })

const faultFields = {
  errorRate: Rate,
  latencyMs: Millis,
  latencyJitterMs: Millis,
  outage: Type.Union([Type.Null(), Type.Object({ status: OutageStatusSchema }, { additionalProperties: false })]),
  outageWindows: Type.Array(OutageWindowSchema, { maxItems: 1000 }),
  rateLimit: RateLimitSchema,
  hangRate: Rate,
  sessionTtlSeconds: Type.Integer({ minimum: 0, maximum: 31_536_000 }),
  script: Type.Array(ScriptEntrySchema, { maxItems: 100_000 }),
  seed: Type.Integer({ minimum: 0, maximum: 4_294_967_295 })
}

export const FaultsSchema = Type.Object(faultFields, { additionalProperties: false })
export type Faults = Static<typeof FaultsSchema>

export const FaultsPatchSchema = Type.Object({
  errorRate: Type.Optional(faultFields.errorRate),
  latencyMs: Type.Optional(faultFields.latencyMs),
  latencyJitterMs: Type.Optional(faultFields.latencyJitterMs),
  outage: Type.Optional(faultFields.outage),
  outageWindows: Type.Optional(faultFields.outageWindows),
  rateLimit: Type.Optional(Type.Object({
    rate: Type.Optional(Rate),
    retryAfterSeconds: Type.Optional(RateLimitSchema.properties.retryAfterSeconds)
  }, { additionalProperties: false })),
  hangRate: Type.Optional(faultFields.hangRate),
  sessionTtlSeconds: Type.Optional(faultFields.sessionTtlSeconds),
  script: Type.Optional(faultFields.script),
  seed: Type.Optional(faultFields.seed)
}, { additionalProperties: false })
export type FaultsPatch = Static<typeof FaultsPatchSchema>

export interface SimulatorOptions {
  host: string
  /** 0 picks a free port. */
  port: number
  username: string
  password: string
  /** HMAC key of the callbacks (the gateway's PORTAL_CALLBACK_SECRET). */
  callbackSecret: string
  bodyLimitBytes: number
  /** A pino level, or false for no logger at all. */
  logLevel: string | false
  /** Faults at start; `resetFaults()` and `POST /_sim/reset` come back to these. */
  faults: FaultsPatch
  /** Recorded requests kept, oldest dropped first, so that long benchmarks stay in bounded memory. */
  maxRecorded: number
  /** Keep the full /service body in each record (never the /auth password). */
  recordBodies: boolean
  /** Clock for sessions, outage windows and records; tests move it instead of sleeping. */
  now: () => number
  /** First retry delay of a callback; doubled per attempt up to 2 s. */
  callbackBackoffMs: number
  callbackTimeoutMs: number
  /** The ZNS and SMS providers' options (simulator/notice-providers.ts); development values when absent. */
  notices?: import('./notice-providers.js').NoticeProvidersOptions
}

/** What the protocol layer answers: HTTP 200 with this JSON. */
export interface PortalReply {
  error_code: string
  message: string
  [key: string]: unknown
}

export type ProtocolPath = '/auth' | '/service'

export interface RecordedRequest {
  seq: number
  /** ISO 8601, from the simulator clock. */
  time: string
  at: number
  path: ProtocolPath
  username?: string
  service?: string
  madonvi?: string
  isUpdating?: string
  /** MaHoSo of every record in `data`, or the looked-up `mahoso`. */
  maHoSo: string[]
  /** error_code of the reply the client got; absent when no JSON reply was sent. */
  errorCode?: string
  /** HTTP status sent; null when the connection was closed or left hanging. */
  httpStatus: number | null
  /** Injected fault, e.g. `script:429`, `random:hang`, `outage:503`. */
  fault?: string
  /** error_code of a call that took effect although its reply was then lost to a fault. */
  processedErrorCode?: string
  /** Full /service body (absent for /auth, malformed bodies, or when recordBodies is off). */
  body?: unknown
}

export interface ReceivedFilter {
  path?: ProtocolPath
  service?: string
  errorCode?: string
  maHoSo?: string
  /** Only records with seq greater than this. */
  since?: number
  /** The last `limit` matching records. */
  limit?: number
}

export interface StepRecord {
  /** Position among this dossier's steps, from 0, in order of arrival. */
  index: number
  /** Global arrival sequence across all dossiers. */
  seq: number
  receivedAt: string
  tienDo: Record<string, unknown>
}

export interface DossierView {
  maHoSo: string
  /** madonvi of the call that created it. */
  madonvi: string
  /** Stored HoSo as last created or replaced, without the effect of steps. */
  hoSo: Record<string, unknown>
  /** TrangThaiHoSo or TrangThai of whichever came last. */
  currentStatus: string
  creates: number
  updates: number
  /** Creates refused with -3 because this dossier already existed. */
  duplicateCreates: number
  stepsAccepted: number
  steps: StepRecord[]
  /** Steps whose ThoiDiemXuLy is earlier than the step received before them. */
  stepsOutOfOrder: number
  createdAt: string
  updatedAt: string
}

export interface Counts {
  requests: number
  auth: { total: number, ok: number, failed: number }
  service: number
  /** error_code of /service replies. */
  byErrorCode: Record<string, number>
  byHttpStatus: Record<string, number>
  byService: Record<string, number>
  dossiers: number
  creates: number
  updates: number
  steps: number
  lookups: number
  /** /service calls answered -3, -4, -1, 401 and 99. */
  duplicates: number
  unknown: number
  invalid: number
  sessionExpired: number
  internalErrors: number
  stepsOutOfOrder: number
  /** Injected faults by label: HTTP status (`429`, `503`...), `close`, `hang`, `error`, `expire-session`, `echo`. */
  faults: Record<string, number>
  callbacks: number
  /** /auth and /service calls received and not answered yet: in a latency delay, or hanging. */
  pending: number
}
