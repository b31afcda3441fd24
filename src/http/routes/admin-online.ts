/**
 * Admin routes for what the portal starts: online dossiers nobody was given (route one by
 * hand), callbacks for codes nobody here knows, and webhook events that failed for good.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors } from '../../domain/errors.js'
import { errorReplies, queryErrorReplies, rateLimitOf, readErrorReplies } from '../schemas.js'
import { callerOf } from '../plugins/auth.js'
import { may } from '../../domain/access.js'
import { findDossier } from './find-dossier.js'
import { toCanonical, type Routing } from '../../store/dossier-store.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import { isoFromPortalDate, submittedOnline } from '../../domain/webhook-events.js'
import { decodePlace, encodePlace } from '../../domain/cursor.js'
import { pageWaiting, type WaitingEntry } from '../../store/waiting-scan.js'

const WebhookFailure = Type.Object({
  maHoSo: Type.String(),
  id: Type.String(),
  type: Type.String(),
  client: Type.String(),
  code: Type.String(),
  reason: Type.String(),
  at: Type.String(),
  attempts: Type.Integer(),
  lastStatus: Type.Optional(Type.Integer()),
  lastResponse: Type.Optional(Type.String())
})

/**
 * The system of a webhook's receiver, for scoping a failed event without loading its dossier: the
 * receiver is the sector client that posted the dossier or was given it. A client no longer in the
 * clients file has no system: only admins of every system see its events.
 */
export function receiverSystems (app: FastifyInstance): (client: string) => string | null {
  const systems = new Map(app.clients().map(c => [c.id, c.system ?? null]))
  return (client) => systems.get(client) ?? null
}

