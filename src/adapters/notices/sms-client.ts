/**
 * SMS brandname, customer care (the contract's "SMS brandname"): `POST {SMS_URL}/MainService.svc/
 * json/SendMultipleMessage_V4_post_json/`, every field a JSON string. `RequestId` is the
 * notice's own, the same for ever, so a repeat is safe (`124`: already accepted, recorded as
 * sent). `100` means received by the provider, not delivered: the delivery report decides.
 */
import type { Agent } from 'undici'
import { nationalPhone } from './contacts.js'
import { callJson, isObject, str } from './http-json.js'
import type { SendOutcome } from './outcome.js'
import { fillSmsTemplate } from './sms-text.js'

export const SMS_SEND_PATH = '/MainService.svc/json/SendMultipleMessage_V4_post_json/'

export interface SmsClientOptions {
  url: string
  apiKey: string
  secretKey: string
  timeoutMs: number
  /** `"1"`: the provider accepts and never sends (a deployment's trial run). */
  sandbox?: boolean
}

export interface SmsSend {
  phone: string
  brandname: string
  /** The template registered with the carriers, with `{name}` / `{name,N}` placeholders. */
  template: string
  values: Readonly<Record<string, string | number>>
  /** The notice's id: the same on every attempt, for ever. */
  requestId: string
  /** From `smsCallbackUrl`: unguessable, one per message. */
  callbackUrl: string
}

/** What the contract's table says of each CodeResult. */
export function classifySmsCode (code: string, smsId: string | undefined): SendOutcome {
  const reason = `SMS ${code}`
  switch (code) {
    case '100': return { kind: 'sent', ...(smsId === undefined ? {} : { providerId: smsId }) }
    case '124': return { kind: 'sent', alreadySent: true }
    case '99': case '108': return { kind: 'next-channel-applicant', code, reason }
    case '103': return { kind: 'stop-channel-config', scope: 'channel', then: 'next-channel', code, reason: 'SMS 103: balance used up' }
    case '101': case '102': case '104': case '118': case '140': case '177':
      return { kind: 'stop-channel-config', scope: 'channel', then: 'hold', code, reason }
    case '146': return { kind: 'stop-channel-config', scope: 'template', then: 'hold', code, reason: 'SMS 146: content does not match the registered template' }
    default: return { kind: 'retry', code, reason, counted: true }
  }
}

export class SmsClient {
  readonly #agent: Agent
  readonly #o: SmsClientOptions
  readonly #url: string

  constructor (agent: Agent, o: SmsClientOptions) {
    this.#agent = agent
    this.#o = o
    this.#url = `${o.url.replace(/\/+$/, '')}${SMS_SEND_PATH}`
  }

  /** The request body, or what refuses the message before any call. */
  prepare (m: SmsSend): string | SendOutcome {
    const phone = nationalPhone(m.phone)
    if (phone === undefined) return { kind: 'next-channel-applicant', reason: 'not a Vietnamese phone number' }
    const f = fillSmsTemplate(m.template, m.values)
    if (!f.ok) {
      const i = f.issue
      const reason = `SMS template: ${i.kind}${'param' in i ? ` ${i.param}` : ` (${i.segments} segments)`}`
      if (i.kind === 'missing') return { kind: 'stop-channel-config', scope: 'template', then: 'hold', reason }
      return { kind: 'next-channel-applicant', reason }
    }
    if (m.requestId === '' || m.requestId.length > 64) return { kind: 'stop-channel-config', scope: 'message', then: 'next-channel', reason: 'RequestId must have 1 to 64 characters' }
    return JSON.stringify({
      ApiKey: this.#o.apiKey,
      SecretKey: this.#o.secretKey,
      Phone: phone,
      Content: f.content,
      Brandname: m.brandname,
      SmsType: '2',
      IsUnicode: '0',
      Sandbox: this.#o.sandbox === true ? '1' : '0',
      RequestId: m.requestId,
      CallbackUrl: m.callbackUrl
    })
  }

  async send (m: SmsSend): Promise<SendOutcome> {
    const body = this.prepare(m)
    if (typeof body !== 'string') return body
    const r = await callJson(this.#agent, this.#url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs: this.#o.timeoutMs })
    // The same RequestId again is safe: a lost answer is simply retried.
    if (!r.ok) return { kind: 'retry', reason: `SMS ${r.reason}` }
    const code = isObject(r.json) ? str(r.json.CodeResult) : undefined
    if (code === undefined) return { kind: 'retry', reason: 'SMS reply without CodeResult', counted: true }
    return classifySmsCode(code, isObject(r.json) ? str(r.json.SMSID) : undefined)
  }
}
