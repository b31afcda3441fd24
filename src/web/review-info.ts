/**
 * What an officer needs to settle a split commune, in words: the old commune's name (from the
 * legacy map) and the address the sender gave beside the code (the parcel's, for land), instead
 * of the old code and the sender's field path.
 */
import type { AdminUnits } from '../domain/admin-units/index.js'

export interface ReviewItem { target: string, oldCode: string }
export interface ReviewWords { oldName: string, address?: string }

function at (o: unknown, path: string[]): unknown {
  let cur = o
  for (const p of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined
  return cur
}

export function reviewWords (units: AdminUnits | undefined, record: unknown, r: ReviewItem): ReviewWords {
  const from = units?.legacyCommune(r.oldCode)
  const info = from !== undefined && from.kind !== 'unknown' ? from.from : undefined
  const oldName = info === undefined ? r.oldCode : [info.fullName, info.district, info.province].filter(x => x !== '').join(', ')
  // The code's siblings: `address` (land parcel) or `text` (an address object).
  const parent = r.target.split('.').slice(0, -1)
  const address = [at(record, [...parent, 'address']), at(record, [...parent, 'text'])].find(v => typeof v === 'string' && v !== '') as string | undefined
  return { oldName, ...(address === undefined ? {} : { address }) }
}
