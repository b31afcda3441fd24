/**
 * `POST /v1/dossiers/:maHoSo/events`: what happens to a dossier after intake, one small JSON at
 * a time (docs/lifecycle.md): a processing step, a status change, a supplement requested or
 * received, a new due date, the result. The status machine refuses illegal moves (409, naming
 * the allowed ones); the change is applied as a compare-and-set on the dossier's revision and
 * reaches the portal as steps and updates, in order.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors, ValidationError } from '../errors.js'
import { errorReplies, rateLimitOf } from '../schemas/http.js'
import { toCanonical } from '../store/dossier-store.js'
import { isoFromEpoch } from '../mappings/toolkit/dates.js'
import { applyEvent, emptyLifecycle, parseEvent } from '../lifecycle/events.js'
import { isFinal } from '../lifecycle/status-machine.js'
import { bumpsFor, dimsOf, encodeBumps } from '../stats/metrics.js'
import type { StatusCode } from '../schemas/canonical-dossier.js'
import { canSee } from './dossiers.js'

const EventReply = Type.Object({
  maHoSo: Type.String(),
  status: Type.String({ description: 'the dossier\'s status after the event' }),
  state: Type.String({ description: 'sync state: pending until the portal has the change' }),
  dueAt: Type.String({ description: 'the due date in force' })
})

export default async function dossierEventRoutes (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/v1/dossiers/:maHoSo/events', {
    schema: {
      params: Type.Object({ maHoSo: Type.String({ maxLength: 50 }) }),
      body: Type.Unknown({ description: 'one lifecycle event: { "type": "step" | "status" | "supplement-requested" | "supplement-received" | "due-date" | "result", "at": ISO 8601, ... }' }),
      response: { 202: EventReply, ...errorReplies }
    },
    onRequest: async (req) => { app.identify(req) },
    preParsing: async (req) => { app.requireClient(req) },
    config: { rateLimit: rateLimitOf(app) }
  }, async (req, reply) => {
    const client = app.requireClient(req)
    const parsed = parseEvent(req.body)
    if (!parsed.ok) throw new ValidationError(parsed.issues)
    const ev = parsed.event
    // Decided on the dossier at one revision, applied only at that revision: a change in
    // between (a resend, another event, the deadline scan) makes it decide again.
    for (let attempt = 0; attempt < 8; attempt++) {
      const where = await app.store.locate(req.params.maHoSo)
      const d = where === undefined ? undefined : await app.store.load(where.agency, where.ref)
      if (d === undefined || !canSee(client, d)) throw Errors.notFound(`hồ sơ ${req.params.maHoSo}`, 'maHoSo')
      const now = Date.now()
      const before = toCanonical(d)
      const r = applyEvent({ status: before.status, statusAt: d.statusAt ?? d.createdAt, lifecycle: d.lifecycle ?? emptyLifecycle(), dossier: before }, ev, now)
      if (!r.ok) throw r.error
      const dueAtIso = r.lifecycle.dueAt ?? d.input.dueAt
      const statusChanged = r.status !== before.status
      const t = bumpsFor({
        isNew: false,
        receivedAt: d.input.receivedAt,
        channel: before.channel,
        digitised: (before as { digitised?: boolean }).digitised === true,
        paidOnline: { before: d.paidOnline, after: d.paidOnline },
        from: before.status,
        to: r.status as StatusCode,
        at: ev.at,
        dueAt: dueAtIso,
        resolvedBefore: d.resolved,
        overdueBefore: d.overdue
      })
      const res = await app.store.lifecycle.applyEvent({
        agency: d.agency,
        ref: d.ref,
        code: d.maHoSo,
        expectedRevision: d.revision,
        status: r.status,
        lifecycle: r.lifecycle,
        contentChanged: r.contentChanged,
        ...(r.step === undefined ? {} : { step: r.step }),
        history: { at: isoFromEpoch(now), kind: 'event', type: ev.type, status: r.status, client: client.id },
        args: {
          ...(statusChanged ? { statusAt: r.statusAt } : {}),
          dueAt: Date.parse(dueAtIso),
          dueAtIso,
          final: isFinal(r.status as StatusCode),
          overdueClear: t.overdueCleared,
          resolved: t.resolved,
          statsPrefix: app.store.keys.statsPrefix(d.agency),
          dims: dimsOf({ communeCode: before.agency.communeCode, system: d.system, procedure: before.procedure.code, channel: before.channel }),
          bumps: encodeBumps(t.bumps)
        }
      }, now)
      if (res.result === 'revision') continue
      if (res.result === 'missing') throw Errors.notFound(`hồ sơ ${req.params.maHoSo}`, 'maHoSo')
      if (res.jobGen !== '') await app.queues.enqueueFlush(d.agency, res.jobGen)
      req.log.info({ maHoSo: d.maHoSo, type: ev.type, status: r.status, state: res.state }, 'dossier event')
      return await reply.code(202).send({ maHoSo: d.maHoSo, status: r.status, state: res.state, dueAt: dueAtIso })
    }
    throw Errors.conflict('BUSY_DOSSIER', 'Hồ sơ đang được thay đổi liên tục; hãy gửi lại', 'The dossier kept changing while this was applied; send it again')
  })
}
