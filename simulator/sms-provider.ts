/**
 * An SMS brandname provider as the contract `applicant-notices.md` describes it: customer-care
 * sends under `/sms`, CodeResult faults, and delivery reports by GET to each message's
 * CallbackUrl (at most 5 attempts until a 2xx; repeatable). In memory; never logs a phone or
 * a content.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'

export const SMS_SIM_PATH = '/sms/MainService.svc/json/SendMultipleMessage_V4_post_json/'

export interface SmsSimOptions {
  apiKey: string
  secretKey: string
  brandnames: string[]
  /** Registered templates, without diacritics, with `{name}` / `{name,N}` placeholders. */
  templates: string[]
  /** Messages the balance still pays for. */
  balance: number
  now: () => number
}

export const SmsFaultsSchema = Type.Object({
  /** Phones (national form) unknown or blocked: 99. */
  unknownPhones: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 10_000 })),
  balance: Type.Optional(Type.Integer({ minimum: 0 })),
  /** The next sends answer these CodeResults, one each (e.g. "103", "124", "101"). */
  script: Type.Optional(Type.Array(Type.String({ pattern: '^-?\\d{1,4}$' }), { maxItems: 1000 })),
  /** Reports: `delivered` (default), `failed` (SendStatus 6 with error_info) or `none`. */
  report: Type.Optional(Type.Union([Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('none')])),
  reportDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
  /** Each report is made this many times (repeated reports). */
  reportRepeat: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 }))
}, { additionalProperties: false })

type Report = 'delivered' | 'failed' | 'none'
export interface SmsSentRecord { smsId: string, phone: string, content: string, requestId: string, callbackUrl: string, brandname: string, sandbox: boolean, at: number }

const FIELDS = ['ApiKey', 'SecretKey', 'Phone', 'Content', 'Brandname', 'SmsType', 'IsUnicode', 'Sandbox', 'RequestId', 'CallbackUrl'] as const

function templateRegex (t: string): RegExp {
  const parts = t.split(/(\{[A-Za-z0-9_]+(?:,\d{1,4})?\})/)
  return new RegExp(`^${parts.map(p => {
    const m = /^\{[A-Za-z0-9_]+(?:,(\d{1,4}))?\}$/.exec(p)
    if (m === null) return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    return m[1] === undefined ? '(.+)' : `(.{1,${m[1]}})`
  }).join('')}$`, 's')
}

export class SmsProvider {
  readonly o: SmsSimOptions
  readonly sent: SmsSentRecord[] = []
  /** Every report call made: url, attempt's status. */
  readonly reports: Array<{ smsId: string, status: number }> = []
  balance: number
  #templates: RegExp[]
  #unknown = new Set<string>()
  #script: string[] = []
  #report: Report = 'delivered'
  #reportDelayMs = 0
  #reportRepeat = 1
  /** RequestIds accepted, per provider day. */
  #requestIds = new Map<string, string>()

  constructor (o: SmsSimOptions) {
    this.o = o
    this.balance = o.balance
    this.#templates = o.templates.map(templateRegex)
  }

  setFaults (p: { unknownPhones?: string[], balance?: number, script?: string[], report?: Report, reportDelayMs?: number, reportRepeat?: number }): void {
    if (p.unknownPhones !== undefined) this.#unknown = new Set(p.unknownPhones)
    if (p.balance !== undefined) this.balance = p.balance
    if (p.script !== undefined) this.#script = [...p.script]
    if (p.report !== undefined) this.#report = p.report
    if (p.reportDelayMs !== undefined) this.#reportDelayMs = p.reportDelayMs
    if (p.reportRepeat !== undefined) this.#reportRepeat = p.reportRepeat
  }

  summary (): Record<string, unknown> {
    return { sent: this.sent.length, reports: this.reports.length, balance: this.balance }
  }

  send (body: unknown): Record<string, unknown> {
    const code = (c: string): Record<string, unknown> => ({ CodeResult: c, CountRegenerate: 0, ErrorMessage: `Simulated ${c}` })
    if (typeof body !== 'object' || body === null) return code('-100')
    const b = body as Record<string, unknown>
    // Every field a JSON string, as the provider requires.
    if (FIELDS.some(f => typeof b[f] !== 'string')) return code('-100')
    const s = b as Record<(typeof FIELDS)[number], string>
    const scripted = this.#script.shift()
    if (scripted !== undefined) return code(scripted)
    if (s.ApiKey !== this.o.apiKey || s.SecretKey !== this.o.secretKey) return code('101')
    if (!this.o.brandnames.includes(s.Brandname)) return code('104')
    if (s.SmsType !== '2') return code('118')
    if (!/^0[35789]\d{8}$/.test(s.Phone)) return code('108')
    if (this.#unknown.has(s.Phone)) return code('99')
    const day = new Date(this.o.now() + 7 * 3_600_000).toISOString().slice(0, 10)
    if (this.#requestIds.get(s.RequestId) === day) return code('124')
    if (s.IsUnicode !== '0' || !this.#templates.some(r => r.test(s.Content))) return code('146')
    if (this.balance <= 0) return code('103')
    this.balance--
    this.#requestIds.set(s.RequestId, day)
    const smsId = randomUUID()
    this.sent.push({ smsId, phone: s.Phone, content: s.Content, requestId: s.RequestId, callbackUrl: s.CallbackUrl, brandname: s.Brandname, sandbox: s.Sandbox === '1', at: this.o.now() })
    if (s.Sandbox !== '1' && this.#report !== 'none') {
      const report = this.#report
      const repeat = this.#reportRepeat
      setTimeout(() => {
        (async () => { for (let i = 0; i < repeat; i++) await this.report(s.CallbackUrl, smsId, s.Phone, report) })().catch(() => {})
      }, this.#reportDelayMs).unref()
    }
    return { CodeResult: '100', CountRegenerate: 0, SMSID: smsId }
  }

  /** One report as the provider makes it: GET with the query, up to 5 attempts until a 2xx. */
  async report (callbackUrl: string, smsId: string, phone: string, kind: 'delivered' | 'failed'): Promise<number> {
    const q = new URLSearchParams(kind === 'delivered'
      ? { SMSID: smsId, SendStatus: '5', SendSuccess: '1', SendFailed: '0', telcoid: '1', error_info: '', Phone: phone }
      : { SMSID: smsId, SendStatus: '6', SendSuccess: '0', SendFailed: '1', telcoid: '1', error_info: 'Thue bao khong lien lac duoc', Phone: phone })
    let status = 0
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const r = await fetch(`${callbackUrl}?${q.toString()}`, { signal: AbortSignal.timeout(10_000) })
        await r.arrayBuffer()
        status = r.status
      } catch {
        status = 0
      }
      this.reports.push({ smsId, status })
      if (status >= 200 && status < 300) break
      await new Promise(resolve => setTimeout(resolve, 50 * attempt))
    }
    return status
  }
}

/** `/sms/…SendMultipleMessage_V4_post_json/` and `/_sim/sms/*` on the simulator's app. */
export function registerSmsProvider (app: FastifyInstance, sms: SmsProvider): void {
  app.post(SMS_SIM_PATH, async request => sms.send(request.body))
  app.get('/_sim/sms', async () => sms.summary())
  app.put('/_sim/sms/faults', { schema: { body: SmsFaultsSchema } }, async request => {
    sms.setFaults(request.body as Parameters<SmsProvider['setFaults']>[0])
    return sms.summary()
  })
}
