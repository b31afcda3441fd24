/**
 * ISO 8601 durations (`PT24H`, `P2D`, `PT90M`) as milliseconds, parsed by `tinyduration`.
 * Years and months are refused: their length depends on the calendar, and a deadline window
 * must mean the same thing every day.
 */
import { parse } from 'tinyduration'

export function durationMs (text: string): number | undefined {
  let d
  try {
    d = parse(text)
  } catch {
    return undefined
  }
  if (d.negative === true || (d.years ?? 0) > 0 || (d.months ?? 0) > 0) return undefined
  const ms = ((((d.weeks ?? 0) * 7 + (d.days ?? 0)) * 24 + (d.hours ?? 0)) * 60 + (d.minutes ?? 0)) * 60_000 + (d.seconds ?? 0) * 1000
  return Number.isFinite(ms) && ms > 0 ? ms : undefined
}
