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
import { decodePlace, encodePlace } from './cursor.js'
import { Message, errorReplies } from '../schemas/http.js'
import { inScope, seesAgency, type Client } from '../plugins/clients.js'
import { isoFromEpoch } from '../mappings/toolkit/dates.js'
import type { StoredDossier } from '../store/dossier-store.js'
import { adminGuard, scopeSystem } from './admin-guard.js'
import { REASONS, reasonOf } from './failure-reasons.js'
import { Attempt } from './dossiers.js'
import { WAITING_KINDS, isDossierKind, type WaitingKind } from '../store/waiting-store.js'
import { TOTAL_SCAN_MAX, countWaiting, pageWaiting, type WaitingEntry, type WaitingQuery } from '../store/waiting-scan.js'

const KindSchema = Type.Union([Type.Literal('delivery'), Type.Literal('webhook'), Type.Literal('review'), Type.Literal('unrouted'), Type.Literal('callback')])
type Kind = Static<typeof KindSchema>

const Item = Type.Object({
  kind: KindSchema,
  maHoSo: Type.String(),
  agency: Type.String(),
  system: Type.Optional(Type.String()),
  commune: Type.Optional(Type.String()),
  procedure: Type.Optional(Type.String()),
  at: Type.String({ description: 'when it failed or started waiting' }),
  reason: Type.Object({ code: Type.String(), message: Message }),
  reply: Type.Optional(Type.String({ description: 'the portal\'s or the receiver\'s own words, as received (cut)' })),
  attempts: Type.Optional(Type.Integer({ description: 'how many times it was tried' })),
  attemptLog: Type.Optional(Type.Array(Attempt, { description: 'delivery: every portal attempt, oldest first (as in GET /v1/dossiers/:maHoSo)' })),
  eventId: Type.Optional(Type.String()),
  maSuKien: Type.Optional(Type.String())
})
type Item = Static<typeof Item>

/** An entry of the list, as shown: read for the page only. */
async function itemsOf (app: FastifyInstance, page: WaitingEntry[]): Promise<Item[]> {
  const dossierPlaces = page.map(e => isDossierKind(e.kind) ? { agency: e.agency, ref: e.member } : undefined)
  const webhooks = await Promise.all(page.map(async e => e.kind === 'webhook' ? await app.store.webhooks.failedOf(e.agency, e.member) : undefined))
  const whPlaces = await Promise.all(page.map(async e => e.kind === 'webhook' ? await app.store.locate(e.member) : undefined))
  const records = await app.store.loadEach(page.map((_, i) => dossierPlaces[i] ?? whPlaces[i] ?? { agency: '-', ref: '-' }))
  const callbacks = new Map<number, Record<string, unknown> | undefined>()
  for (const agency of new Set(page.filter(e => e.kind === 'callback').map(e => e.agency))) {
    const idx = page.flatMap((e, i) => e.kind === 'callback' && e.agency === agency ? [i] : [])
    const entries = await app.store.waiting.unmatchedEntries(agency, idx.map(i => (page[i] as WaitingEntry).member))
    idx.forEach((i, j) => callbacks.set(i, entries[j]))
  }
  const items: Item[] = []
  const deliveries = new Map<Item, { agency: string, ref: string }>()
  for (const [i, e] of page.entries()) {
    const at = isoFromEpoch(e.score)
    const d = records[i]
    if (e.kind === 'callback') {
      const u = callbacks.get(i) as { reason?: string, maSuKien?: string, maHoSo?: string } | undefined
      if (u !== undefined) items.push({ kind: 'callback', maHoSo: u.maHoSo ?? '', agency: e.agency, at, reason: reasonOf(u.reason ?? 'UNKNOWN_DOSSIER'), maSuKien: u.maSuKien ?? e.member })
    } else if (e.kind === 'webhook') {
      const f = webhooks[i]
      if (f === undefined) continue
      const base = d === undefined ? { kind: 'webhook' as const, maHoSo: e.member, agency: e.agency, at, reason: reasonOf(f.code) } : fromDossier('webhook', d, at, f.code)
      items.push({ ...base, attempts: f.attempts, eventId: f.id, ...(f.lastResponse === undefined ? {} : { reply: f.lastResponse }) })
    } else if (d !== undefined) {
      if (e.kind === 'delivery') {
        const item = fromDossier('delivery', d, at, d.failure?.code ?? 'FAILED', d.failure?.reason)
        deliveries.set(item, { agency: d.agency, ref: d.ref })
        items.push(item)
      } else if (e.kind === 'review') items.push(fromDossier('review', d, at, d.review?.[0]?.code ?? 'COMMUNE_SPLIT'))
      else items.push(fromDossier('unrouted', d, at, d.routing?.reason?.code ?? 'NO_ROUTE'))
    }
  }
  // Every portal attempt of each listed delivery, for the page only.
  await Promise.all([...deliveries].map(async ([item, place]) => {
    item.attemptLog = await app.store.attempts(place.agency, place.ref)
    item.attempts = item.attemptLog.length
  }))
  return items
}

