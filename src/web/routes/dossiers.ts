/**
 * "Tất cả hồ sơ": every dossier in the officer's scope (`GET /v1/admin/dossiers/all`) with the
 * failed list's filters and paging, and the search box of every page (`GET
 * /v1/admin/dossiers/search`): a code or a receipt number, exactly. One match opens the dossier.
 * Names are not searchable: that would need a plaintext index of personal data, not kept.
 */
import type { FastifyInstance } from 'fastify'
import { callApi, query } from '../api.js'
import { pageData, signedIn } from '../context.js'
import { apiFilter, badDays } from './failed.js'

const FIELDS = ['state', 'system', 'province', 'agency', 'commune', 'procedure', 'from', 'to'] as const
type Filter = Partial<Record<(typeof FIELDS)[number], string>>

function readFilter (q: Record<string, unknown>): Filter {
  const f: Filter = {}
  for (const k of FIELDS) {
    const v = q[k]
    if (typeof v === 'string' && v.trim() !== '') f[k] = v.trim()
  }
  return f
}

export default async function dossierListRoutes (app: FastifyInstance): Promise<void> {
  app.get('/dossiers', async (req, reply) => {
    const me = signedIn(req)
    const q = req.query as Record<string, unknown>
    const filter = readFilter(q)
    const cursor = typeof q.cursor === 'string' ? q.cursor : undefined
    const bad = badDays(filter)
    const common = { ...pageData(req, reply), filter, badDays: bad, systems: app.registry.systems(), search: undefined }
    if (bad.length > 0) return await reply.code(400).view('dossiers', { ...common, items: [], listed: false })
    const r = await callApi<{ items: unknown[], total: number, nextCursor?: string }>(app, me, 'GET', `/v1/admin/dossiers/all${query({ ...apiFilter(filter), limit: 50, cursor })}`)
    return await reply.code(r.ok ? 200 : r.status).view('dossiers', {
      ...common,
      listed: r.ok,
      items: r.ok ? r.body.items : [],
      total: r.ok ? r.body.total : 0,
      error: r.error,
      next: r.ok && r.body.nextCursor !== undefined ? `/admin/dossiers${query({ ...filter, cursor: r.body.nextCursor })}` : undefined,
      first: cursor === undefined ? undefined : `/admin/dossiers${query(filter)}`
    })
  })

  app.get('/search', async (req, reply) => {
    const me = signedIn(req)
    const raw = (req.query as Record<string, unknown>).q
    const text = typeof raw === 'string' ? raw.trim() : ''
    const common = { ...pageData(req, reply), filter: {}, badDays: [], systems: app.registry.systems(), search: text, first: undefined, next: undefined }
    if (text === '') return await reply.view('dossiers', { ...common, items: [], listed: false })
    const r = await callApi<{ items: Array<{ maHoSo: string }> }>(app, me, 'GET', `/v1/admin/dossiers/search${query({ q: text })}`)
    const only = r.ok && r.body.items.length === 1 ? r.body.items[0] : undefined
    if (only !== undefined) return await reply.redirect(`/admin/dossiers/${encodeURIComponent(only.maHoSo)}`, 303)
    return await reply.code(r.ok ? 200 : r.status).view('dossiers', { ...common, listed: r.ok, items: r.ok ? r.body.items : [], total: r.ok ? r.body.items.length : 0, error: r.error })
  })
}
