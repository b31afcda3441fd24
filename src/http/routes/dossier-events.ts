/**
 * `POST /v1/dossiers/:maHoSo/events`: what happens to a dossier after intake, one small JSON at
 * a time (docs/lifecycle.md): a processing step, a status change, a supplement requested or
 * received, a new due date, the result. The status machine refuses illegal moves (409, naming
 * the allowed ones); the change reaches the portal as steps and updates, in order.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ValidationError } from '../../domain/errors.js'
import { errorReplies, rateLimitOf } from '../schemas.js'
import { parseEvent } from '../../services/lifecycle/events.js'
import { findDossier } from './find-dossier.js'
import { callerOf } from '../plugins/auth.js'

const EventReply = Type.Object({
  maHoSo: Type.String(),
  status: Type.String({ description: 'the dossier\'s status after the event' }),
  state: Type.String({ description: 'sync state: pending until the portal has the change' }),
  dueAt: Type.String({ description: 'the due date in force' })
})

export default async function dossierEventRoutes (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/v1/dossiers/:maHoSo/events', {
    schema: {
      tags: ['dossiers'],
      summary: 'Record a lifecycle event of a dossier',
      params: Type.Object({ maHoSo: Type.String({ maxLength: 50 }) }),
      body: Type.Unknown({ description: 'one lifecycle event: { "type": "step" | "status" | "supplement-requested" | "supplement-received" | "due-date" | "result", "at": ISO 8601, ... }' }),
      response: { 202: EventReply, ...errorReplies }
    },
    config: { auth: { roles: ['sector', 'operator'] }, rateLimit: rateLimitOf(app) }
  }, async (req, reply) => {
    const client = callerOf(req)
    const parsed = parseEvent(req.body)
    if (!parsed.ok) throw new ValidationError(parsed.issues)
    // Another system's or agency's dossier is absent for this client, as for reads.
    const out = await app.events.apply(async () => await findDossier(app, client, 'act', req.params.maHoSo), parsed.event, client.id)
    req.log.info({ maHoSo: out.d.maHoSo, type: parsed.event.type, status: out.status, state: out.state }, 'dossier event')
    if (client.role === 'admin') {
      await app.store.audit.append({ actor: client.id, role: client.adminRole ?? 'operator', action: `event.${parsed.event.type}`, target: out.d.maHoSo, count: 1, outcome: 'ok', detail: `status ${out.status}` })
    }
    return await reply.code(202).send({ maHoSo: out.d.maHoSo, status: out.status, state: out.state, dueAt: out.dueAt })
  })
}