function fromDossier (kind: Kind, d: StoredDossier, at: string, code: string, reply?: string): Item {
  // An unreadable document (or one gone since the index was read) shows without them.
  const read = <T>(f: () => T): T | undefined => { try { return f() } catch { return undefined } }
  const commune = read(() => d.input.agency.communeCode)
  const procedure = read(() => d.input.procedure.code)
  return {
    kind,
    maHoSo: d.maHoSo,
    agency: d.agency,
    system: scopeSystem(d),
    ...(commune === undefined ? {} : { commune }),
    ...(procedure === undefined ? {} : { procedure }),
    at,
    reason: reasonOf(code),
    ...(reply === undefined || reply === '' ? {} : { reply: reply.slice(0, 500) })
  }
}

/** The admin's scope and the query's filters as one test of an entry's facts; none when nothing needs reading. */
export function matcherOf (client: Client, q: { system?: string, commune?: string, procedure?: string, reason?: string }): WaitingQuery['match'] {
  if (q.system === undefined && q.commune === undefined && q.procedure === undefined && q.reason === undefined && client.systems === undefined) return undefined
  return (e, f) => (q.system === undefined || f.system === q.system) && (q.commune === undefined || f.commune === q.commune) &&
    (q.procedure === undefined || f.procedure === q.procedure) && (q.reason === undefined || f.reason === q.reason) &&
    // An admin limited to some systems sees theirs; a callback has no system yet: unrestricted admins only.
    (f.system === undefined ? client.systems === undefined : inScope(client, e.agency, f.system))
}

/** The kinds a query can match: callbacks carry no system, commune or procedure. */
export function kindsOf (client: Client, q: { kind?: Kind, system?: string, commune?: string, procedure?: string }): WaitingKind[] {
  return WAITING_KINDS.filter(k => (q.kind === undefined || q.kind === k) &&
    (k !== 'callback' || (client.systems === undefined && q.system === undefined && q.commune === undefined && q.procedure === undefined)))
}

export default async function adminFailedRoutes (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/failed', {
    schema: {
      tags: ['admin'],
      summary: 'Everything that waits for a person, filtered and paginated',
      security: [{ apiKey: [] }],
      querystring: Type.Object({
        kind: Type.Optional(KindSchema),
        system: Type.Optional(Type.String({ maxLength: 40 })),
        province: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{1,5}$' })),
        agency: Type.Optional(Type.String({ maxLength: 30 })),
        commune: Type.Optional(Type.String({ pattern: '^\\d{5}$' })),
        procedure: Type.Optional(Type.String({ maxLength: 50 })),
        reason: Type.Optional(Type.String({ maxLength: 40, description: `a reason code: ${Object.keys(REASONS).join(', ')}` })),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        cursor: Type.Optional(Type.String({ maxLength: 500 }))
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Item),
          total: Type.Integer({ description: 'every match of the filter, on all pages' }),
          totalIsLowerBound: Type.Optional(Type.Boolean({ description: `present when a filter on system, commune, procedure or reason (or the admin's systems) had more than ${TOTAL_SCAN_MAX} entries to look at: total counts those seen` })),
          nextCursor: Type.Optional(Type.String())
        }),
        ...errorReplies
      }
    },
    ...adminGuard(app, 'viewer')
  }, async (req) => {
    const client = app.requireClient(req)
    const q = req.query
    const agencies = (await app.store.agencies()).filter(a => seesAgency(client, a) &&
      (q.agency === undefined || a === q.agency) && (q.province === undefined || a.endsWith(`.${q.province}`))).sort()
    await app.store.waiting.upgrade(agencies)
    const query: WaitingQuery = {
      agencies,
      kinds: kindsOf(client, q),
      range: { ...(q.from === undefined ? {} : { min: Date.parse(q.from) }), ...(q.to === undefined ? {} : { max: Date.parse(q.to) }) }
    }
    const match = matcherOf(client, q)
    if (match !== undefined) query.match = match
    const cursor = q.cursor === undefined ? undefined : decodePlace(q.cursor)
    const [{ page, next }, count] = await Promise.all([pageWaiting(app.store, query, cursor, q.limit ?? 100), countWaiting(app.store, query)])
    const items = await itemsOf(app, page)
    return {
      items,
      total: count.total,
      ...(count.exact ? {} : { totalIsLowerBound: true }),
      ...(next === undefined ? {} : { nextCursor: encodePlace(next) })
    }
  })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/failed/counts', {
    schema: {
      tags: ['admin'],
      summary: 'How many entries of each kind wait for a person (what the overview shows), without listing them',
      description: 'One ZCOUNT per agency and kind. For an admin limited to some systems each entry\'s system must be looked at (a scan of small record fields, bounded: see totalIsLowerBound).',
      security: [{ apiKey: [] }],
      response: {
        200: Type.Object({
          counts: Type.Record(Type.String(), Type.Integer()),
          totalIsLowerBound: Type.Optional(Type.Boolean())
        }),
        ...errorReplies
      }
    },
    ...adminGuard(app, 'viewer')
  }, async (req) => {
    const client = app.requireClient(req)
    const agencies = (await app.store.agencies()).filter(a => seesAgency(client, a))
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
