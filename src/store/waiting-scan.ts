/**
 * Pages and counts of what waits for a person (waiting-store.ts), across agencies and kinds.
 *
 * Without a filter on the entries themselves a page costs O(sources × log N + page) (each index
 * paged from the cursor in Redis, merged newest first) and the total one ZCOUNT per source.
 * With one (system, commune, procedure, reason, or an admin limited to some systems), the merged
 * indexes are read in batches of SCAN_BATCH and each entry is tested on small fields of its
 * record (`facts`: one HMGET, never the document), until the page is full: a page costs what it
 * had to look at, at most `budget` entries (then it ends early with a cursor to go on from). The
 * total then needs every entry in range looked at: exact up to TOTAL_SCAN_MAX, beyond that a
 * lower bound flagged as such.
 */
import type { Store } from './ports/store.js'
import { countMatches, pageOfMatches, type IndexRange } from './sorted-index.js'

/** What the scans read: the lists, and the records of the dossier kinds. */
export type WaitingSource = Pick<Store, 'waiting' | 'loadEach'>
import { isDossierKind, type Fact, type WaitingKind } from './waiting-store.js'
import { mergeSources, type Place } from '../domain/cursor.js'

export const SCAN_BATCH = 200
/** Entries one filtered page may look at. */
export const PAGE_SCAN_MAX = 20_000
/** Entries a filtered total may look at. */
export const TOTAL_SCAN_MAX = 10_000

export interface WaitingEntry extends Place { agency: string, kind: WaitingKind, member: string }
export type WaitingFacts = Fact & { commune?: string, procedure?: string }

export interface WaitingQuery {
  agencies: string[]
  kinds: readonly WaitingKind[]
  range: IndexRange
  /** A test of each entry on its facts; without one every entry in range matches. */
  match?: (e: WaitingEntry, f: WaitingFacts) => boolean
}

/** Every entry after `cursor`, newest first, with whether it matches. */
async function * examine (store: WaitingSource, q: WaitingQuery, cursor: Place | undefined): AsyncGenerator<{ e: WaitingEntry, ok: boolean }> {
  const pairs = q.agencies.flatMap(agency => q.kinds.map(kind => ({ agency, kind })))
  const sources = pairs.map(p => ({ prefix: [p.agency, p.kind], fetch: store.waiting.source(p.agency, p.kind, q.range) }))
  const match = q.match
  let batch: WaitingEntry[] = []
  const flush = async function * (): AsyncGenerator<{ e: WaitingEntry, ok: boolean }> {
    if (match === undefined) {
      for (const e of batch) yield { e, ok: true }
    } else {
      const facts = await factsOf(store, batch)
      for (const [i, e] of batch.entries()) yield { e, ok: match(e, facts[i] as WaitingFacts) }
    }
    batch = []
  }
  for await (const m of mergeSources(sources, 'desc', cursor, SCAN_BATCH)) {
    const p = pairs[m.source] as { agency: string, kind: WaitingKind }
    batch.push({ score: m.score, tie: m.tie, agency: p.agency, kind: p.kind, member: m.member })
    // Unfiltered entries need no reads: each goes out at once, so a page reads only its own.
    if (match === undefined || batch.length >= SCAN_BATCH) yield * flush()
  }
  yield * flush()
}

/** Facts with commune and procedure: from the statistics dimensions, or (older records) the document. */
export async function factsOf (store: WaitingSource, entries: WaitingEntry[]): Promise<WaitingFacts[]> {
  const facts: WaitingFacts[] = await store.waiting.facts(entries)
  const old = facts.flatMap((f, i) => f.dims === undefined && isDossierKind((entries[i] as WaitingEntry).kind) ? [i] : [])
  const records = await store.loadEach(old.map(i => ({ agency: (entries[i] as WaitingEntry).agency, ref: (entries[i] as WaitingEntry).member })))
  old.forEach((i, j) => {
    const d = records[j]
    try {
      if (d !== undefined) (facts[i] as WaitingFacts).dims = `${d.input.agency.communeCode ?? ''}|${d.system}|${d.input.procedure.code}|`
    } catch {}
  })
  for (const f of facts) {
    const [commune, , procedure] = f.dims?.split('|') ?? []
    if (commune !== undefined && commune !== '') f.commune = commune
    if (procedure !== undefined && procedure !== '') f.procedure = procedure
  }
  return facts
}

/** One page after `cursor`, and where the next starts (absent: no more). */
export async function pageWaiting (store: WaitingSource, q: WaitingQuery, cursor: Place | undefined, limit: number, budget = PAGE_SCAN_MAX): Promise<{ page: WaitingEntry[], next?: Place }> {
  return await pageOfMatches(examine(store, q, cursor), limit, budget)
}

/** Every match: exact unless a filtered count had to look at more than `budget` entries. */
export async function countWaiting (store: WaitingSource, q: WaitingQuery, budget = TOTAL_SCAN_MAX): Promise<{ total: number, exact: boolean }> {
  if (q.match === undefined) {
    const counts = await store.waiting.counts(q.agencies.flatMap(agency => q.kinds.map(kind => ({ agency, kind }))), q.range)
    return { total: counts.reduce((a, b) => a + b, 0), exact: true }
  }
  return await countMatches(examine(store, q, undefined), budget)
}
