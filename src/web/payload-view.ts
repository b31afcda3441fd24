/**
 * Payloads as received, readable side by side. Like is compared with like: each sector payload
 * with the sector payload before it, and every revision's canonical record (the sector payload
 * mapped again, or the officer's correction as saved) with the canonical record before it, so the
 * officer's edit shows as highlighted lines against what the sector sent.
 */
import { stringify } from 'safe-stable-stringify'

export function prettyPayload (body: string, contentType: string): string {
  if (contentType.includes('json')) {
    try { return JSON.stringify(JSON.parse(body), null, 2) } catch {}
  }
  return body
}

/** Keys sorted, so two records differ only where their values do. */
export function canonicalText (record: unknown): string {
  return stringify(record, null, 2) ?? ''
}

/** Each line of `text`, marked when the older text has no such line. */
export function changedLines (text: string, older: string | undefined): Array<{ text: string, changed: boolean }> {
  const seen = new Set(older === undefined ? [] : older.split('\n'))
  return text.split('\n').map(line => ({ text: line, changed: older !== undefined && !seen.has(line) }))
}

/** Newest first: each item's lines against the next older item of the list. */
export function againstOlder<T extends { text: string }> (items: T[]): Array<T & { lines: Array<{ text: string, changed: boolean }> }> {
  return items.map((p, i) => ({ ...p, lines: changedLines(p.text, items[i + 1]?.text) }))
}
