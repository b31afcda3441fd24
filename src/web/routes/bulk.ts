/**
 * Bulk replay: choose a filter, see the count before starting, start, watch the progress live
 * (a small script polls the job's state; without it, reloading shows it), cancel.
 */
import type { FastifyInstance } from 'fastify'
import { callApi, query } from '../api.js'
import { pageData, signedIn } from '../context.js'
import { apiFilter, badDays, readFilter, type Filter } from './failed.js'

const BULK_FIELDS = ['system', 'agency', 'province', 'reason', 'from', 'to'] as const

function bulkFilter (q: Record<string, unknown>): Filter {
  const f = readFilter(q)
  const out: Filter = {}
  for (const k of BULK_FIELDS) if (f[k] !== undefined) out[k] = f[k]
  return out
}

interface AuditItem { action: string, target?: string, at: string, actor: string }

export default async function bulkRoutes (app: FastifyInstance): Promise<void> {
  app.get('/replays', async (req, reply) => {
    const me = signedIn(req)
    const q = req.query as Record<string, unknown>
    const filter = bulkFilter(q)
    const bad = badDays(filter)
    const counted = q.count === '1' && bad.length === 0
      ? await callApi<{ total: number }>(app, me, 'GET', `/v1/admin/failed${query({ ...apiFilter(filter), kind: 'delivery', limit: 1 })}`)
      : undefined
    // Jobs have no list of their own: the audit log names each one started.
    const audit = await callApi<{ items: AuditItem[] }>(app, me, 'GET', '/v1/admin/audit?limit=200')
    const recent = audit.ok ? audit.body.items.filter(i => i.action === 'replay.create' && i.target !== undefined).slice(0, 10) : []
    return await reply.view('bulk', {
      ...pageData(req, reply),
      filter,
      badDays: bad,
      systems: app.registry.systems(),
      count: counted?.ok === true ? counted.body.total : undefined,
      error: counted?.error,
      recent
    })
  })

  app.post('/replays', { preHandler: app.csrfProtection }, async (req, reply) => {
    const me = signedIn(req)
    const filter = apiFilter(bulkFilter(req.body as Record<string, unknown>))
    const r = await callApi<{ id: string }>(app, me, 'POST', '/v1/admin/replays', { filter: Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) })
    if (!r.ok) return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back: '/admin/replays' })
    return await reply.redirect(`/admin/replays/${r.body.id}`, 303)
  })

  app.get<{ Params: { id: string } }>('/replays/:id', async (req, reply) => {
    const r = await callApi(app, signedIn(req), 'GET', `/v1/admin/replays/${encodeURIComponent(req.params.id)}`)
    if (!r.ok) return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back: '/admin/replays' })
    return await reply.view('replay', { ...pageData(req, reply), job: r.body })
  })

  /** The progress the page's script polls: the API's job, as JSON. */
  app.get<{ Params: { id: string } }>('/replays/:id/progress', async (req, reply) => {
    const r = await callApi(app, signedIn(req), 'GET', `/v1/admin/replays/${encodeURIComponent(req.params.id)}`)
    return await reply.code(r.status).type('application/json').send(r.ok ? r.body : r.error)
  })

  app.post<{ Params: { id: string } }>('/replays/:id/cancel', { preHandler: app.csrfProtection }, async (req, reply) => {
    const back = `/admin/replays/${encodeURIComponent(req.params.id)}`
    const r = await callApi(app, signedIn(req), 'POST', `/v1/admin/replays/${encodeURIComponent(req.params.id)}/cancel`)
    if (!r.ok) return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back })
    return await reply.redirect(back, 303)
  })
}
