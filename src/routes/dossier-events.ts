/**
 * `POST /v1/dossiers/:maHoSo/events`: what happens to a dossier after intake, one small JSON at
 * a time (docs/lifecycle.md): a processing step, a status change, a supplement requested or
 * received, a new due date, the result. The status machine refuses illegal moves (409, naming
 * the allowed ones); the change reaches the portal as steps and updates, in order.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors, ValidationError } from '../errors.js'
import { errorReplies, rateLimitOf } from '../schemas/http.js'
import { parseEvent } from '../lifecycle/events.js'
import { canSee } from './dossiers.js'
import { forbiddenRole } from './admin-guard.js'

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
      security: [{ apiKey: [] }],
      params: Type.Object({ maHoSo: Type.String({ maxLength: 50 }) }),
      body: Type.Unknown({ description: 'one lifecycle event: { "type": "step" | "status" | "supplement-requested" | "supplement-received" | "due-date" | "result", "at": ISO 8601, ... }' }),
      response: { 202: EventReply, ...errorReplies }
    },
    onRequest: async (req) => { app.identify(req) },
    preParsing: async (req) => { app.requireClient(req) },
    config: { rateLimit: rateLimitOf(app) }
  }, async (req, reply) => {
    const client = app.requireClient(req)
    if (client.role === 'admin' && client.adminRole !== 'operator') throw forbiddenRole()
    const parsed = parseEvent(req.body)
    if (!parsed.ok) throw new ValidationError(parsed.issues)
    const out = await app.events.apply(async () => {
      const where = await app.store.locate(req.params.maHoSo)
      const d = where === undefined ? undefined : await app.store.load(where.agency, where.ref)
      // Another system's or agency's dossier is absent for this client, as for reads.
      if (d === undefined || !canSee(client, d)) throw Errors.notFound(`hồ sơ ${req.params.maHoSo}`, 'maHoSo')
      return d
    }, parsed.event, client.id)
    req.log.info({ maHoSo: out.d.maHoSo, type: parsed.event.type, status: out.status, state: out.state }, 'dossier event')
    if (client.role === 'admin') {
      await app.store.audit.append({ actor: client.id, role: client.adminRole ?? 'operator', action: `event.${parsed.event.type}`, target: out.d.maHoSo, count: 1, outcome: 'ok', detail: `status ${out.status}` })
    }
    return await reply.code(202).send({ maHoSo: out.d.maHoSo, status: out.status, state: out.state, dueAt: out.dueAt })
  })
}
