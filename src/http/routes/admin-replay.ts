/**
 * What an operator does with what failed: send one dossier or one webhook event again now, or
 * give up on it with a reason. Each is one compare-and-set (a change in between answers 409) and
 * is audited. A dossier sent again that the portal already has is no duplicate there: its
 * create answers `-3` and the gateway looks it up (docs/architecture.md).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors, ValidationError } from '../../domain/errors.js'
import { dossierHashes, sha256 } from '../../services/intake/intake-service.js'
import { errorReplies, rateLimitOf } from '../schemas.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import { callerOf } from '../plugins/auth.js'
import { may } from '../../domain/access.js'
import { findDossier } from './find-dossier.js'
import { receiverSystems } from './admin-online.js'

const Params = Type.Object({ maHoSo: Type.String({ maxLength: 50 }) })
const Reason = Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500, description: 'why, for the audit log and the dossier' }) }, { additionalProperties: false })
const Done = Type.Object({ maHoSo: Type.String(), state: Type.String() })

const NOTHING = {
  dossier: ['Hồ sơ không ở trạng thái gửi thất bại: không có gì để gửi lại', 'The dossier has not failed: there is nothing to send again'],
  webhook: ['Hồ sơ không có sự kiện webhook thất bại: không có gì để gửi lại', 'The dossier has no failed webhook event: there is nothing to send again']
} as const

function notFailed (what: keyof typeof NOTHING): Error {
  return Errors.conflict('NOTHING_TO_REPLAY', NOTHING[what][0], NOTHING[what][1], 'maHoSo')
}

function changed (): Error {
  return Errors.conflict('REVISION_CONFLICT', 'Hồ sơ vừa được thay đổi; hãy tải lại và quyết định lại', 'The dossier changed meanwhile; reload it and decide again', 'maHoSo')
}

export default async function adminReplayRoutes (app: FastifyInstance): Promise<void> {
  const operator = { config: { auth: { roles: ['operator'] }, rateLimit: rateLimitOf(app) } } as const
  const audit = async (req: FastifyRequest, action: string, target: string, outcome: string, detail?: string): Promise<void> => {
    const c = callerOf(req)
    await app.store.audit.append({ actor: c.id, role: c.adminRole ?? 'operator', action, target, count: 1, outcome, ...(detail === undefined ? {} : { detail }) })
  }
  const tp = app.withTypeProvider<TypeBoxTypeProvider>()

  tp.post('/v1/admin/dossiers/:maHoSo/replay', {
    schema: { tags: ['admin'], summary: 'Send one failed dossier to the portal again, now', params: Params, response: { 202: Done, ...errorReplies } },
    ...operator
  }, async (req, reply) => {
    const d = await findDossier(app, callerOf(req), 'act', req.params.maHoSo)
    if (d.state !== 'failed') throw notFailed('dossier')
    const r = await app.store.adminChange(d.agency, d.ref, { expectedState: 'failed', expectedRevision: d.revision, requeue: true })
    if (r.result !== 'ok') throw r.result === 'missing' ? Errors.notFound(`hồ sơ ${d.maHoSo}`, 'maHoSo') : changed()
    if (r.jobGen !== '') await app.queues.enqueueFlush(d.agency, r.jobGen)
    await audit(req, 'dossier.replay', d.maHoSo, 'ok', d.failure?.code)
    return await reply.code(202).send({ maHoSo: d.maHoSo, state: r.state })
  })

  tp.post('/v1/admin/dossiers/:maHoSo/edit', {
    schema: {
      tags: ['admin'],
      summary: 'Correct a failed or held dossier (the whole canonical record) and send it again',
      params: Params,
      body: Type.Object({
        revision: Type.Integer({ minimum: 1, description: 'the revision the correction was made on; another one answers 409' }),
        dossier: Type.Unknown({ description: 'the corrected record, as POST /v1/inbound/canonical takes it; validated the same way' }),
        reason: Type.String({ minLength: 3, maxLength: 500 })
      }, { additionalProperties: false }),
      response: { 202: Done, ...errorReplies }
    },
    ...operator
  }, async (req, reply) => {
    const client = callerOf(req)
    const d = await findDossier(app, client, 'act', req.params.maHoSo)
    if (d.state !== 'failed' && d.state !== 'needs-review') throw notFailed('dossier')
    if (req.body.revision !== d.revision) throw changed()
    const mapping = app.registry.get('canonical')
    if (mapping === undefined) throw Errors.internal()
    const body = JSON.stringify(req.body.dossier ?? null)
    let input
    try {
      input = (await app.intake.normalize(mapping, body)).dossier
    } catch (err) {
      // The operator's field paths are under `dossier`.
      if (err instanceof ValidationError) throw new ValidationError((err.issues ?? []).map(i => ({ ...i, field: `dossier.${i.field}` })))
      throw err
    }
    if (input.agency.code !== d.agency) {
      throw Errors.conflict('AGENCY_CHANGE', `Không đổi được cơ quan của hồ sơ (${d.agency})`, `A correction cannot move the dossier to another agency (${d.agency})`, 'dossier.agency.code')
    }
    // The record stays the sender's dossier under its number; its status moves by events only.
    const fixed = { ...input, sourceId: d.input.sourceId, status: d.input.status }
    const now = Date.now()
    const r = await app.store.adminChange(d.agency, d.ref, {
      expectedState: d.state,
      expectedRevision: d.revision,
      input: fixed,
      provenance: d.provenance,
      ...dossierHashes(fixed),
      requeue: true,
      raw: { receivedAt: isoFromEpoch(now), clientId: client.id, contentType: 'application/json', sha256: sha256(body), mappingVersion: `${mapping.system}@${mapping.version}`, body },
      newRevision: true
    }, now)
    if (r.result !== 'ok') throw r.result === 'missing' ? Errors.notFound(`hồ sơ ${d.maHoSo}`, 'maHoSo') : changed()
    if (r.jobGen !== '') await app.queues.enqueueFlush(d.agency, r.jobGen)
    await audit(req, 'dossier.edit', d.maHoSo, 'ok', req.body.reason)
    return await reply.code(202).send({ maHoSo: d.maHoSo, state: r.state })
  })

  tp.post('/v1/admin/dossiers/:maHoSo/discard', {
    schema: { tags: ['admin'], summary: 'Give up on a failed or held dossier, with a reason', params: Params, body: Reason, response: { 200: Done, ...errorReplies } },
    ...operator
  }, async (req) => {
    const d = await findDossier(app, callerOf(req), 'act', req.params.maHoSo)
    const r = await app.store.discard(d.agency, d.ref, d.revision, { by: callerOf(req).id, reason: req.body.reason, at: isoFromEpoch(Date.now()) })
    if (r === 'missing') throw Errors.notFound(`hồ sơ ${d.maHoSo}`, 'maHoSo')
    if (r === 'state') throw Errors.conflict('NOT_DISCARDABLE', 'Chỉ bỏ qua được hồ sơ thất bại hoặc đang chờ xem xét', 'Only a failed or held dossier can be discarded', 'maHoSo')
    if (r === 'revision') throw changed()
    await audit(req, 'dossier.discard', d.maHoSo, 'ok', req.body.reason)
    return { maHoSo: d.maHoSo, state: 'discarded' }
  })

  tp.post('/v1/admin/webhooks/:maHoSo/replay', {
    schema: { tags: ['admin'], summary: 'Send a dossier\'s failed webhook event again, now, with a fresh retry schedule', params: Params, response: { 202: Done, ...errorReplies } },
    ...operator
  }, async (req, reply) => {
    const d = await findDossier(app, callerOf(req), 'act', req.params.maHoSo)
    const failed = await app.store.webhooks.failedOf(d.agency, d.maHoSo)
    if (failed === undefined || !await app.store.webhooks.unhold(d.agency, d.maHoSo, failed.id)) throw notFailed('webhook')
    await app.queues.enqueueWebhook(d.agency, d.maHoSo, failed.id)
    await audit(req, 'webhook.replay', d.maHoSo, 'ok', `${failed.id} ${failed.type}`)
    return await reply.code(202).send({ maHoSo: d.maHoSo, state: 'queued' })
  })

  tp.post('/v1/admin/webhooks/recover', {
    schema: {
      tags: ['admin'],
      summary: 'Send again every failed webhook event of one client since a time (its receiver was fixed)',
      body: Type.Object({
        client: Type.String({ maxLength: 64 }),
        since: Type.String({ format: 'date-time', description: 'events that failed at or after this instant' })
      }, { additionalProperties: false }),
      response: { 202: Type.Object({ client: Type.String(), matched: Type.Integer(), queued: Type.Integer() }), ...errorReplies }
    },
    ...operator
  }, async (req, reply) => {
    const actor = callerOf(req)
    // Failures are timed to the second: a `since` inside that second includes it.
    const since = Math.floor(Date.parse(req.body.since) / 1000) * 1000
    let matched = 0
    let queued = 0
    // Every failed head of the client in the operator's scope: each dossier's queue resumes in order.
    const systemOf = receiverSystems(app)
    for (const agency of (await app.store.agencies()).filter(a => may(actor, 'act', { agency: a }))) {
      for (const [code, f] of await app.store.webhooks.failedByCode(agency)) {
        if (f.client !== req.body.client || Date.parse(f.at) < since || !may(actor, 'act', { agency, system: systemOf(f.client) })) continue
        matched++
        if (!await app.store.webhooks.unhold(agency, code, f.id)) continue
        await app.queues.enqueueWebhook(agency, code, f.id)
        queued++
      }
    }
    await app.store.audit.append({ actor: actor.id, role: actor.adminRole ?? 'operator', action: 'webhook.recover', filter: req.body, count: queued, outcome: 'ok', detail: `${matched} matched` })
    return await reply.code(202).send({ client: req.body.client, matched, queued })
  })

  tp.post('/v1/admin/webhooks/:maHoSo/discard', {
    schema: { tags: ['admin'], summary: 'Drop a dossier\'s failed webhook event, with a reason; the next one goes', params: Params, body: Reason, response: { 200: Done, ...errorReplies } },
    ...operator
  }, async (req) => {
    const d = await findDossier(app, callerOf(req), 'act', req.params.maHoSo)
    const failed = await app.store.webhooks.failedOf(d.agency, d.maHoSo)
    if (failed === undefined) throw notFailed('webhook')
    const by = callerOf(req).id
    const r = await app.store.webhooks.done(d.agency, d.maHoSo, failed.id, {
      at: isoFromEpoch(Date.now()), kind: 'webhook-discarded', eventId: failed.id, type: failed.type, client: failed.client, by, reason: req.body.reason
    })
    if (r.result !== 'ok') throw notFailed('webhook')
    if (r.next !== '') await app.queues.enqueueWebhook(d.agency, d.maHoSo, r.next)
    await audit(req, 'webhook.discard', d.maHoSo, 'ok', `${failed.id}: ${req.body.reason}`)
    return { maHoSo: d.maHoSo, state: r.next === '' ? 'empty' : 'next-queued' }
  })
}
