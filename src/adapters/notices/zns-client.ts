/**
 * Zalo ZNS template messages (the contract's "Zalo ZNS"): `POST {ZNS_URL}/message/template`.
 * The data is checked against the template before anything is sent; the phone goes in `84…`
 * form; every `error` of the contract's table becomes one outcome; a `-124` refreshes the token
 * once (through the shared store) and repeats the call once. ZNS has no idempotency key: a call
 * whose answer is lost is `sent-unconfirmed`, never repeated.
 */
import type { Agent } from 'undici'
import { safeText } from '../../logger.js'
import { internationalPhone } from './contacts.js'
import { nextLocalMidnight } from './local-time.js'
import { callJson, isObject, str } from './http-json.js'
import type { SendOutcome, ZnsQuota } from './outcome.js'
import { checkZnsData, ZNS_MAX_TRACKING_ID, type ZnsTemplate, type ZnsValue } from './zns-template.js'
import type { ZnsToken, ZnsTokenStore } from './zns-token-store.js'

export interface ZnsSend {
  phone: string
  template: ZnsTemplate
  data: Readonly<Record<string, ZnsValue>>
  /** The gateway's id of the notice, at most 48 characters: Zalo echoes it in its reports. */
  trackingId: string
}

export interface ZnsClientOptions { url: string, timeoutMs: number, now?: () => number }

/** What the contract's table says of each `error` other than 0 and -124. */
export function classifyZnsError (code: string, message: string, now: number): SendOutcome {
  // The provider's message may quote what it was sent (a phone): scrubbed as log lines are.
  const reason = `ZNS ${code}${message === '' ? '' : `: ${safeText(message, 120)}`}`
  switch (code) {
    case '-108': case '-114': case '-118':
      return { kind: 'next-channel-applicant', code, reason }
    case '-115':
      return { kind: 'next-channel-today', code, reason, until: nextLocalMidnight(now) }
    case '-109':
      return { kind: 'stop-channel-config', scope: 'channel', then: 'hold', code, reason }
    case '-111': case '-112':
      return { kind: 'stop-channel-config', scope: 'template', then: 'hold', code, reason }
    case '-122':
      return { kind: 'stop-channel-config', scope: 'message', then: 'next-channel', code, reason }
    case '-100':
      return { kind: 'retry', code, reason }
    default:
      return { kind: 'retry', code, reason, counted: true }
  }
}

function quotaOf (data: Record<string, unknown>): ZnsQuota | undefined {
  const q = data.quota
  if (!isObject(q)) return undefined
  const daily = Number(str(q.dailyQuota))
  const remaining = Number(str(q.remainingQuota))
  return Number.isFinite(daily) && Number.isFinite(remaining) ? { daily, remaining } : undefined
}

export class ZnsClient {
  readonly #agent: Agent
  readonly #tokens: ZnsTokenStore
  readonly #url: string
  readonly #timeoutMs: number
  readonly #now: () => number

  constructor (agent: Agent, tokens: ZnsTokenStore, o: ZnsClientOptions) {
    this.#agent = agent
    this.#tokens = tokens
    this.#url = `${o.url.replace(/\/+$/, '')}/message/template`
    this.#timeoutMs = o.timeoutMs
    this.#now = o.now ?? Date.now
  }

  /** Checks, then sends; never throws for the provider or the network. */
  async send (m: ZnsSend): Promise<SendOutcome> {
    const prepared = this.prepare(m)
    if (typeof prepared !== 'string') return prepared
    const body = prepared
    const first = await this.#tokens.current()
    if (!first.ok) return first.outcome
    const once = await this.#call(first.token, body)
    if (once !== 'token-expired') return once
    const fresh = await this.#tokens.refreshAfterExpired(first.token.generation)
    if (!fresh.ok) return fresh.outcome
    const again = await this.#call(fresh.token, body)
    return again === 'token-expired' ? { kind: 'token-expired', code: '-124', reason: 'ZNS -124 again after a token refresh' } : again
  }

  /** The request body, or what refuses the message before any call: its data, its tracking id, its phone. */
  prepare (m: ZnsSend): string | SendOutcome {
    const c = checkZnsData(m.template, m.data)
    if (!c.ok) {
      const i = c.issue
      const where = 'param' in i ? ` ${i.param}` : ` (${i.length} characters)`
      const reason = `ZNS template ${m.template.id}: data ${i.kind}${where}`
      // Names and types are what the template declares: a configuration fault of that template.
      // Empty or too long values are this notice's: it cannot go by this template.
      if (i.kind === 'missing' || i.kind === 'extra' || i.kind === 'type') return { kind: 'stop-channel-config', scope: 'template', then: 'hold', reason }
      return { kind: 'next-channel-applicant', reason }
    }
    if (m.trackingId === '' || [...m.trackingId].length > ZNS_MAX_TRACKING_ID) {
      return { kind: 'stop-channel-config', scope: 'message', then: 'next-channel', reason: `tracking_id must have 1 to ${ZNS_MAX_TRACKING_ID} characters` }
    }
    const phone = internationalPhone(m.phone)
    if (phone === undefined) return { kind: 'next-channel-applicant', reason: 'not a Vietnamese phone number' }
    return JSON.stringify({ phone, template_id: m.template.id, template_data: c.data, tracking_id: m.trackingId })
  }

  async #call (token: ZnsToken, body: string): Promise<SendOutcome | 'token-expired'> {
    const r = await callJson(this.#agent, this.#url, {
      method: 'POST', headers: { 'content-type': 'application/json', access_token: token.accessToken }, body, timeoutMs: this.#timeoutMs
    })
    if (!r.ok) return r.lost ? { kind: 'sent-unconfirmed', reason: `ZNS answer lost: ${r.reason}` } : { kind: 'retry', reason: `ZNS ${r.reason}` }
    const j = r.json
    const code = isObject(j) ? str(j.error) : undefined
    if (!isObject(j) || code === undefined) return { kind: 'sent-unconfirmed', reason: 'ZNS reply without an error code' }
    if (code === '0') {
      const data = isObject(j.data) ? j.data : {}
      const msgId = str(data.msg_id)
      const quota = quotaOf(data)
      return { kind: 'sent', ...(msgId === undefined ? {} : { providerId: msgId }), ...(quota === undefined ? {} : { quota }) }
    }
    if (code === '-124') return 'token-expired'
    return classifyZnsError(code, typeof j.message === 'string' ? j.message : '', this.#now())
  }
}
