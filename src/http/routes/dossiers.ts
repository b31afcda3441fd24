/** `GET /v1/dossiers/:maHoSo`: the canonical record, its sync state and every delivery attempt. */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Candidate, Message, SyncFailure, rateLimitOf, readErrorReplies } from '../schemas.js'
import { CanonicalDossier } from '../../domain/canonical-dossier.js'
import { toCanonical, type StoredDossier } from '../../store/dossier-store.js'
import { STATUS_LABELS } from '../../mappings/to-portal.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import { callerOf } from '../plugins/auth.js'
import { findDossier } from './find-dossier.js'

export const Attempt = Type.Object({
  at: Type.String(),
  jobId: Type.String(),
  attempt: Type.Integer(),
  operation: Type.String(),
  batchSize: Type.Integer(),
  outcome: Type.String(),
  durationMs: Type.Number(),
  httpStatus: Type.Optional(Type.Integer()),
  portalCode: Type.Optional(Type.String()),
  portalMessage: Type.Optional(Type.String()),
  error: Type.Optional(Type.String())
})

export const DossierView = Type.Object({
  /** The canonical record; absent once the dossier is compacted (then `compacted` says so). */
  dossier: Type.Optional(CanonicalDossier),
  compacted: Type.Optional(Type.Object({
    at: Type.String({ description: 'when the dossier was compacted' }),
    system: Type.String(),
    sourceId: Type.String({ description: 'the sector system\'s own number' }),
    agency: Type.String(),
    message: Message
  }, { description: 'present when the dossier was compacted: final, delivered and unchanged for RETENTION_DAYS, it keeps only its code, number, content hash, status, revisions and dates; the record, payloads, attempts and history are gone' })),
  status: Type.Object({ code: Type.String(), vi: Type.String(), en: Type.String() }),
  sync: Type.Object({
    state: Type.String({ description: 'pending | delivered | failed | needs-review' }),
    onPortal: Type.Boolean(),
    revision: Type.Integer(),
    contentRevision: Type.Optional(Type.Integer({ description: 'absent once compacted' })),
    deliveredRevision: Type.Optional(Type.Integer({ description: 'absent once compacted' })),
    pendingSteps: Type.Integer(),
    overdue: Type.Boolean({ description: 'past its due date and still open' }),
    deliveredAt: Type.Optional(Type.String()),
    failure: Type.Optional(SyncFailure),
    review: Type.Optional(Type.Array(Type.Object({
      code: Type.String(),
      field: Type.String(),
      target: Type.String(),
      oldCode: Type.String(),
      candidates: Type.Array(Candidate),
      message: Message
    })))
  }),
  attempts: Type.Array(Attempt),
  /** `online`: submitted on the portal, which gave it its code. */
  origin: Type.Optional(Type.Literal('online')),
  routing: Type.Optional(Type.Object({
    state: Type.String({ description: 'routed | unrouted | linked' }),
    system: Type.Optional(Type.String()),
    client: Type.Optional(Type.String()),
    reason: Type.Optional(Type.Object({ code: Type.String(), message: Message })),
    at: Type.String()
  })),
  /** What the applicant did on the portal (its callbacks). */
  portal: Type.Object({
    payment: Type.Optional(Type.Object({ amount: Type.Number(), transactionId: Type.String(), bank: Type.Optional(Type.String()), at: Type.String() })),
    withdrawal: Type.Optional(Type.Object({ reason: Type.String(), at: Type.String() })),
    rating: Type.Optional(Type.Object({ score: Type.Integer(), comment: Type.Optional(Type.String()), at: Type.String() })),
    supplements: Type.Optional(Type.Integer())
  }),
  /** The dossier's timeline: portal events, routing, linking, webhook deliveries. */
  history: Type.Array(Type.Object({ at: Type.String(), kind: Type.String() }, { additionalProperties: true })),
  webhooks: Type.Object({
    client: Type.Optional(Type.String({ description: 'the client that receives this dossier\'s events' })),
    queued: Type.Array(Type.Object({ id: Type.String(), type: Type.String(), client: Type.String() })),
    failed: Type.Optional(Type.Object({
      id: Type.String(), type: Type.String(), client: Type.String(), code: Type.String(), reason: Type.String(), at: Type.String(), attempts: Type.Integer(), lastStatus: Type.Optional(Type.Integer()), lastResponse: Type.Optional(Type.String())
    }))
  })
})

/** What is left of a compacted dossier, and the API's word that the rest is gone. */
export function compactedView (d: StoredDossier, at: number): { at: string, system: string, sourceId: string, agency: string, message: { vi: string, en: string } } {
  return {
    at: isoFromEpoch(at),
    system: d.system,
    sourceId: d.sourceId,
    agency: d.agency,
    message: {
      vi: 'Hồ sơ đã kết thúc, đã đồng bộ lên Cổng và đã được rút gọn sau thời hạn lưu trữ: nội dung, dữ liệu gốc, lượt gửi và lịch sử đã bị xóa',
      en: 'The dossier is final, on the portal and was compacted after the retention period: its record, payloads, attempts and history were deleted'
    }
  }
}

export default async function dossierRoutes (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/dossiers/:maHoSo', {
    schema: {
      tags: ['dossiers'],
      summary: 'A dossier: canonical record, sync state, attempts, history',
      params: Type.Object({ maHoSo: Type.String({ maxLength: 50 }) }),
      response: { 200: DossierView, ...readErrorReplies }
    },
    config: { auth: { roles: ['sector', 'viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const d = await findDossier(app, callerOf(req), 'read', req.params.maHoSo)
    const [attempts, pendingSteps, history, queued, failed] = await Promise.all([
      app.store.attempts(d.agency, d.ref),
      app.store.pendingStepCount(d.agency, d.ref),
      app.store.portal.history(d.agency, d.maHoSo),
      app.store.webhooks.queued(d.agency, d.maHoSo),
      app.store.webhooks.failedOf(d.agency, d.maHoSo)
    ])
    const label = STATUS_LABELS[d.status] ?? { vi: d.status, en: d.status }
    return {
      ...(d.compactedAt === undefined ? { dossier: toCanonical(d) } : { compacted: compactedView(d, d.compactedAt) }),
      status: { code: d.status, ...label },
      sync: {
        state: d.state,
        onPortal: d.created,
        revision: d.revision,
        ...(d.compactedAt === undefined ? { contentRevision: d.contentRev, deliveredRevision: d.deliveredRev } : {}),
        pendingSteps,
        overdue: d.overdue,
        ...(d.deliveredAt === undefined ? {} : { deliveredAt: isoFromEpoch(d.deliveredAt) }),
        ...(d.failure === undefined ? {} : { failure: d.failure }),
        ...(d.review === undefined ? {} : { review: d.review })
      },
      attempts,
      ...(d.origin === undefined ? {} : { origin: d.origin }),
      ...(d.routing === undefined ? {} : { routing: d.routing }),
      portal: d.portal,
      history,
      webhooks: {
        ...(d.webhookClient === undefined ? {} : { client: d.webhookClient }),
        queued: queued.map(e => ({ id: e.id, type: e.type, client: e.client })),
        ...(failed === undefined ? {} : { failed })
      }
    }
  })
}
