/** Shared HTTP schemas: every route declares its replies with these. */
import { Type, type Static } from 'typebox'

export const Message = Type.Object({ vi: Type.String(), en: Type.String() })

/** Why a dossier was marked failed. */
export const SyncFailure = Type.Object({ code: Type.String(), reason: Type.String(), at: Type.String(), portalCode: Type.Optional(Type.String()) })

/** A commune the admin may choose when an old commune was split. */
export const Candidate = Type.Object({ code: Type.String(), name: Type.String() })

export const FieldIssueSchema = Type.Object({
  code: Type.String(),
  field: Type.String(),
  message: Message
})

export const ErrorReply = Type.Object({
  code: Type.String({ description: 'stable machine code' }),
  field: Type.Optional(Type.String({ description: "the field at fault, in the sender's own terms" })),
  message: Message,
  errors: Type.Optional(Type.Array(FieldIssueSchema)),
  offset: Type.Optional(Type.Integer({ minimum: 0, description: 'byte offset in the body of the problem (BAD_ENCODING)' }))
}, { $id: 'ErrorReply' })
export type ErrorReply = Static<typeof ErrorReply>

/** A request with a body: every refusal the gateway has. */
export const errorReplies = {
  400: ErrorReply,
  401: ErrorReply,
  403: ErrorReply,
  404: ErrorReply,
  409: ErrorReply,
  413: ErrorReply,
  415: ErrorReply,
  422: ErrorReply,
  429: ErrorReply,
  500: ErrorReply,
  503: ErrorReply
}

/** A GET: no body is read (no 413, 415) and nothing changes (no 409); 422 only where a query is checked. */
export const readErrorReplies = {
  400: ErrorReply,
  401: ErrorReply,
  403: ErrorReply,
  404: ErrorReply,
  429: ErrorReply,
  500: ErrorReply,
  503: ErrorReply
}
export const queryErrorReplies = { ...readErrorReplies, 422: ErrorReply }

/** Per-client request rate, the same on every /v1 route. */
export function rateLimitOf (app: { config: { RATE_LIMIT_MAX: number, RATE_LIMIT_WINDOW_MS: number } }): { max: number, timeWindow: number } {
  return { max: app.config.RATE_LIMIT_MAX, timeWindow: app.config.RATE_LIMIT_WINDOW_MS }
}
