/** Payloads as received, readable side by side: JSON indented, other text as it came. */

export function prettyPayload (body: string, contentType: string): string {
  if (contentType.includes('json')) {
    try { return JSON.stringify(JSON.parse(body), null, 2) } catch {}
  }
  return body
}

/** Each line of `text`, marked when the older revision has no such line. */
export function changedLines (text: string, older: string | undefined): Array<{ text: string, changed: boolean }> {
  const seen = new Set(older === undefined ? [] : older.split('\n'))
  return text.split('\n').map(line => ({ text: line, changed: older !== undefined && !seen.has(line) }))
}
