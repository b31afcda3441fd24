/**
 * A dossier: its canonical record, status and sync state, attempts, history, what happened on
 * the portal, webhook deliveries; its payloads as received, side by side (a separate, audited
 * read). Buttons send again, discard, settle or route it through the admin API; a viewer gets no
 * buttons, and the API refuses a viewer's post anyway.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { coversAgency } from '../../plugins/clients.js'
import { callApi } from '../api.js'
import { pageData, signedIn } from '../context.js'
import { flatten } from '../record-form.js'
import { changedLines, prettyPayload } from '../payload-view.js'

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

export default async function dossierRoutes (app: FastifyInstance): Promise<void> {
  const csrf = { preHandler: app.csrfProtection }

  app.get<{ Params: Params }>('/dossiers/:code', async (req, reply) => {
    const me = signedIn(req)
    const r = await callApi(app, me, 'GET', `/v1/dossiers/${encodeURIComponent(req.params.code)}`)
    if (!r.ok) return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back: '/admin/failed' })
    const v = r.body
    const { schemaVersion: _s, ...record } = v.dossier as Record<string, unknown>
    const agency = String(v.dossier.agency.code)
    // Who may receive an unrouted dossier: the API checks the same when it is routed.
    const receivers = v.sync.state === 'unrouted'
      ? app.clients().filter(c => c.role === 'sector' && c.webhook !== undefined && coversAgency(c.agencies, agency)).map(c => ({ id: c.id, system: c.system ?? '' }))
      : []
    return await reply.view('dossier', {
      ...pageData(req, reply),
      v,
      rows: flatten(record),
      receivers,
      done: (req.query as { done?: string }).done === '1'
    })
  })

  app.get<{ Params: Params }>('/dossiers/:code/payloads', async (req, reply) => {
    const me = signedIn(req)
    const r = await callApi<{ items: Array<{ receivedAt: string, clientId: string, contentType: string, sha256: string, mappingVersion: string, body: string }> }>(app, me, 'GET', `/v1/admin/dossiers/${encodeURIComponent(req.params.code)}/payloads`)
    if (!r.ok) return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back: dossierPath(req.params.code) })
    const items = r.body.items.map(p => ({ ...p, text: prettyPayload(p.body, p.contentType) }))
    // Newest first: each revision is compared with the one received before it.
    // Only payloads of one format compare line by line (an operator's correction is canonical JSON).
    const format = (p: { mappingVersion: string }): string => p.mappingVersion.split('@')[0] ?? ''
    const columns = items.map((p, i) => {
      const older = items[i + 1]
      return { ...p, lines: changedLines(p.text, older !== undefined && format(older) === format(p) ? older.text : undefined) }
    })
    return await reply.view('payloads', { ...pageData(req, reply), code: req.params.code, columns })
  })

  app.post<{ Params: Params }>('/dossiers/:code/replay', csrf, async (req, reply) => {
    return await act(app, req, reply, `/v1/admin/dossiers/${encodeURIComponent(req.params.code)}/replay`, {}, dossierPath(req.params.code))
  })

  app.post<{ Params: Params }>('/dossiers/:code/discard', csrf, async (req, reply) => {
    return await act(app, req, reply, `/v1/admin/dossiers/${encodeURIComponent(req.params.code)}/discard`, { reason: field(req.body, 'reason') }, dossierPath(req.params.code))
  })

  app.post<{ Params: Params }>('/dossiers/:code/webhook-replay', csrf, async (req, reply) => {
    return await act(app, req, reply, `/v1/admin/webhooks/${encodeURIComponent(req.params.code)}/replay`, {}, dossierPath(req.params.code))
  })

  app.post<{ Params: Params }>('/dossiers/:code/webhook-discard', csrf, async (req, reply) => {
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
