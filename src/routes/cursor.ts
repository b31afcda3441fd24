/** Opaque pagination cursors: a small JSON object, base64url; a cursor that does not read back is a 400. */
import { InputError } from '../errors.js'

export function encodeCursor (c: object): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

/** `valid` checks the shape the route gave its cursors. */
export function decodeCursor<T> (text: string, valid: (c: Record<string, unknown>) => boolean): T {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown
    if (c !== null && typeof c === 'object' && valid(c as Record<string, unknown>)) return c as T
  } catch {}
  throw new InputError('BAD_CURSOR', 400, { vi: 'Con trỏ phân trang không hợp lệ', en: 'Invalid pagination cursor' }, { field: 'cursor' })
}
