/**
 * A dossier: its canonical record, status and sync state, attempts, history, what happened on
 * the portal, webhook deliveries; its payloads as received, side by side (a separate, audited
 * read). Buttons send again, discard, settle or route it through the admin API; a viewer gets no
 * buttons, and the API refuses a viewer's post anyway.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { may } from '../../domain/access.js'
import { callApi } from '../api.js'
import { isOperator, pageData, signedIn } from '../context.js'
import { flatten } from '../record-form.js'
import { reviewWords } from '../review-info.js'
import { againstOlder, canonicalText, prettyPayload } from '../payload-view.js'

type Params = { code: string }

export function dossierPath (code: string): string { return `/admin/dossiers/${encodeURIComponent(code)}` }

/** Posts to the API as the signed-in client; back to `back` when it worked, else the API's refusal, in words. */
export async function act (app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, url: string, body: unknown, back: string): Promise<FastifyReply> {
  const r = await callApi(app, signedIn(req), 'POST', url, body)
  if (r.ok) return await reply.redirect(`${back}${back.includes('?') ? '&' : '?'}done=1`, 303)
  return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back })
}

function field (body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name]
  return typeof v === 'string' ? v.trim() : ''
}

/** A payload's canonical record: mapped again by its system's mapping (the officer's edits are canonical already). */
async function canonicalOf (app: FastifyInstance, format: string, body: string): Promise<string> {
  const mapping = app.registry.get(format)
  if (mapping === undefined) return body
  try {
    return canonicalText((await app.intake.normalize(mapping, body)).dossier)
  } catch {
    // A payload the current mapping refuses (it changed since): shown as received.
    return prettyPayload(body, 'application/json')
  }
}

export default async function dossierRoutes (app: FastifyInstance): Promise<void> {
  const csrf = { preHandler: app.csrfProtection }

  app.get<{ Params: Params }>('/dossiers/:code', async (req, reply) => {
    const me = signedIn(req)
    const r = await callApi(app, me, 'GET', `/v1/dossiers/${encodeURIComponent(req.params.code)}`)
    if (!r.ok) return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back: '/admin/failed' })
    const v = r.body
    // The applicant's notices beside the dossier; a gateway that sends none shows an empty list.
    const notices = await callApi<{ items: unknown[] }>(app, me, 'GET', `/v1/dossiers/${encodeURIComponent(req.params.code)}/notices`)
    const { schemaVersion: _s, ...record } = v.dossier as Record<string, unknown>
    const agency = String(v.dossier.agency.code)
    // Who may receive an unrouted dossier: the API checks the same when it is routed.
    const receivers = v.sync.state === 'unrouted'
      ? app.clients().filter(c => c.role === 'sector' && c.webhook !== undefined && may(c, 'act', { agency })).map(c => ({ id: c.id, system: c.system ?? '' }))
      : []
    return await reply.view('dossier', {
      ...pageData(req, reply),
      v,
      rows: flatten(record),
      review: (v.sync.review ?? []).map((r: { target: string, oldCode: string }) => ({ ...r, ...reviewWords(app.adminUnits, v.dossier, r) })),
      receivers,
      notices: notices.ok ? notices.body.items : [],
      done: (req.query as { done?: string }).done === '1'
    })
  })

  app.get<{ Params: Params }>('/dossiers/:code/payloads', async (req, reply) => {
    const me = signedIn(req)
    const r = await callApi<{ items: Array<{ receivedAt: string, clientId: string, contentType: string, sha256: string, mappingVersion: string, body: string }> }>(app, me, 'GET', `/v1/admin/dossiers/${encodeURIComponent(req.params.code)}/payloads`)
    if (!r.ok) return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back: dossierPath(req.params.code) })
    // Newest first. The revision number counts from the oldest.
    const admins = new Set(app.clients().filter(c => c.role === 'admin').map(c => c.id))
    const all = r.body.items.map((p, i) => ({ ...p, revision: r.body.items.length - i, format: p.mappingVersion.split('@')[0] ?? '', byOfficer: admins.has(p.clientId) }))
    const originals = againstOlder(all.filter(p => p.format !== 'canonical').map(p => ({ ...p, text: prettyPayload(p.body, p.contentType) })))
    const canonical = againstOlder(await Promise.all(all.map(async p => ({ ...p, text: await canonicalOf(app, p.format, p.body) }))))
    return await reply.view('payloads', { ...pageData(req, reply), code: req.params.code, originals, canonical })
  })

  app.post<{ Params: Params }>('/dossiers/:code/replay', csrf, async (req, reply) => {
    return await act(app, req, reply, `/v1/admin/dossiers/${encodeURIComponent(req.params.code)}/replay`, {}, dossierPath(req.params.code))
  })

  // Discarding cannot be undone: the first post shows what will be dropped and asks again.
  // A viewer's post goes straight to the API, which refuses it.
  const confirmed = (req: FastifyRequest): boolean => field(req.body, 'confirm') === 'yes' || !isOperator(signedIn(req))
  const askFirst = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, what: 'discard' | 'webhook-discard'): Promise<FastifyReply> => {
    return await reply.view('confirm', { ...pageData(req, reply), code: req.params.code, what, reason: field(req.body, 'reason') })
  }

  app.post<{ Params: Params }>('/dossiers/:code/discard', csrf, async (req, reply) => {
    if (!confirmed(req)) return await askFirst(req, reply, 'discard')
    return await act(app, req, reply, `/v1/admin/dossiers/${encodeURIComponent(req.params.code)}/discard`, { reason: field(req.body, 'reason') }, dossierPath(req.params.code))
  })

  app.post<{ Params: Params }>('/dossiers/:code/webhook-replay', csrf, async (req, reply) => {
    return await act(app, req, reply, `/v1/admin/webhooks/${encodeURIComponent(req.params.code)}/replay`, {}, dossierPath(req.params.code))
  })

  app.post<{ Params: Params }>('/dossiers/:code/webhook-discard', csrf, async (req, reply) => {
    if (!confirmed(req)) return await askFirst(req, reply, 'webhook-discard')
    return await act(app, req, reply, `/v1/admin/webhooks/${encodeURIComponent(req.params.code)}/discard`, { reason: field(req.body, 'reason') }, dossierPath(req.params.code))
  })

  app.post<{ Params: Params }>('/dossiers/:code/review', csrf, async (req, reply) => {
    const target = field(req.body, 'target')
    // The revision the officer decided on, when the form carries it: a change since answers 409.
    const revision = Number(field(req.body, 'revision'))
    const back = field(req.body, 'back') === 'review' ? '/admin/review' : dossierPath(req.params.code)
    return await act(app, req, reply, `/v1/admin/dossiers/${encodeURIComponent(req.params.code)}/review`, {
      communeCode: field(req.body, 'communeCode'), ...(target === '' ? {} : { target }), ...(Number.isInteger(revision) && revision > 0 ? { revision } : {})
    }, back)
  })

  app.post<{ Params: Params }>('/dossiers/:code/route', csrf, async (req, reply) => {
    const back = field(req.body, 'back') === 'review' ? '/admin/review' : dossierPath(req.params.code)
    return await act(app, req, reply, `/v1/admin/dossiers/${encodeURIComponent(req.params.code)}/route`, { clientId: field(req.body, 'clientId') }, back)
  })
}
