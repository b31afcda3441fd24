/**
 * `GET /v1/admin/failed`: everything that waits for a person, in one list: portal deliveries that
 * failed, webhook events that failed, dossiers held for review, online dossiers nobody was given,
 * and callbacks for codes nobody here knows. Filtered, newest first, paginated with a cursor over
 * every match (not a first page of each kind). Reasons are the gateway's classified codes with a
 * message in Vietnamese and English, and the portal's or the receiver's own reply beside them.
 */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { decodePlace } from '../../domain/cursor.js'
import { PAGE_PARAMS, PLACE_FILTERS, agenciesOf, pageSchema, pageReply, rangeOf } from './list-query.js'
import { queryErrorReplies, rateLimitOf, readErrorReplies } from '../schemas.js'
import { callerOf } from '../plugins/auth.js'
import { may, type Client } from '../../domain/access.js'
import { REASONS } from './failure-reasons.js'
import { WAITING_KINDS, type WaitingKind } from '../../store/waiting-store.js'
import { countWaiting, pageWaiting, type WaitingQuery } from '../../store/waiting-scan.js'
import { Item, KindSchema, itemsOf } from './admin-failed-items.js'

type Kind = Static<typeof KindSchema>

/** The admin's scope and the query's filters as one test of an entry's facts; none when nothing needs reading. */
export function matcherOf (client: Client, q: { system?: string, commune?: string, procedure?: string, reason?: string }): WaitingQuery['match'] {
  if (q.system === undefined && q.commune === undefined && q.procedure === undefined && q.reason === undefined && client.systems === undefined) return undefined
  return (e, f) => (q.system === undefined || f.system === q.system) && (q.commune === undefined || f.commune === q.commune) &&
    (q.procedure === undefined || f.procedure === q.procedure) && (q.reason === undefined || f.reason === q.reason) &&
    // An admin limited to some systems sees theirs; a callback has no system yet: unrestricted admins only.
    may(client, 'list', { agency: e.agency, system: f.system ?? null })
}

/** The kinds a query can match: callbacks carry no system, commune or procedure. */
export function kindsOf (client: Client, q: { kind?: Kind, system?: string, commune?: string, procedure?: string }): WaitingKind[] {
  return WAITING_KINDS.filter(k => (q.kind === undefined || q.kind === k) &&
    (k !== 'callback' || (may(client, 'list', { system: null }) && q.system === undefined && q.commune === undefined && q.procedure === undefined)))
}

export default async function adminFailedRoutes (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/failed', {
    schema: {
      tags: ['admin'],
      summary: 'Everything that waits for a person, filtered and paginated',
      querystring: Type.Object({
        kind: Type.Optional(KindSchema),
        ...PLACE_FILTERS,
        reason: Type.Optional(Type.String({ maxLength: 40, description: `a reason code: ${Object.keys(REASONS).join(', ')}` })),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        ...PAGE_PARAMS
      }, { additionalProperties: false }),
      response: {
        200: pageSchema(Item, 'a filter on system, commune, procedure or reason (or the admin\'s systems)', 'entries'),
        ...queryErrorReplies
      }
    },
    config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    const q = req.query
    const range = rangeOf(q)
    const agencies = await agenciesOf(app, client, q)
    await app.store.waiting.upgrade(agencies)
    const query: WaitingQuery = { agencies, kinds: kindsOf(client, q), range }
    const match = matcherOf(client, q)
    if (match !== undefined) query.match = match
    const cursor = q.cursor === undefined ? undefined : decodePlace(q.cursor)
    const [{ page, next }, count] = await Promise.all([pageWaiting(app.store, query, cursor, q.limit ?? 100), countWaiting(app.store, query)])
    return pageReply(await itemsOf(app, page), count, next)
  })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/failed/counts', {
    schema: {
      tags: ['admin'],
      summary: 'How many entries of each kind wait for a person (what the overview shows), without listing them',
      description: 'One ZCOUNT per agency and kind. For an admin limited to some systems each entry\'s system must be looked at (a scan of small record fields, bounded: see totalIsLowerBound).',
      response: {
        200: Type.Object({
          counts: Type.Record(Type.String(), Type.Integer()),
          totalIsLowerBound: Type.Optional(Type.Boolean())
        }),
        ...readErrorReplies
      }
    },
    config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    const agencies = (await app.store.agencies()).filter(a => may(client, 'list', { agency: a }))
    await app.store.waiting.upgrade(agencies)
    const match = matcherOf(client, {})
    const counts: Record<string, number> = {}
    let exact = true
    for (const kind of WAITING_KINDS) {
      const kinds = kindsOf(client, { kind })
      const c = await countWaiting(app.store, { agencies, kinds, range: {}, ...(match === undefined ? {} : { match }) })
      counts[kind] = c.total
      exact &&= c.exact
    }
    return { counts, ...(exact ? {} : { totalIsLowerBound: true }) }
  })
}
