/** The audit log, newest first, a page of 50 at a time. */
import type { FastifyInstance } from 'fastify'
import { callApi, query } from '../api.js'
import { pageData, signedIn } from '../context.js'

export default async function auditRoutes (app: FastifyInstance): Promise<void> {
  app.get('/audit', async (req, reply) => {
    const before = (req.query as { before?: string }).before
    const r = await callApi<{ items: unknown[], next?: string }>(app, signedIn(req), 'GET', `/v1/admin/audit${query({ limit: 50, before })}`)
    return await reply.code(r.ok ? 200 : r.status).view('audit', {
      ...pageData(req, reply),
      items: r.ok ? r.body.items : [],
      error: r.error,
      next: r.ok && r.body.next !== undefined ? `/admin/audit${query({ before: r.body.next })}` : undefined,
      first: before === undefined ? undefined : '/admin/audit'
    })
  })
}
