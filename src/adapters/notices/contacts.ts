/**
 * An applicant's phone in the forms the channels need, and the opt-out list's key for it. The
 * phone is parsed by the mappings' own rules (src/domain/toolkit/phone.ts), so a number the
 * gateway took in is read the same way here.
 */
import { createHmac } from 'node:crypto'
import { phone } from '../../domain/toolkit/phone.js'

const parsePhone = phone()

/** The national form (`0912345678`), or undefined when it is not a Vietnamese number. */
export function nationalPhone (raw: string): string | undefined {
  const r = parsePhone(raw)
  return r.ok ? r.value : undefined
}

/** ZNS's form: `84` and the national number without its leading 0 (`0912345678` → `84912345678`). */
export function internationalPhone (raw: string): string | undefined {
  const n = nationalPhone(raw)
  return n === undefined ? undefined : `84${n.slice(1)}`
}

/**
 * The opt-out list's key for a phone: HMAC-SHA256 (hex) of its national form, so the list holds
 * no phone and the same number however written gives the same key. The key is a deployment
 * secret: a SHA-256 alone over the ten-digit space would be reversed in seconds. Undefined for
 * a number that is not one.
 */
export function optOutHash (raw: string, key: string | Buffer): string | undefined {
  const n = nationalPhone(raw)
  return n === undefined ? undefined : createHmac('sha256', key).update(`phone:${n}`).digest('hex')
}
