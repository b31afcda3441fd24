/**
 * The provider's day and the centre's clock: Asia/Ho_Chi_Minh, UTC+07:00 all year (Vietnam has
 * kept no daylight saving time since 1975), so a fixed offset is exact and needs no time-zone data.
 */
export const VN_OFFSET_MS = 7 * 3_600_000
const DAY_MS = 86_400_000

/** Minutes since local midnight. */
export function localMinutes (now: number): number {
  return Math.floor((((now + VN_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / 60_000)
}

/** The next local midnight after `now` (epoch ms): when a provider's daily quota starts again. */
export function nextLocalMidnight (now: number): number {
  const local = now + VN_OFFSET_MS
  return local - (((local % DAY_MS) + DAY_MS) % DAY_MS) + DAY_MS - VN_OFFSET_MS
}

/** `dd/MM/yyyy` of the local date (ZNS `DATE` parameters, the letter). */
export function localDateVn (at: number | Date): string {
  const d = new Date((typeof at === 'number' ? at : at.getTime()) + VN_OFFSET_MS)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`
}

/** `yyyyMMdd` of the local date: the provider's day. */
export function localDayKey (now: number): string {
  return new Date(now + VN_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '')
}
