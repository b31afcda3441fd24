/**
 * Failed syncs: `GET /v1/admin/failed` with its filters and cursor paging, each entry's reason in
 * plain words. Dates in the filter are local days (Asia/Ho_Chi_Minh).
 */
import type { FastifyInstance } from 'fastify'
import { REASONS } from '../../http/routes/failure-reasons.js'
import { callApi, query } from '../api.js'
import { pageData, signedIn } from '../context.js'
import { parseTyped } from '../i18n.js'

export const FILTER_FIELDS = ['kind', 'system', 'province', 'agency', 'commune', 'procedure', 'reason', 'from', 'to'] as const
export type Filter = Partial<Record<(typeof FILTER_FIELDS)[number], string>>

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** The form's values, trimmed; anything else in the query is ignored. */
export function readFilter (q: Record<string, unknown>): Filter {
  const f: Filter = {}
  for (const k of FILTER_FIELDS) {
    const v = q[k]
    if (typeof v === 'string' && v.trim() !== '') f[k] = v.trim()
  }
  return f
}

/** dd/MM/yyyy (as shown) or yyyy-MM-dd → yyyy-MM-dd; anything else as typed, for the API to refuse. */
export function isoDay (d: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(d)
  return m === null ? d : `${m[3] ?? ''}-${(m[2] ?? '').padStart(2, '0')}-${(m[1] ?? '').padStart(2, '0')}`
}

/** A filter day the page cannot read, by field: shown beside it, and no list is asked for. */
export function badDays (f: Filter): Array<'from' | 'to'> {
  return (['from', 'to'] as const).filter(k => f[k] !== undefined && !DAY.test(parseTyped(f[k] ?? '') ?? ''))
}

/** Local days become instants: from the start of `from` to the end of `to`, at +07:00. */
export function apiFilter (f: Filter): Record<string, string | undefined> {
  const from = f.from === undefined ? undefined : isoDay(f.from)
  const to = f.to === undefined ? undefined : isoDay(f.to)
  return {
    ...f,
    from: from !== undefined && DAY.test(from) ? `${from}T00:00:00+07:00` : from,
    to: to !== undefined && DAY.test(to) ? `${to}T23:59:59.999+07:00` : to
  }
}

export default async function failedRoutes (app: FastifyInstance): Promise<void> {
  app.get('/failed', async (req, reply) => {
    const me = signedIn(req)
    const q = req.query as Record<string, unknown>
    const filter = readFilter(q)
    const cursor = typeof q.cursor === 'string' ? q.cursor : undefined
    const bad = badDays(filter)
    const common = { ...pageData(req, reply), filter, badDays: bad, systems: app.registry.systems(), reasons: Object.keys(REASONS) }
    if (bad.length > 0) return await reply.code(400).view('failed', { ...common, items: [], listed: false })
    const r = await callApi<{ items: unknown[], total: number, nextCursor?: string }>(app, me, 'GET', `/v1/admin/failed${query({ ...apiFilter(filter), limit: 50, cursor })}`)
    return await reply.code(r.ok ? 200 : r.status).view('failed', {
      ...common,
      listed: r.ok,
      items: r.ok ? r.body.items : [],
      total: r.ok ? r.body.total : 0,
      error: r.error,
      next: r.ok && r.body.nextCursor !== undefined ? `/admin/failed${query({ ...filter, cursor: r.body.nextCursor })}` : undefined,
      first: cursor === undefined ? undefined : `/admin/failed${query(filter)}`
    })
  })
}
