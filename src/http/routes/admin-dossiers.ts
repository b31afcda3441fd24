/**
 * `GET /v1/admin/dossiers/all`: every dossier in the admin's scope kept in full, newest first,
 * with the failed list's filters and paging (store/dossier-index.ts); and
 * `GET /v1/admin/dossiers/search?q=`: the dossiers a code or a receipt number names, exactly
 * (an officer on the phone has one of the two). Names and other personal data are not
 * searchable: that would need a plaintext index of them, which the gateway does not keep.
 */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { decodePlace } from '../../domain/cursor.js'
import { PAGE_PARAMS, PLACE_FILTERS, agenciesOf, pageSchema, pageReply, rangeOf } from './list-query.js'
import { queryErrorReplies, rateLimitOf } from '../schemas.js'
import { callerOf } from '../plugins/auth.js'
import { may, type Client } from '../../domain/access.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import { PORTAL_SYSTEM } from '../../store/keys.js'
import { countDossiers, findExact, listedOf, pageDossiers, type ListQuery, type Listed } from '../../store/dossier-index.js'

export const STATES = ['pending', 'delivered', 'failed', 'needs-review', 'unrouted', 'discarded'] as const
const StateSchema = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('needs-review'), Type.Literal('unrouted'), Type.Literal('discarded')])

const Item = Type.Object({
  maHoSo: Type.String(),
  agency: Type.String(),
  system: Type.String({ description: 'the sector system (an online dossier\'s routed one; `portal` while unrouted)' }),
  sourceId: Type.String({ description: 'the sector\'s own dossier number (its receipt number); an online dossier\'s code until linked' }),
  state: StateSchema,
  status: Type.String({ description: 'the portal status code (TrangThaiHoSo)' }),
  receivedAt: Type.String({ description: 'when the gateway first took it in: what the list is ordered and from/to filter by' }),
  updatedAt: Type.String(),
  overdue: Type.Boolean(),
  compacted: Type.Boolean({ description: 'final and delivered long ago: only its code, status and dates are kept (found by search, not listed)' }),
  commune: Type.Optional(Type.String({ description: 'the commune of the dossier\'s first intake (its statistics dimension, what the commune filter matches)' })),
  procedure: Type.Optional(Type.String({ description: 'the procedure of the dossier\'s first intake (as commune)' }))
})

const SearchItem = Type.Intersect([Item, Type.Object({ matchedBy: Type.Union([Type.Literal('code'), Type.Literal('receipt')]) })])

function itemOf (d: Listed): Static<typeof Item> {
  return {
    maHoSo: d.maHoSo,
    agency: d.agency,
    system: d.system,
    sourceId: d.sourceId,
    state: d.state,
    status: d.status,
    receivedAt: isoFromEpoch(d.createdAt),
    updatedAt: isoFromEpoch(d.updatedAt || d.createdAt),
    overdue: d.overdue,
    compacted: d.compacted,
    ...(d.commune === undefined ? {} : { commune: d.commune }),
    ...(d.procedure === undefined ? {} : { procedure: d.procedure })
  }
}

/** The admin's scope and the query's filters as one test of a record; none when nothing needs reading. */
function matcherOf (client: Client, q: { state?: string, system?: string, commune?: string, procedure?: string }): ListQuery['match'] {
  if (q.state === undefined && q.system === undefined && q.commune === undefined && q.procedure === undefined && client.systems === undefined) return undefined
  return d => (q.state === undefined || d.state === q.state) && (q.system === undefined || d.system === q.system) &&
    (q.commune === undefined || d.commune === q.commune) && (q.procedure === undefined || d.procedure === q.procedure) &&
    may(client, 'list', { agency: d.agency, system: d.system })
}

export default async function adminDossierRoutes (app: FastifyInstance): Promise<void> {
  const ctx = { redis: app.redis, keys: app.store.keys }

  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/dossiers/all', {
    schema: {
      tags: ['admin'],
      summary: 'Every dossier in scope kept in full, newest first, filtered and paginated',
      description: 'Paged from each agency\'s index of its dossiers (`lt:{A}:all`), never a scan of records. A compacted dossier (final and delivered, unchanged for the retention period) leaves the list and is found by search.',
      security: [{ apiKey: [] }],
      querystring: Type.Object({
        state: Type.Optional(StateSchema),
        ...PLACE_FILTERS,
        from: Type.Optional(Type.String({ format: 'date-time', description: 'received at or after' })),
        to: Type.Optional(Type.String({ format: 'date-time', description: 'received at or before' })),
        ...PAGE_PARAMS
      }, { additionalProperties: false }),
      response: {
        200: pageSchema(Item, 'a filter on state, system, commune or procedure (or the admin\'s systems)', 'dossiers'),
        ...queryErrorReplies
      }
    },
    config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    const q = req.query
    const range = rangeOf(q)
    const query: ListQuery = { agencies: await agenciesOf(app, client, q), range }
    const match = matcherOf(client, q)
    if (match !== undefined) query.match = match
    const cursor = q.cursor === undefined ? undefined : decodePlace(q.cursor)
    const [{ page, next }, count] = await Promise.all([pageDossiers(ctx, query, cursor, q.limit ?? 100), countDossiers(ctx, query)])
    const listed = await listedOf(ctx, page)
    return pageReply(listed.flatMap(d => d === undefined ? [] : [itemOf(d)]), count, next)
  })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/dossiers/search', {
    schema: {
      tags: ['admin'],
      summary: 'The dossiers a code (MaHoSo) or a receipt number names, exactly',
      description: 'A code is looked up in its agency; a receipt number (the sector\'s own dossier number) in every agency and system in scope. Exact only; the holder\'s name and other personal data are not searchable (no plaintext index of personal data is kept).',
      security: [{ apiKey: [] }],
      querystring: Type.Object({
        q: Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$', description: 'a dossier code or a receipt number, without surrounding spaces' })
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(SearchItem) }), ...queryErrorReplies }
    },
    config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    const agencies = (await app.store.agencies()).filter(a => may(client, 'list', { agency: a })).sort()
    const systems = (client.systems ?? app.registry.systems()).filter(s => s !== PORTAL_SYSTEM)
    const hits = await findExact(ctx, req.query.q, agencies, systems)
    const listed = await listedOf(ctx, hits)
    const items = []
    for (const [i, d] of listed.entries()) {
      if (d === undefined || !may(client, 'read', { agency: d.agency, system: d.system })) continue
      items.push({ ...itemOf(d), matchedBy: (hits[i] as { by: 'code' | 'receipt' }).by })
    }
    return { items }
  })
}
