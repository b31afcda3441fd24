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
import { decodeCursor, encodeCursor } from './cursor.js'
import { Message, errorReplies } from '../schemas/http.js'
import { inScope, seesAgency } from '../plugins/clients.js'
import { isoFromEpoch } from '../mappings/toolkit/dates.js'
import type { StoredDossier } from '../store/dossier-store.js'
import { adminGuard, scopeSystem } from './admin-guard.js'
import { REASONS, reasonOf } from './failure-reasons.js'
import { Attempt } from './dossiers.js'

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

interface Cursor { at: string, k: string }

function key (i: Item): string { return `${i.kind}|${i.maHoSo}|${i.eventId ?? i.maSuKien ?? ''}` }

function decode (text: string): Cursor {
  return decodeCursor<Cursor>(text, c => typeof c.at === 'string' && typeof c.k === 'string')
}

/** Newest first; ties by key, so a cursor names one place in the order. */
function before (a: Item, b: Item): number {
  const ta = Date.parse(a.at)
  const tb = Date.parse(b.at)
  return ta !== tb ? tb - ta : key(a).localeCompare(key(b))
}

/** The record behind a listed item, replaced by the full record once the item is on the page. */
const SOURCE = new WeakMap<Item, { d: StoredDossier }>()

function fromDossier (kind: Kind, d: StoredDossier, at: string, code: string, reply?: string): Item {
  const src = { d }
  const item: Item = {
    kind,
    maHoSo: d.maHoSo,
    agency: d.agency,
    system: scopeSystem(d),
    at,
    reason: reasonOf(code),
    ...(reply === undefined || reply === '' ? {} : { reply: reply.slice(0, 500) })
  }
  // Read from the record only when a filter or the page needs them: the record is compressed,
  // and the list holds every failed dossier while a page shows a hundred.
  SOURCE.set(item, src)
  // An unreadable record (or one gone since the list was read) shows without them.
  const read = <T>(f: () => T): T | undefined => { try { return f() } catch { return undefined } }
  return Object.defineProperties(item, {
    commune: { enumerable: true, configurable: true, get: () => read(() => src.d.input.agency.communeCode) },
    procedure: { enumerable: true, configurable: true, get: () => read(() => src.d.input.procedure.code) }
  })
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
      response: { 200: Type.Object({ items: Type.Array(Item), total: Type.Integer({ description: 'every match of the filter, on all pages' }), nextCursor: Type.Optional(Type.String()) }), ...errorReplies }
    },
    ...adminGuard(app, 'viewer')
  }, async (req) => {
    const client = app.requireClient(req)
    const q = req.query
    const wants = (k: Kind): boolean => q.kind === undefined || q.kind === k
    const agencies = (await app.store.agencies()).filter(a => seesAgency(client, a) &&
      (q.agency === undefined || a === q.agency) && (q.province === undefined || a.endsWith(`.${q.province}`)))
    const items: Item[] = []
    // Records are read without their documents unless a filter needs what is in them; the
    // page's own are read in full at the end.
    const documents = q.commune !== undefined || q.procedure !== undefined
    for (const agency of agencies) {
      // Dossiers by state: the per-agency indexes the scripts keep.
      const states = ([['delivery', 'failed'], ['review', 'needs-review'], ['unrouted', 'unrouted']] as const).filter(([k]) => wants(k))
      for (const [kind, state] of states) {
        const refs = (await app.store.listByStateOf(agency, state))
        for (const d of await app.store.loadEach(refs.map(ref => ({ agency, ref })), { documents })) {
          if (d === undefined || d.state !== state) continue
          if (kind === 'delivery') items.push(fromDossier(kind, d, d.failure?.at ?? isoFromEpoch(d.updatedAt), d.failure?.code ?? 'FAILED', d.failure?.reason))
          else if (kind === 'review') items.push(fromDossier(kind, d, isoFromEpoch(d.updatedAt), d.review?.[0]?.code ?? 'COMMUNE_SPLIT'))
          else items.push(fromDossier(kind, d, d.routing?.at ?? isoFromEpoch(d.updatedAt), d.routing?.reason?.code ?? 'NO_ROUTE'))
        }
      }
      if (wants('webhook')) {
        const failed = await app.store.webhooks.failedByCode(agency)
        const places = await Promise.all(failed.map(async ([code]) => await app.store.locate(code)))
        const records = await app.store.loadEach(places.map(p => p ?? { agency, ref: '-' }))
        failed.forEach(([code, f], i) => {
          const d = records[i]
          const base = d === undefined ? { kind: 'webhook' as const, maHoSo: code, agency, at: f.at, reason: reasonOf(f.code) } : fromDossier('webhook', d, f.at, f.code)
          items.push({ ...base, attempts: f.attempts, eventId: f.id, ...(f.lastResponse === undefined ? {} : { reply: f.lastResponse }) })
        })
      }
      if (wants('callback')) {
        for (const u of await app.store.portal.unmatched(agency, 10_000) as Array<{ at: string, reason: string, maSuKien: string, maHoSo: string }>) {
          items.push({ kind: 'callback', maHoSo: u.maHoSo, agency, at: u.at, reason: reasonOf(u.reason), maSuKien: u.maSuKien })
        }
      }
    }
    const from = q.from === undefined ? undefined : Date.parse(q.from)
    const to = q.to === undefined ? undefined : Date.parse(q.to)
    const matched = items.filter(i =>
      (q.system === undefined || i.system === q.system) && (q.commune === undefined || i.commune === q.commune) &&
      (q.procedure === undefined || i.procedure === q.procedure) && (q.reason === undefined || i.reason.code === q.reason) &&
      (from === undefined || Date.parse(i.at) >= from) && (to === undefined || Date.parse(i.at) <= to) &&
      // An admin limited to some systems sees theirs; callbacks carry no system.
      (i.system === undefined ? client.systems === undefined : inScope(client, i.agency, i.system)))
      .sort(before)
    const cursor = q.cursor === undefined ? undefined : decode(q.cursor)
    // The page starts after the cursor's place in the order, even if that entry is gone since.
    const rest = cursor === undefined
      ? matched
      : matched.filter(i => {
        const t = Date.parse(i.at)
        const tc = Date.parse(cursor.at)
        return t < tc || (t === tc && key(i) > cursor.k)
      })
    const limit = q.limit ?? 100
    const page = rest.slice(0, limit)
    if (!documents) {
      const srcs = page.map(i => SOURCE.get(i)).filter(s => s !== undefined)
      const full = await app.store.loadEach(srcs.map(s => ({ agency: s.d.agency, ref: s.d.ref })))
      srcs.forEach((s, k) => { const f = full[k]; if (f !== undefined) s.d = f })
    }
    // Every portal attempt of each listed delivery, for the page only.
    await Promise.all(page.map(async (i) => {
      const src = SOURCE.get(i)
      if (i.kind !== 'delivery' || src === undefined) return
      i.attemptLog = await app.store.attempts(src.d.agency, src.d.ref)
      i.attempts = i.attemptLog.length
    }))
    const last = page.at(-1)
    return rest.length > limit && last !== undefined
      ? { items: page, total: matched.length, nextCursor: encodeCursor({ at: last.at, k: key(last) }) }
      : { items: page, total: matched.length }
  })
}
