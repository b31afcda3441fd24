/**
 * What every converter of the toolkit is: a pure function from a sender's text to a canonical
 * value, or the reason it is not one. Here rather than beside the Reader (mappings/reader.ts,
 * which re-exports them) so that the toolkit stays in src/domain, below the mappings.
 */
export type ConvResult<T> = { ok: true, value: T } | { ok: false, code: string, vi: string, en: string }
/** A converter: a pure function from the sender's text to a canonical value. */
export type Conv<T> = (raw: string) => ConvResult<T>
