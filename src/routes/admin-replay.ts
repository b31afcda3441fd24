/**
 * What an operator does with what failed: send one dossier or one webhook event again now, or
 * give up on it with a reason. Each is one compare-and-set (a change in between answers 409) and
 * is audited. A dossier sent again that the portal already has is no duplicate there: its
 * create answers `-3` and the gateway looks it up (docs/architecture.md).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors } from '../errors.js'
import { errorReplies } from '../schemas/http.js'
import { isoFromEpoch } from '../mappings/toolkit/dates.js'
import { adminFind, adminGuard } from './admin-guard.js'

const Params = Type.Object({ maHoSo: Type.String({ maxLength: 50 }) })
const Reason = Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500, description: 'why, for the audit log and the dossier' }) }, { additionalProperties: false })
const Done = Type.Object({ maHoSo: Type.String(), state: Type.String() })

function notFailed (what: string): Error {
  return Errors.conflict('NOTHING_TO_REPLAY', `Không có ${what} thất bại để gửi lại`, `There is no failed ${what} to send again`, 'maHoSo')
}

function changed (): Error {
  return Errors.conflict('REVISION_CONFLICT', 'Hồ sơ vừa được thay đổi; hãy tải lại và quyết định lại', 'The dossier changed meanwhile; reload it and decide again', 'maHoSo')
}

export default async function adminReplayRoutes (app: FastifyInstance): Promise<void> {
  const operator = adminGuard(app, 'operator')
  const audit = async (req: FastifyRequest, action: string, target: string, outcome: string, detail?: string): Promise<void> => {
    const c = app.requireClient(req)
    await app.store.audit.append({ actor: c.id, role: c.adminRole ?? 'operator', action, target, count: 1, outcome, ...(detail === undefined ? {} : { detail }) })
  }
  const tp = app.withTypeProvider<TypeBoxTypeProvider>()

  tp.post('/v1/admin/dossiers/:maHoSo/replay', {
    schema: { tags: ['admin'], summary: 'Send one failed dossier to the portal again, now', security: [{ apiKey: [] }], params: Params, response: { 202: Done, ...errorReplies } },
    ...operator
  }, async (req, reply) => {
    const d = await adminFind(app, app.requireClient(req), req.params.maHoSo)
    if (d.state !== 'failed') throw notFailed('hồ sơ / dossier')
    const r = await app.store.adminChange(d.agency, d.ref, { expectedState: 'failed', expectedRevision: d.revision, requeue: true })
    if (r.result !== 'ok') throw r.result === 'missing' ? Errors.notFound(`hồ sơ ${d.maHoSo}`, 'maHoSo') : changed()
    if (r.jobGen !== '') await app.queues.enqueueFlush(d.agency, r.jobGen)
    await audit(req, 'dossier.replay', d.maHoSo, 'ok', d.failure?.code)
    return await reply.code(202).send({ maHoSo: d.maHoSo, state: r.state })
  })

  tp.post('/v1/admin/dossiers/:maHoSo/discard', {
    schema: { tags: ['admin'], summary: 'Give up on a failed or held dossier, with a reason', security: [{ apiKey: [] }], params: Params, body: Reason, response: { 200: Done, ...errorReplies } },
    ...operator
  }, async (req) => {
    const d = await adminFind(app, app.requireClient(req), req.params.maHoSo)
    const r = await app.store.discard(d.agency, d.ref, d.revision, { by: app.requireClient(req).id, reason: req.body.reason, at: isoFromEpoch(Date.now()) })
    if (r === 'missing') throw Errors.notFound(`hồ sơ ${d.maHoSo}`, 'maHoSo')
    if (r === 'state') throw Errors.conflict('NOT_DISCARDABLE', 'Chỉ bỏ qua được hồ sơ thất bại hoặc đang chờ xem xét', 'Only a failed or held dossier can be discarded', 'maHoSo')
    if (r === 'revision') throw changed()
    await audit(req, 'dossier.discard', d.maHoSo, 'ok', req.body.reason)
    return { maHoSo: d.maHoSo, state: 'discarded' }
  })

  tp.post('/v1/admin/webhooks/:maHoSo/replay', {
    schema: { tags: ['admin'], summary: 'Send a dossier\'s failed webhook event again, now, with a fresh retry schedule', security: [{ apiKey: [] }], params: Params, response: { 202: Done, ...errorReplies } },
    ...operator
  }, async (req, reply) => {
    const d = await adminFind(app, app.requireClient(req), req.params.maHoSo)
    const failed = await app.store.webhooks.failedOf(d.agency, d.maHoSo)
    if (failed === undefined || !await app.store.webhooks.unhold(d.agency, d.maHoSo, failed.id)) throw notFailed('sự kiện webhook / webhook event')
    await app.queues.enqueueWebhook(d.agency, d.maHoSo, failed.id)
    await audit(req, 'webhook.replay', d.maHoSo, 'ok', `${failed.id} ${failed.type}`)
    return await reply.code(202).send({ maHoSo: d.maHoSo, state: 'queued' })
  })

  tp.post('/v1/admin/webhooks/:maHoSo/discard', {
    schema: { tags: ['admin'], summary: 'Drop a dossier\'s failed webhook event, with a reason; the next one goes', security: [{ apiKey: [] }], params: Params, body: Reason, response: { 200: Done, ...errorReplies } },
    ...operator
  }, async (req) => {
    const d = await adminFind(app, app.requireClient(req), req.params.maHoSo)
    const failed = await app.store.webhooks.failedOf(d.agency, d.maHoSo)
    if (failed === undefined) throw notFailed('sự kiện webhook / webhook event')
    const by = app.requireClient(req).id
    const r = await app.store.webhooks.done(d.agency, d.maHoSo, failed.id, {
      at: isoFromEpoch(Date.now()), kind: 'webhook-discarded', eventId: failed.id, type: failed.type, client: failed.client, by, reason: req.body.reason
    })
    if (r.result !== 'ok') throw notFailed('sự kiện webhook / webhook event')
    if (r.next !== '') await app.queues.enqueueWebhook(d.agency, d.maHoSo, r.next)
    await audit(req, 'webhook.discard', d.maHoSo, 'ok', `${failed.id}: ${req.body.reason}`)
    return { maHoSo: d.maHoSo, state: r.next === '' ? 'empty' : 'next-queued' }
  })
}
