/**
 * `GET /v1/dossiers?overdue=true` and `?dueWithin=PT24H`: open dossiers past their due date, or
 * due soon, earliest due first, paginated with an opaque cursor. Read from the per-agency
 * deadline indexes (never a scan of dossiers); a sector client sees its agencies and system.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { InputError } from '../../domain/errors.js'
import { decodeCursor, decodePlace, encodePlace, mergeSources, type Place } from '../../domain/cursor.js'
import { queryErrorReplies, rateLimitOf } from '../schemas.js'
import { callerOf } from '../plugins/auth.js'
import { may } from '../../domain/access.js'
import { durationMs } from '../../adapters/iso-duration.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'

const MAX_WINDOW_MS = 366 * 86_400_000

const Item = Type.Object({
  maHoSo: Type.String(),
  agency: Type.String(),
  system: Type.String(),
  sourceId: Type.String(),
  status: Type.String(),
  dueAt: Type.String(),
  overdue: Type.Boolean()
})

/** Cursors of this list before the shared form (`{ s, a, r }`) still read back. */
function decode (text: string): Place {
  try {
    const c = decodeCursor<{ s: number, a: string, r: string }>(text, c => typeof c.s === 'number' && typeof c.a === 'string' && typeof c.r === 'string')
    return { score: c.s, tie: [c.a, c.r] }
  } catch {
    return decodePlace(text)
  }
}

export default async function dossierListRoutes (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/dossiers', {
    schema: {
      tags: ['dossiers'],
      summary: 'Open dossiers overdue or due soon, earliest due first',
      querystring: Type.Object({
        overdue: Type.Optional(Type.Boolean({ description: 'open dossiers past their due date' })),
        dueWithin: Type.Optional(Type.String({ maxLength: 40, description: 'open dossiers due within this ISO 8601 duration from now, e.g. PT24H' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        cursor: Type.Optional(Type.String({ maxLength: 500 }))
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Item), nextCursor: Type.Optional(Type.String()) }), ...queryErrorReplies }
    },
    config: { auth: { roles: ['sector', 'viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    const q = req.query
    if ((q.overdue === true) === (q.dueWithin !== undefined)) {
      throw new InputError('FILTER_REQUIRED', 400, {
        vi: 'Cần đúng một bộ lọc: overdue=true hoặc dueWithin (ví dụ PT24H)', en: 'Give exactly one filter: overdue=true or dueWithin (e.g. PT24H)'
      }, { field: q.overdue === true ? 'dueWithin' : 'overdue' })
    }
    const now = Date.now()
    let which: 'overdue' | 'due' = 'overdue'
    let until = Number.MAX_SAFE_INTEGER
    if (q.dueWithin !== undefined) {
      const ms = durationMs(q.dueWithin)
      if (ms === undefined || ms > MAX_WINDOW_MS) {
        throw new InputError('BAD_DURATION', 400, {
          vi: 'dueWithin phải là khoảng thời gian ISO 8601 theo ngày, giờ, phút (ví dụ PT24H, P3D), tối đa 366 ngày',
          en: 'dueWithin must be an ISO 8601 duration in days, hours or minutes (e.g. PT24H, P3D), at most 366 days'
        }, { field: 'dueWithin' })
      }
      which = 'due'
      until = now + ms
    }
    const limit = q.limit ?? 100
    const cursor = q.cursor === undefined ? undefined : decode(q.cursor)
    const agencies = (await app.store.agencies()).filter(a => may(client, 'list', { agency: a }))
    const range = which === 'due' ? { min: now, max: until } : {}
    // Each agency's index paged in Redis from the cursor, merged in one order: ties on one due
    // date (every date-only due date is 23:59:59) page like any other entries.
    const sources = agencies.map(a => ({ prefix: [a], fetch: app.store.lifecycle.source(a, which, range) }))
    const page: Array<{ agency: string, ref: string, dueAt: number }> = []
    let more = false
    for await (const e of mergeSources(sources, 'asc', cursor, limit + 1)) {
      if (page.length === limit) { more = true; break }
      page.push({ agency: e.tie[0] as string, ref: e.member, dueAt: e.score })
    }
    const records = await app.store.loadEach(page.map(x => ({ agency: x.agency, ref: x.ref })), { documents: false })
    const items = []
    for (const [i, d] of records.entries()) {
      if (d === undefined || !may(client, 'list', d)) continue
      items.push({ maHoSo: d.maHoSo, agency: d.agency, system: d.system, sourceId: d.sourceId, status: d.status, dueAt: isoFromEpoch(page[i]?.dueAt ?? 0), overdue: d.overdue })
    }
    const last = page.at(-1)
    if (last === undefined || !more) return { items }
    return { items, nextCursor: encodePlace({ score: last.dueAt, tie: [last.agency, last.ref] }) }
  })
}
