/**
 * Bulk replay by filter: `POST /v1/admin/replays` creates a background job whose filter (and the
 * operator's scope) is fixed when it is created; `GET /v1/admin/replays/:id` shows its progress;
 * `POST /v1/admin/replays/:id/cancel` stops it between chunks. See src/queue/bulk-replay.ts.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors } from '../../domain/errors.js'
import { errorReplies, rateLimitOf, readErrorReplies } from '../schemas.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import { AgencyCode } from '../../domain/canonical-dossier.js'
import { callerOf } from '../plugins/auth.js'

const Filter = Type.Object({
  system: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$' })),
  agency: Type.Optional(AgencyCode),
  province: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{1,5}$' })),
  reason: Type.Optional(Type.String({ pattern: '^[A-Z_]{1,40}$', description: 'failure code, e.g. RETRY_WINDOW_EXCEEDED' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'failed at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'failed at or before' }))
}, { additionalProperties: false })

const Job = Type.Object({
  id: Type.String(),
  state: Type.String({ description: 'queued, running, done, cancelled, failed (see reason)' }),
  filter: Filter,
  createdBy: Type.String(),
  createdAt: Type.String(),
  matched: Type.Integer({ description: 'failed dossiers the filter matched when the job started (newer failures are not replayed by it)' }),
  done: Type.Integer({ description: 'put back in their outbox' }),
  skipped: Type.Integer({ description: 'changed meanwhile (no longer failed): left alone' }),
  cancelRequested: Type.Boolean(),
  finishedAt: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String({ description: 'why a failed job stopped' }))
})

const Id = Type.Object({ id: Type.String({ format: 'uuid' }) })

export default async function adminBulkRoutes (app: FastifyInstance): Promise<void> {
  const tp = app.withTypeProvider<TypeBoxTypeProvider>()
  const view = (j: NonNullable<Awaited<ReturnType<typeof app.store.replays.get>>>): Static<typeof Job> => ({
    id: j.id,
    state: j.state,
    filter: j.filter,
    createdBy: j.createdBy,
    createdAt: j.createdAt,
    matched: j.matched,
    done: j.done,
    skipped: j.skipped,
    cancelRequested: j.cancelled,
    ...(j.finishedAt === undefined ? {} : { finishedAt: j.finishedAt }),
    ...(j.reason === undefined ? {} : { reason: j.reason })
  })

  tp.post('/v1/admin/replays', {
    schema: {
      tags: ['admin'],
      summary: 'Replay every failed dossier a filter matches, in the background',
      body: Type.Object({ filter: Filter }, { additionalProperties: false }),
      response: { 202: Job, ...errorReplies }
    },
    config: { auth: { roles: ['operator'] }, rateLimit: rateLimitOf(app) }
  }, async (req, reply) => {
    const c = callerOf(req)
    const id = randomUUID()
    await app.store.replays.create({
      id, filter: req.body.filter, scope: { agencies: [...c.agencies], ...(c.systems === undefined ? {} : { systems: [...c.systems] }) }, createdBy: c.id, createdAt: isoFromEpoch(Date.now())
    })
    await app.queues.add('bulk-replay', { id }, { jobId: `replay-${id}` })
    await app.store.audit.append({ actor: c.id, role: c.adminRole ?? 'operator', action: 'replay.create', target: id, filter: req.body.filter, outcome: 'queued' })
    const j = await app.store.replays.get(id)
    if (j === undefined) throw Errors.internal()
    return await reply.code(202).send(view(j))
  })

  tp.get('/v1/admin/replays/:id', {
    schema: { tags: ['admin'], summary: 'A bulk replay\'s progress', params: Id, response: { 200: Job, ...readErrorReplies } },
    config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const j = await app.store.replays.get(req.params.id)
    if (j === undefined) throw Errors.notFound(`lần gửi lại ${req.params.id}`, 'id')
    return view(j)
  })

  tp.post('/v1/admin/replays/:id/cancel', {
    schema: { tags: ['admin'], summary: 'Stop a bulk replay (between chunks)', params: Id, response: { 202: Job, ...errorReplies } },
    config: { auth: { roles: ['operator'] }, rateLimit: rateLimitOf(app) }
  }, async (req, reply) => {
    const c = callerOf(req)
    if (await app.store.replays.get(req.params.id) === undefined) throw Errors.notFound(`lần gửi lại ${req.params.id}`, 'id')
    if (!await app.store.replays.cancel(req.params.id)) {
      throw Errors.conflict('REPLAY_OVER', 'Lần gửi lại đã kết thúc', 'The replay is over already', 'id')
    }
    await app.store.audit.append({ actor: c.id, role: c.adminRole ?? 'operator', action: 'replay.cancel', target: req.params.id, outcome: 'ok' })
    const j = await app.store.replays.get(req.params.id)
    if (j === undefined) throw Errors.internal()
    return await reply.code(202).send(view(j))
  })
}
