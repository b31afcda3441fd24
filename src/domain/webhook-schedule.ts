/**
 * When a failed webhook delivery is tried again. The default follows Svix's published schedule,
 * which receivers already know: a quick retry for a blip, then spaced out over about a day and a
 * half, so that a receiver down for a night still gets everything without being hammered.
 */

/** Delay before retry 1..7 (so 8 attempts in all): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_WEBHOOK_SCHEDULE_MS: readonly number[] = Object.freeze([
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000
])

/** A receiver's `Retry-After` is honoured up to this; beyond it, it is taken as this. */
export const MAX_RETRY_AFTER_MS = 86_400_000

const MAX_ENTRY_MS = 172_800_000
const MAX_ENTRIES = 20
const JITTER = 0.2

/**
 * Reads a schedule written as comma-separated milliseconds (`5000,300000,1800000`): 1..20
 * entries, each an integer 1..172800000 (48 h). Throws an Error naming the bad entry otherwise.
 */
export function parseSchedule (text: string): number[] {
  const parts = text.split(',').map(p => p.trim())
  if (parts.length === 1 && parts[0] === '') throw new Error('webhook retry schedule is empty: give 1 to 20 delays in milliseconds, comma-separated')
  if (parts.length > MAX_ENTRIES) throw new Error(`webhook retry schedule has ${parts.length} entries; at most ${MAX_ENTRIES}`)
  return parts.map((p, i) => {
    // Digits only: Number() would take '', '1e3', '0x10' and ' 5 '.
    const ms = /^\d{1,10}$/.test(p) ? Number(p) : Number.NaN
    if (!(ms >= 1 && ms <= MAX_ENTRY_MS)) {
      throw new Error(`webhook retry schedule entry ${i + 1} ("${p.slice(0, 20)}") must be an integer number of milliseconds from 1 to ${MAX_ENTRY_MS}`)
    }
    return ms
  })
}

/**
 * Delay before retry `retryNumber` (1-based): the scheduled delay ±20 % (so that deliveries
 * that failed together do not all come back together), never less than the receiver's
 * `Retry-After` (capped at 24 h). Undefined once the schedule is exhausted.
 */
export function retryDelay (
  retryNumber: number,
  schedule: readonly number[],
  retryAfterMs?: number,
  random: () => number = Math.random
): number | undefined {
  if (!Number.isInteger(retryNumber) || retryNumber < 1) throw new RangeError(`retryNumber must be an integer ≥ 1, got ${retryNumber}`)
  const base = schedule[retryNumber - 1]
  if (base === undefined) return undefined
  const jittered = Math.round(base * (1 + JITTER * (2 * random() - 1)))
  const floor = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0
    ? Math.min(Math.ceil(retryAfterMs), MAX_RETRY_AFTER_MS)
    : 0
  return Math.max(jittered, floor)
}
