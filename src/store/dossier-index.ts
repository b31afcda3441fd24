/**
 * Every dossier of an agency kept in full (`lt:{A}:all`, Keys.dossierIndex), newest first, and the
 * exact look-ups of the admin's search. Pages like the waiting lists (waiting-scan.ts): the
 * agencies' indexes paged in Redis from an exclusive cursor and merged in one order; a filter on
 * the entries (state, system, commune, procedure, an admin limited to some systems) reads small
 * record fields (one HMGET each, never the document) 200 entries at a time, a page looking at
 * most PAGE_SCAN_MAX, an exact total at most TOTAL_SCAN_MAX.
 *
 * Search is exact and needs no index of its own: a code names its agency and `codes` gives its
 * reference; a sector's receipt number is its own dossier number, which is the record's key
 * (`d:<system>:<number>`), so it is one HMGET per agency and system in scope. No personal data
 * (the holder's name, ids) is indexed, so it cannot be searched.
 */
import type { RedisClient } from './redis/connection.js'
import type { Keys } from './keys.js'
import { countMatches, pageIndex, pageOfMatches, type IndexRange } from './sorted-index.js'
import { valuesOf, type Command } from './redis/by-slot.js'
import { decodeRouting, type SyncState } from './records.js'
import { agencyOfCode, parseRef, sourceRef } from './keys.js'
import { mergeSources, type Place } from '../domain/cursor.js'
import { PAGE_SCAN_MAX, SCAN_BATCH, TOTAL_SCAN_MAX } from './waiting-scan.js'

/** What the list shows and filters on, from the record's small fields. */
export interface Listed {
  agency: string
  ref: string
  maHoSo: string
  /** The system it belongs to for scope: an online dossier's routed one, else its own. */
  system: string
  sourceId: string
  state: SyncState
  status: string
  createdAt: number
  updatedAt: number
  overdue: boolean
  compacted: boolean
  commune?: string
  procedure?: string
}

/** Where the indexes are: the connection and the key design. */
export interface IndexCtx { redis: RedisClient, keys: Keys }

export interface ListQuery {
  agencies: string[]
  range: IndexRange
  match?: (d: Listed) => boolean
}

export interface ListEntry extends Place { agency: string, ref: string }

const FIELDS = ['maHoSo', 'state', 'status', 'createdAt', 'updatedAt', 'overdue', 'compactedAt', 'routing', 'statsDims'] as const

function routedSystem (routing: string | null | undefined): string | undefined {
  if (routing === null || routing === undefined) return undefined
  try { return decodeRouting(routing).system } catch { return undefined }
}

/** The records of `places` as listed, in order; undefined for one that is gone. */
export async function listedOf (store: IndexCtx, places: Array<{ agency: string, ref: string }>): Promise<Array<Listed | undefined>> {
  const values = await valuesOf(store.redis, places.map(p => ['hmget', store.keys.dossier(p.agency, p.ref).dossier, ...FIELDS] as Command)) as Array<Array<string | null>>
  return places.map((p, i) => {
    const [maHoSo, state, status, createdAt, updatedAt, overdue, compactedAt, routing, dims] = values[i] ?? []
    if (maHoSo === null || maHoSo === undefined) return undefined
    const { system, sourceId } = parseRef(p.ref)
    const [commune, , procedure] = (dims ?? '').split('|')
    return {
      agency: p.agency,
      ref: p.ref,
      maHoSo,
      system: routedSystem(routing) ?? system,
      sourceId,
      state: (state ?? 'pending') as SyncState,
      status: status ?? '',
      createdAt: Number(createdAt ?? 0),
      updatedAt: Number(updatedAt ?? 0),
      overdue: overdue === '1',
      compacted: compactedAt !== null && compactedAt !== undefined,
      ...(commune === undefined || commune === '' ? {} : { commune }),
      ...(procedure === undefined || procedure === '' ? {} : { procedure })
    }
  })
}

/** Every entry after `cursor`, newest first, with its record when a filter needs it. */
async function * examine (store: IndexCtx, q: ListQuery, cursor: Place | undefined): AsyncGenerator<{ e: ListEntry, ok: boolean }> {
  const sources = q.agencies.map(agency => {
    const key = store.keys.dossierIndex(agency)
    return { prefix: [agency], fetch: async (after: Parameters<typeof pageIndex>[4], count: number) => await pageIndex(store.redis, key, 'desc', q.range, after, count) }
  })
  const match = q.match
  let batch: ListEntry[] = []
  const flush = async function * (): AsyncGenerator<{ e: ListEntry, ok: boolean }> {
    if (match === undefined) {
      for (const e of batch) yield { e, ok: true }
    } else {
      const listed = await listedOf(store, batch)
      for (const [i, e] of batch.entries()) {
        const d = listed[i]
        yield { e, ok: d !== undefined && match(d) }
      }
    }
    batch = []
  }
  for await (const m of mergeSources(sources, 'desc', cursor, SCAN_BATCH)) {
    batch.push({ score: m.score, tie: m.tie, agency: m.tie[0] as string, ref: m.member })
    if (match === undefined || batch.length >= SCAN_BATCH) yield * flush()
  }
  yield * flush()
}

/** One page after `cursor`, and where the next starts (absent: no more). */
export async function pageDossiers (store: IndexCtx, q: ListQuery, cursor: Place | undefined, limit: number, budget = PAGE_SCAN_MAX): Promise<{ page: ListEntry[], next?: Place }> {
  return await pageOfMatches(examine(store, q, cursor), limit, budget)
}

/** Every match: one ZCOUNT per agency without a filter; with one, exact up to `budget` entries looked at. */
export async function countDossiers (store: IndexCtx, q: ListQuery, budget = TOTAL_SCAN_MAX): Promise<{ total: number, exact: boolean }> {
  if (q.match === undefined) {
    const counts = await valuesOf(store.redis, q.agencies.map(a => ['zcount', store.keys.dossierIndex(a), q.range.min ?? '-inf', q.range.max ?? '+inf']))
    return { total: counts.reduce<number>((n, c) => n + Number(c), 0), exact: true }
  }
  return await countMatches(examine(store, q, undefined), budget)
}

/**
 * The dossiers `q` names exactly: the dossier whose code it is (its agency is in the code), and
 * every dossier whose sector number (its receipt number) it is, among `agencies` × `systems`,
 * one pipeline per slot. Compacted dossiers are found too (their record and code stay).
 */
export async function findExact (store: IndexCtx, q: string, agencies: string[], systems: string[]): Promise<Array<{ agency: string, ref: string, by: 'code' | 'receipt' }>> {
  const found: Array<{ agency: string, ref: string, by: 'code' | 'receipt' }> = []
  const codeAgency = agencyOfCode(q)
  const pairs = agencies.flatMap(agency => systems.map(system => ({ agency, ref: sourceRef(system, q) })))
  const commands: Command[] = pairs.map(p => ['exists', store.keys.dossier(p.agency, p.ref).dossier])
  if (codeAgency !== undefined && agencies.includes(codeAgency)) commands.push(['hget', store.keys.codes(codeAgency), q])
  const values = await valuesOf(store.redis, commands)
  if (codeAgency !== undefined && agencies.includes(codeAgency)) {
    const ref = values.at(-1)
    if (typeof ref === 'string') found.push({ agency: codeAgency, ref, by: 'code' })
  }
  pairs.forEach((p, i) => {
    if (values[i] === 1 && !found.some(f => f.agency === p.agency && f.ref === p.ref)) found.push({ ...p, by: 'receipt' })
  })
  return found
}
