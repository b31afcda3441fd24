/**
 * Request bodies as UTF-8, checked rather than decoded leniently: a decoder that replaces bad
 * bytes with U+FFFD would turn a sender's broken export into names nobody typed, stored and
 * sent to the portal. The sender is told where its first bad byte is instead.
 */
import { isUtf8 } from 'node:buffer'

/**
 * Offset of the first byte that does not belong to a well-formed UTF-8 sequence (Unicode 15,
 * table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF); -1 when there is none.
 * A sequence cut short by the end of the body is bad at its first byte.
 */
export function firstInvalidUtf8 (buf: Uint8Array): number {
  // The native check is much faster; the walk below only runs to find where a bad body goes wrong.
  if (isUtf8(buf)) return -1
  let i = 0
  while (i < buf.length) {
    const b = buf[i] as number
    if (b < 0x80) { i++; continue }
    let need: number
    let lo = 0x80
    let hi = 0xbf
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) lo = 0xa0
      if (b === 0xed) hi = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) lo = 0x90
      if (b === 0xf4) hi = 0x8f
    } else return i
    if (i + need >= buf.length) return i
    const second = buf[i + 1] as number
    if (second < lo || second > hi) return i
    for (let k = 2; k <= need; k++) {
      const c = buf[i + k] as number
      if (c < 0x80 || c > 0xbf) return i
    }
    i += need + 1
  }
  return -1
}

/** The `charset` parameter of a Content-Type header, lower-cased and unquoted; undefined when absent. */
export function charsetOf (contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=')
    if (eq < 0) continue
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue
    return param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase()
  }
  return undefined
}

/** UTF-8 under either of its registered spellings. */
export function isUtf8Charset (charset: string): boolean {
  return charset === 'utf-8' || charset === 'utf8'
}
