/**
 * What the admin lists share (the failed list and the list of all dossiers): the agencies a
 * query reaches within the caller's scope, its time range, and the reply of one page.
 */
import type { FastifyInstance } from 'fastify'
import { Type, type TSchema } from 'typebox'
import { InputError } from '../../domain/errors.js'
import { encodePlace, type Place } from '../../domain/cursor.js'
import { may, type Client } from '../../domain/access.js'
import type { IndexRange } from '../../store/sorted-index.js'
import { TOTAL_SCAN_MAX } from '../../store/waiting-scan.js'

/** The filters both lists take on where a dossier is and what it is about. */
export const PLACE_FILTERS = {
  system: Type.Optional(Type.String({ maxLength: 40 })),
  province: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{1,5}$' })),
  agency: Type.Optional(Type.String({ maxLength: 30 })),
  commune: Type.Optional(Type.String({ pattern: '^\\d{5}$' })),
  procedure: Type.Optional(Type.String({ maxLength: 50 }))
}

/** A page's size and where it starts (the previous page's `nextCursor`). */
export const PAGE_PARAMS = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 }))
}

export interface PlaceFilter { agency?: string, province?: string, from?: string, to?: string }

/** The known agencies the caller may list and the query names, sorted (the merge's tie order). */
export async function agenciesOf (app: FastifyInstance, client: Client, q: PlaceFilter): Promise<string[]> {
  return (await app.store.agencies()).filter(a => may(client, 'list', { agency: a }) &&
    (q.agency === undefined || a === q.agency) && (q.province === undefined || a.endsWith(`.${q.province}`))).sort()
}

/** The query's from/to as score bounds; a range that ends before it starts is refused, not empty. */
export function rangeOf (q: PlaceFilter): IndexRange {
  const range: IndexRange = { ...(q.from === undefined ? {} : { min: Date.parse(q.from) }), ...(q.to === undefined ? {} : { max: Date.parse(q.to) }) }
  if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
    throw new InputError('BAD_RANGE', 400, { vi: '"Từ ngày" phải trước "đến ngày"', en: '"from" must not be after "to"' }, { field: 'from' })
  }
  return range
}

/** One page's reply: its items, the total (a lower bound when counting stopped), the next cursor. */
export function pageReply<T> (items: T[], count: { total: number, exact: boolean }, next: Place | undefined): { items: T[], total: number, totalIsLowerBound?: true, nextCursor?: string } {
  return {
    items,
    total: count.total,
    ...(count.exact ? {} : { totalIsLowerBound: true as const }),
    ...(next === undefined ? {} : { nextCursor: encodePlace(next) })
  }
}

/** The 200 reply of one page of `item`s; `filter` and `what` say when its total is a lower bound. */
export const pageSchema = <T extends TSchema>(item: T, filter: string, what: string) => Type.Object({
  items: Type.Array(item),
  total: Type.Integer({ description: 'every match of the filter, on all pages' }),
  totalIsLowerBound: Type.Optional(Type.Boolean({ description: `present when ${filter} had more than ${TOTAL_SCAN_MAX} ${what} to look at: total counts those seen` })),
  nextCursor: Type.Optional(Type.String())
})
