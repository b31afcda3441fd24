/**
 * Admin routes: what failed or waits for a person, and the decisions that let it go on.
 * Viewers read (payload reads are audited); operators also decide (audited). Each sees its scope.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors } from '../../domain/errors.js'
import { Candidate, ErrorReply, Message, SyncFailure, errorReplies, queryErrorReplies, rateLimitOf, readErrorReplies } from '../schemas.js'
import { callerOf } from '../plugins/auth.js'
import { may } from '../../domain/access.js'
import { findDossier } from './find-dossier.js'
import { CommuneCode } from '../../domain/canonical-dossier.js'
import { dossierHashes, setPath } from '../../services/intake/intake-service.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'

const Listed = Type.Object({
  maHoSo: Type.String(),
  system: Type.String(),
  sourceId: Type.String(),
  state: Type.String(),
  updatedAt: Type.String(),
  failure: Type.Optional(SyncFailure),
  routing: Type.Optional(Type.Object({
    state: Type.String(),
    system: Type.Optional(Type.String()),
    reason: Type.Optional(Type.Object({ code: Type.String(), message: Message }))
  })),
  review: Type.Optional(Type.Array(Type.Object({
    code: Type.String(),
    field: Type.String(),
    target: Type.String(),
    oldCode: Type.String(),
    candidates: Type.Array(Candidate)
  })))
})

function notInReview (): Error {
  return Errors.conflict('NOT_IN_REVIEW', 'Hồ sơ không ở trạng thái chờ xem xét', 'The dossier is not waiting for review', 'maHoSo')
}

function revisionConflict (current?: number): Error {
  const now = current === undefined ? '' : ` (${current})`
  return Errors.conflict('REVISION_CONFLICT',
    `Hồ sơ vừa được thay đổi${now}; hãy tải lại và quyết định lại`,
    `The dossier changed meanwhile${now}; reload it and decide again`, 'revision')
}

export default async function adminRoutes (app: FastifyInstance): Promise<void> {
  const viewer = { config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) } } as const
  const operator = { config: { auth: { roles: ['operator'] }, rateLimit: rateLimitOf(app) } } as const

  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/dossiers', {
    schema: {
      tags: ['admin'],
      summary: 'Dossiers that failed, wait for review or are unrouted',
      querystring: Type.Object({ state: Type.Union([Type.Literal('failed'), Type.Literal('needs-review'), Type.Literal('unrouted')]) }),
      response: { 200: Type.Object({ items: Type.Array(Listed) }), ...queryErrorReplies }
    },
    ...viewer
  }, async (req) => {
    const client = callerOf(req)
    const places = (await app.store.listByState(req.query.state)).filter(p => may(client, 'list', { agency: p.agency })).slice(0, 1000)
    const items = []
    for (const d of await app.store.loadEach(places, { documents: false })) {
      if (d === undefined || d.state !== req.query.state || !may(client, 'list', d)) continue
      items.push({
        maHoSo: d.maHoSo,
        system: d.system,
        sourceId: d.sourceId,
        state: d.state,
        updatedAt: isoFromEpoch(d.updatedAt),
        ...(d.failure === undefined ? {} : { failure: d.failure }),
        ...(d.routing === undefined ? {} : { routing: d.routing }),
        ...(d.review === undefined ? {} : { review: d.review })
      })
    }
    return { items }
  })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/dossiers/:maHoSo/payloads', {
    schema: {
      tags: ['admin'],
      summary: 'Raw payloads behind each revision of a dossier',
      params: Type.Object({ maHoSo: Type.String({ maxLength: 50 }) }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            receivedAt: Type.String(),
            clientId: Type.String(),
            contentType: Type.String(),
            sha256: Type.String(),
            mappingVersion: Type.String(),
            body: Type.String({ description: 'the payload exactly as the sender sent it' })
          }))
        }),
        ...readErrorReplies,
        410: { ...ErrorReply, description: 'the dossier was compacted: its payloads were deleted (PAYLOADS_COMPACTED)' }
      }
    },
    ...viewer
  }, async (req) => {
    const client = callerOf(req)
    const d = await findDossier(app, client, 'read', req.params.maHoSo)
    if (d.compactedAt !== undefined) throw Errors.payloadsGone(d.maHoSo)
    // The payloads hold personal data: who read them is kept.
    await app.store.audit.append({ actor: client.id, role: client.adminRole ?? 'operator', action: 'payloads.read', target: d.maHoSo, count: 1, outcome: 'ok' })
    // Newest first: the payloads behind each revision, for audit and replay.
    return { items: await app.store.rawPayloads(d.agency, d.ref) }
  })

  app.withTypeProvider<TypeBoxTypeProvider>().post('/v1/admin/dossiers/:maHoSo/review', {
    schema: {
      tags: ['admin'],
      summary: 'Settle a review: choose the commune for a split old commune',
      params: Type.Object({ maHoSo: Type.String({ maxLength: 50 }) }),
      body: Type.Object({
        communeCode: CommuneCode,
        target: Type.Optional(Type.String({ maxLength: 100, description: 'which review item, when there are several' })),
        revision: Type.Optional(Type.Integer({ minimum: 1, description: 'the revision the decision was made on; another one answers 409' }))
      }, { additionalProperties: false }),
      response: { 202: Type.Object({ maHoSo: Type.String(), state: Type.String() }), ...errorReplies }
    },
    ...operator
  }, async (req, reply) => {
    const client = callerOf(req)
    const d = await findDossier(app, client, 'act', req.params.maHoSo)
    if (d.state !== 'needs-review' || d.review === undefined) throw notInReview()
    const items = req.body.target === undefined ? d.review : d.review.filter(r => r.target === req.body.target)
    const item = items.find(r => r.candidates.some(c => c.code === req.body.communeCode))
    if (item === undefined) {
      throw Errors.conflict('NOT_A_CANDIDATE', `Mã xã ${req.body.communeCode} không thuộc các xã đề xuất`,
        `Commune ${req.body.communeCode} is not one of the candidates`, 'communeCode')
    }
    if (req.body.revision !== undefined && req.body.revision !== d.revision) throw revisionConflict(d.revision)
    const input = structuredClone(d.input)
    setPath(input as unknown as Record<string, unknown>, item.target, req.body.communeCode)
    const resolutions = [...(d.resolutions ?? []), { target: item.target, oldCode: item.oldCode, code: req.body.communeCode }]
    const rest = d.review.filter(r => r !== item)
    // One compare-and-set on the revision read above: a sector update or another admin that
    // got there first makes this change nothing, and the admin decides again on fresh data.
    const r = await app.store.adminChange(d.agency, d.ref, {
      expectedState: 'needs-review',
      expectedRevision: d.revision,
      input,
      provenance: d.provenance,
      ...(d.latestRaw === undefined ? {} : { raw: d.latestRaw }),
      ...dossierHashes(input),
      resolutions,
      requeue: rest.length === 0,
      review: rest
    })
    if (r.result !== 'ok') {
      if (r.result === 'missing') throw Errors.notFound(`hồ sơ ${d.maHoSo}`, 'maHoSo')
      throw r.result === 'state' ? notInReview() : revisionConflict()
    }
    if (r.jobGen !== '') await app.queues.enqueueFlush(d.agency, r.jobGen)
    const state = r.state
    req.log.info({ maHoSo: d.maHoSo, target: item.target, state }, 'review settled by admin')
    await app.store.audit.append({ actor: client.id, role: client.adminRole ?? 'operator', action: 'review.settle', target: d.maHoSo, count: 1, outcome: 'ok', detail: `${item.target} ${item.oldCode} → ${req.body.communeCode}` })
    return reply.code(202).send({ maHoSo: d.maHoSo, state })
  })
}
