/**
 * Paging, one way for every list: opaque cursors, one comparator, and the k-way merge of sorted
 * sources (one Redis sorted set each: an agency's index, or one kind of it).
 *
 * A place in a list is (score, tie): the score is what the list is ordered by (epoch ms), the tie
 * says which entries come first among those of one score: the source's fixed parts (agency, kind)
 * then the sorted set's member. Ties compare byte by byte (UTF-8), as Redis orders the members of
 * one score, so the order a source pages in and the order the merge and the cursor use are one.
 * A cursor is the last place shown; the next page starts strictly after it, even if that entry is
 * gone since.
 */
import { InputError } from './errors.js'

export function encodeCursor (c: object): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

function badCursor (): InputError {
  return new InputError('BAD_CURSOR', 400, { vi: 'Con trỏ phân trang không hợp lệ', en: 'Invalid pagination cursor' }, { field: 'cursor' })
}

/** `valid` checks the shape the route gave its cursors. */
export function decodeCursor<T> (text: string, valid: (c: Record<string, unknown>) => boolean): T {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown
    if (c !== null && typeof c === 'object' && valid(c as Record<string, unknown>)) return c as T
  } catch {}
  throw badCursor()
}

/** A place in a merged list: the source's fixed tie parts, then the member. */
export interface Place { score: number, tie: readonly string[] }

export type Direction = 'asc' | 'desc'

/** Byte order of the UTF-8 forms: Redis's order of members with one score. */
export function compareBytes (a: string, b: string): number {
  if (a === b) return 0
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

function compareTies (a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareBytes(a[i] as string, b[i] as string)
    if (c !== 0) return c
  }
  return a.length - b.length
}

/** The one comparator: sorting, merging and the cursor test all use it. */
export function comparePlaces (a: Place, b: Place, dir: Direction = 'asc'): number {
  const c = a.score !== b.score ? (a.score < b.score ? -1 : 1) : compareTies(a.tie, b.tie)
  return dir === 'asc' ? c : -c
}

/** The place a cursor names, as `{ s, t }`: 400 when it does not read back. */
export function decodePlace (text: string): Place {
  const c = decodeCursor<{ s: number, t: string[] }>(text, c => typeof c.s === 'number' && Number.isFinite(c.s) &&
    Array.isArray(c.t) && c.t.length > 0 && c.t.length <= 4 && c.t.every(x => typeof x === 'string'))
  return { score: c.s, tie: c.t }
}

export function encodePlace (p: Place): string {
  return encodeCursor({ s: p.score, t: p.tie })
}

/**
 * Where a source starts, relative to a cursor. `gt`: after `member` among the cursor's score;
 * `all`: every entry of the cursor's score comes after it; `none`: none does.
 */
export type TieMode = 'gt' | 'all' | 'none'
export interface After { score: number, member: string, mode: TieMode }

/** Up to `count` entries of one source, strictly after `after` in `dir` order (none: from the start). */
export type Fetch = (after: After | undefined, count: number) => Promise<Array<{ score: number, member: string }>>

export interface Source { prefix: readonly string[], fetch: Fetch }

function startOf (src: Source, cursor: Place | undefined, dir: Direction): After | undefined {
  if (cursor === undefined) return undefined
  const cp = cursor.tie.slice(0, -1)
  const c = compareTies(src.prefix, cp)
  const member = c === 0 ? cursor.tie.at(-1) ?? '' : ''
  if (c === 0) return { score: cursor.score, member, mode: 'gt' }
  // This source's entries of the cursor's score all come after it, or all before it.
  const later = dir === 'asc' ? c > 0 : c < 0
  return { score: cursor.score, member, mode: later ? 'all' : 'none' }
}

/**
 * Every entry of the sources after `cursor`, in one order, read `batch` at a time from each
 * source that is next: memory and reads are O(sources × batch), whatever the lists' sizes.
 */
export async function * mergeSources (sources: Source[], dir: Direction, cursor: Place | undefined, batch: number): AsyncGenerator<Place & { source: number, member: string }> {
  const state = sources.map((s, i) => ({ i, src: s, buf: [] as Array<{ score: number, member: string }>, pos: 0, after: startOf(s, cursor, dir), done: false }))
  const fill = async (st: typeof state[number]): Promise<void> => {
    if (st.pos < st.buf.length || st.done) return
    st.buf = await st.src.fetch(st.after, batch)
    st.pos = 0
    if (st.buf.length < batch) st.done = true
    const last = st.buf.at(-1)
    if (last !== undefined) st.after = { score: last.score, member: last.member, mode: 'gt' }
  }
  await Promise.all(state.map(fill))
  for (;;) {
    let best: { st: typeof state[number], place: Place } | undefined
    for (const st of state) {
      const e = st.buf[st.pos]
      if (e === undefined) continue
      const place = { score: e.score, tie: [...st.src.prefix, e.member] }
      if (best === undefined || comparePlaces(place, best.place, dir) < 0) best = { st, place }
    }
    if (best === undefined) return
    const e = best.st.buf[best.st.pos] as { score: number, member: string }
    best.st.pos++
    yield { ...best.place, source: best.st.i, member: e.member }
    await fill(best.st)
  }
}