export default async function adminOnlineRoutes (app: FastifyInstance): Promise<void> {
  const viewer = { config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) } } as const
  const operator = { config: { auth: { roles: ['operator'] }, rateLimit: rateLimitOf(app) } } as const

  app.withTypeProvider<TypeBoxTypeProvider>().post('/v1/admin/dossiers/:maHoSo/route', {
    schema: {
      tags: ['admin'],
      summary: 'Route an unrouted online dossier to a sector client',
      params: Type.Object({ maHoSo: Type.String({ maxLength: 50 }) }),
      body: Type.Object({ clientId: Type.String({ maxLength: 64, description: 'the sector client (with a webhook) that receives the dossier' }) }, { additionalProperties: false }),
      response: { 202: Type.Object({ maHoSo: Type.String(), state: Type.String(), client: Type.String() }), ...errorReplies }
    },
    ...operator
  }, async (req, reply) => {
    const actor = callerOf(req)
    const d = await findDossier(app, actor, 'act', req.params.maHoSo)
    if (d.state !== 'unrouted') {
      throw Errors.conflict('NOT_UNROUTED', 'Hồ sơ không ở trạng thái chưa định tuyến', 'The dossier is not waiting to be routed', 'maHoSo')
    }
    const client = app.clients().find(c => c.id === req.body.clientId)
    if (client === undefined || client.role !== 'sector' || client.webhook === undefined || !may(client, 'act', { agency: d.agency })) {
      throw Errors.conflict('NOT_A_RECEIVER', `Khách hàng ${req.body.clientId} không phải hệ thống ngành có webhook phụ trách cơ quan ${d.agency}`,
        `Client ${req.body.clientId} is not a sector client with a webhook that acts for agency ${d.agency}`, 'clientId')
    }
    // The online dossier's first raw payload is the HoSoMoi callback as the portal sent it.
    const raws = await app.store.rawPayloads(d.agency, d.ref)
    const first = raws.at(-1)
    const callback = first === undefined ? undefined : JSON.parse(first.body) as { MaSuKien?: string, ThoiDiem?: string, DuLieu?: unknown }
    const at = isoFromEpoch(Date.now())
    const routing: Routing = { state: 'routed', system: client.system ?? '', client: client.id, at }
    const body = submittedOnline({
      maHoSo: d.maHoSo,
      agency: d.agency,
      system: client.system ?? '',
      portalEvent: { id: callback?.MaSuKien ?? '', type: 'HoSoMoi', at: callback?.ThoiDiem === undefined ? at : isoFromPortalDate(callback.ThoiDiem) },
      dossier: toCanonical(d),
      hoSo: callback?.DuLieu ?? null
    })
    const r = await app.store.portal.route({
      agency: d.agency,
      ref: d.ref,
      code: d.maHoSo,
      client: client.id,
      routing,
      webhookBody: body,
      history: { at, kind: 'routed', client: client.id, system: client.system, by: actor.id },
      now: Date.now()
    })
    if (r.result === 'missing') throw Errors.notFound(`hồ sơ ${d.maHoSo}`, 'maHoSo')
    if (r.result === 'state') throw Errors.conflict('NOT_UNROUTED', 'Hồ sơ không ở trạng thái chưa định tuyến', 'The dossier is not waiting to be routed', 'maHoSo')
    if (r.head !== '') await app.queues.enqueueWebhook(d.agency, d.maHoSo, r.head)
    req.log.info({ maHoSo: d.maHoSo, client: client.id }, 'online dossier routed by admin')
    await app.store.audit.append({ actor: actor.id, role: actor.adminRole ?? 'operator', action: 'route', target: d.maHoSo, count: 1, outcome: 'ok', detail: `to ${client.id}` })
    return await reply.code(202).send({ maHoSo: d.maHoSo, state: 'delivered', client: client.id })
  })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/callbacks/unmatched', {
    schema: {
      tags: ['admin'],
      summary: 'Portal callbacks for codes nobody here knows, newest first',
      description: 'They hold whole citizen records: every read is written to the audit log. A callback has no sector system yet, so an admin limited to some systems sees none. At most UNMATCHED_MAX_PER_AGENCY are kept per agency (the oldest go).',
      querystring: Type.Object({
        agency: Type.Optional(Type.String({ maxLength: 30 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        cursor: Type.Optional(Type.String({ maxLength: 500 }))
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            agency: Type.String(),
            at: Type.String(),
            reason: Type.String({ description: 'UNKNOWN_DOSSIER, CODE_CONFLICT (HoSoMoi for a code the gateway gave a dossier of its own), or INCOMPLETE_DOSSIER (HoSoMoi with a field missing or invalid: see issues)' }),
            issues: Type.Optional(Type.Array(Type.Object({ field: Type.String(), code: Type.String() }), { description: 'INCOMPLETE_DOSSIER: the fields at fault' })),
            maSuKien: Type.String(),
            type: Type.String(),
            maHoSo: Type.String(),
            body: Type.String({ description: 'the callback exactly as the portal sent it' })
          }, { additionalProperties: true })),
          nextCursor: Type.Optional(Type.String())
        }),
        ...queryErrorReplies
      }
    },
    ...viewer
  }, async (req) => {
    const client = callerOf(req)
    // A callback has no system yet: an admin limited to some systems sees none.
    const agencies = (await app.store.agencies()).filter(a => may(client, 'list', { agency: a, system: null }) && (req.query.agency === undefined || a === req.query.agency)).sort()
    await app.store.waiting.upgrade(agencies)
    const cursor = req.query.cursor === undefined ? undefined : decodePlace(req.query.cursor)
    const { page, next } = await pageWaiting(app.store, { agencies, kinds: ['callback'], range: {} }, cursor, req.query.limit ?? 100)
    const kept = new Map<WaitingEntry, Record<string, string>>()
    for (const agency of new Set(page.map(e => e.agency))) {
      const mine = page.filter(e => e.agency === agency)
      const entries = await app.store.waiting.unmatchedEntries(agency, mine.map(e => e.member))
      mine.forEach((e, i) => { const u = entries[i]; if (u !== undefined) kept.set(e, { agency, ...(u as Record<string, string>) }) })
    }
    const items = page.flatMap(e => { const u = kept.get(e); return u === undefined ? [] : [u] })
    await app.store.audit.append({ actor: client.id, role: client.adminRole ?? 'viewer', action: 'callbacks.unmatched.read', count: items.length, outcome: 'ok', ...(req.query.agency === undefined ? {} : { filter: { agency: req.query.agency } }) })
    return { items: items as never, ...(next === undefined ? {} : { nextCursor: encodePlace(next) }) }
  })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/webhooks/failed', {
    schema: {
      tags: ['admin'],
      summary: 'Webhook events that failed for good',
      response: { 200: Type.Object({ items: Type.Array(WebhookFailure) }), ...readErrorReplies }
    },
    ...viewer
  }, async (req) => {
    const client = callerOf(req)
    const systemOf = receiverSystems(app)
    const items = []
    for (const agency of (await app.store.agencies()).filter(a => may(client, 'list', { agency: a }))) {
      const failed = await app.store.webhooks.failedByCode(agency)
      for (const [maHoSo, f] of failed) {
        if (may(client, 'list', { agency, system: systemOf(f.client) })) items.push({ maHoSo, ...f })
      }
      if (items.length >= 1000) break
    }
    return { items: items.slice(0, 1000) }
  })
}
