/**
 * A Zalo ZNS provider as the contract `applicant-notices.md` describes it, for tests, the demo
 * and benchmarks: template sends under `/zns`, the OAuth refresh (with rotation) under
 * `/zns-oauth`, delivery events signed and posted back, and faults. In memory; never logs a
 * phone or template data.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'

export interface ZnsSimTemplate { id: string, params: Array<{ name: string, type: 'STRING' | 'NUMBER' | 'DATE', maxLength: number }> }

export interface ZnsSimOptions {
  appId: string
  appSecret: string
  oaSecretKey: string
  templates: ZnsSimTemplate[]
  dailyQuota: number
  tokenTtlSeconds: number
  now: () => number
}

export const ZnsFaultsSchema = Type.Object({
  /** Phones (`84…`) without a Zalo account: -118. */
  noZalo: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 10_000 })),
  /** Phones that blocked the OA: -114. */
  blocked: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 10_000 })),
  /** Quota left today; 0 answers -115. */
  remainingQuota: Type.Optional(Type.Integer({ minimum: 0 })),
  /** The next sends answer these errors, one each, in order (e.g. -100, -109, -124). */
  script: Type.Optional(Type.Array(Type.Integer({ minimum: -100_000, maximum: 0 }), { maxItems: 1000 })),
  /** The next sends are taken and their connection then cut: the answer is lost. */
  dropAnswers: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  /** Delivery events go here (the gateway's URL); none when absent. */
  eventsUrl: Type.Optional(Type.Union([Type.String({ pattern: '^https?://', maxLength: 2000 }), Type.Null()])),
  eventDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
  /** Each event is posted this many times (repeated delivery). */
  eventRepeat: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  /** The OAuth answer comes after this long (to widen races between refreshing processes). */
  refreshDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 }))
}, { additionalProperties: false })

interface Faults { noZalo: Set<string>, blocked: Set<string>, script: number[], dropAnswers: number, eventsUrl: string | null, eventDelayMs: number, eventRepeat: number, refreshDelayMs: number }

export interface ZnsSentRecord { msgId: string, phone: string, templateId: string, data: Record<string, string>, trackingId: string, at: number }

const PHONE = /^84[35789]\d{8}$/
const DATE = /^\d{2}\/\d{2}\/\d{4}$/

export class ZnsProvider {
  readonly o: ZnsSimOptions
  readonly sent: ZnsSentRecord[] = []
  /** Refresh calls answered with a new pair; refusals are in `refreshRefused`. */
  refreshes = 0
  refreshRefused = 0
  eventsPosted = 0
  remainingQuota: number
  #access = new Map<string, number>()
  #refresh: string
  #faults: Faults = { noZalo: new Set(), blocked: new Set(), script: [], dropAnswers: 0, eventsUrl: null, eventDelayMs: 0, eventRepeat: 1, refreshDelayMs: 0 }

  constructor (o: ZnsSimOptions) {
    this.o = o
    this.remainingQuota = o.dailyQuota
    this.#refresh = `rt-${randomUUID()}`
  }

  /** A pair as a person authorising the OA gets it: the refresh token in force and a new access token. */
  authorise (): { accessToken: string, refreshToken: string, expiresInS: number } {
    const accessToken = `at-${randomUUID()}`
    this.#access.set(accessToken, this.o.now() + this.o.tokenTtlSeconds * 1000)
    return { accessToken, refreshToken: this.#refresh, expiresInS: this.o.tokenTtlSeconds }
  }

  /** Every access token stops working (Zalo expired them): the next sends answer -124. */
  expireTokens (): void { this.#access.clear() }

  setFaults (p: Partial<{ noZalo: string[], blocked: string[], remainingQuota: number, script: number[], dropAnswers: number, eventsUrl: string | null, eventDelayMs: number, eventRepeat: number, refreshDelayMs: number }>): void {
    if (p.noZalo !== undefined) this.#faults.noZalo = new Set(p.noZalo)
    if (p.blocked !== undefined) this.#faults.blocked = new Set(p.blocked)
    if (p.remainingQuota !== undefined) this.remainingQuota = p.remainingQuota
    if (p.script !== undefined) this.#faults.script = [...p.script]
    if (p.dropAnswers !== undefined) this.#faults.dropAnswers = p.dropAnswers
    if (p.eventsUrl !== undefined) this.#faults.eventsUrl = p.eventsUrl
    if (p.eventDelayMs !== undefined) this.#faults.eventDelayMs = p.eventDelayMs
    if (p.eventRepeat !== undefined) this.#faults.eventRepeat = p.eventRepeat
    if (p.refreshDelayMs !== undefined) this.#faults.refreshDelayMs = p.refreshDelayMs
  }

  summary (): Record<string, unknown> {
    return { sent: this.sent.length, refreshes: this.refreshes, refreshRefused: this.refreshRefused, eventsPosted: this.eventsPosted, remainingQuota: this.remainingQuota }
  }

  /** `{ error, message, data? }` for one send; `drop` when the answer is to be lost. */
  send (accessToken: string | undefined, body: unknown): { reply: Record<string, unknown>, drop: boolean } {
    const fail = (error: number, message: string): { reply: Record<string, unknown>, drop: boolean } => ({ reply: { error, message }, drop: false })
    const exp = accessToken === undefined ? undefined : this.#access.get(accessToken)
    if (exp === undefined || exp <= this.o.now()) return fail(-124, 'Access token is invalid')
    const scripted = this.#faults.script.shift()
    if (scripted !== undefined && scripted !== 0) return fail(scripted, `Simulated error ${scripted}`)
    if (typeof body !== 'object' || body === null) return fail(-122, 'Body is malformed')
    const b = body as Record<string, unknown>
    if (typeof b.tracking_id !== 'string' || [...b.tracking_id].length > 48) return fail(-122, 'tracking_id is invalid')
    if (typeof b.phone !== 'string' || !PHONE.test(b.phone)) return fail(-108, 'Phone number is invalid')
    const t = this.o.templates.find(x => x.id === b.template_id)
    if (t === undefined) return fail(-109, 'Template id is invalid')
    const data = b.template_data
    if (typeof data !== 'object' || data === null || Object.keys(data).length === 0) return fail(-111, 'Template data is empty')
    const d = data as Record<string, unknown>
    for (const k of Object.keys(d)) if (!t.params.some(p => p.name === k)) return fail(-112, `Parameter ${k} is not in the template`)
    for (const p of t.params) {
      const v = d[p.name]
      if (typeof v !== 'string' || v === '' || [...v].length > p.maxLength) return fail(-112, `Parameter ${p.name} is missing, empty or too long`)
      if (p.type === 'NUMBER' && !/^-?\d+(\.\d+)?$/.test(v)) return fail(-112, `Parameter ${p.name} is not a NUMBER`)
      if (p.type === 'DATE' && !DATE.test(v)) return fail(-112, `Parameter ${p.name} is not a DATE`)
    }
    if (this.#faults.noZalo.has(b.phone)) return fail(-118, 'Zalo account does not exist')
    if (this.#faults.blocked.has(b.phone)) return fail(-114, 'User is inactive or has blocked the OA')
    if (this.remainingQuota <= 0) return fail(-115, 'Out of quota')
    this.remainingQuota--
    const msgId = createHash('sha1').update(randomUUID()).digest('hex')
    const at = this.o.now()
    this.sent.push({ msgId, phone: b.phone, templateId: t.id, data: d as Record<string, string>, trackingId: b.tracking_id, at })
    this.#scheduleEvent(msgId)
    const drop = this.#faults.dropAnswers > 0
    if (drop) this.#faults.dropAnswers--
    return {
      reply: { error: 0, message: 'Success', data: { msg_id: msgId, sent_time: String(at), quota: { dailyQuota: String(this.o.dailyQuota), remainingQuota: String(this.remainingQuota) } } },
      drop
    }
  }

  async refresh (secretKey: string | undefined, form: URLSearchParams): Promise<Record<string, unknown>> {
    if (this.#faults.refreshDelayMs > 0) await new Promise(resolve => setTimeout(resolve, this.#faults.refreshDelayMs))
    const refuse = (error: number, message: string): Record<string, unknown> => { this.refreshRefused++; return { error, message } }
    if (secretKey !== this.o.appSecret) return refuse(-14002, 'Invalid secret key')
    if (form.get('app_id') !== this.o.appId || form.get('grant_type') !== 'refresh_token') return refuse(-14003, 'Invalid app_id or grant_type')
    if (form.get('refresh_token') !== this.#refresh) return refuse(-14014, 'Invalid refresh token')
    this.refreshes++
    // Rotation: the old refresh token stops working at once.
    this.#refresh = `rt-${randomUUID()}`
    const accessToken = `at-${randomUUID()}`
    this.#access.set(accessToken, this.o.now() + this.o.tokenTtlSeconds * 1000)
    return { access_token: accessToken, refresh_token: this.#refresh, expires_in: String(this.o.tokenTtlSeconds) }
  }

  /** Posts a signed `user_received_message` event for `msgId` to `url`; returns the HTTP statuses. */
  async postEvent (url: string, msgId: string, opts: { timestampSkewMs?: number, badSignature?: boolean } = {}): Promise<number> {
    const now = this.o.now()
    const timestamp = String(now + (opts.timestampSkewMs ?? 0))
    const body = JSON.stringify({ event_name: 'user_received_message', app_id: this.o.appId, message: { msg_id: msgId, delivery_time: String(now) }, timestamp })
    const mac = createHash('sha256').update(this.o.appId + body + timestamp + (opts.badSignature === true ? 'wrong' : this.o.oaSecretKey)).digest('hex')
    this.eventsPosted++
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${mac}` }, body, signal: AbortSignal.timeout(10_000) })
      await r.arrayBuffer()
      return r.status
    } catch {
      return 0
    }
  }

  #scheduleEvent (msgId: string): void {
    const url = this.#faults.eventsUrl
    if (url === null) return
    const repeat = this.#faults.eventRepeat
    setTimeout(() => {
      (async () => { for (let i = 0; i < repeat; i++) await this.postEvent(url, msgId) })().catch(() => {})
    }, this.#faults.eventDelayMs).unref()
  }
}

/** `/zns/message/template`, `/zns-oauth/access_token` and `/_sim/zns/*` on the simulator's app. */
export function registerZnsProvider (app: FastifyInstance, zns: ZnsProvider): void {
  app.post('/zns/message/template', async (request, reply) => {
    const token = request.headers.access_token
    const r = zns.send(typeof token === 'string' ? token : undefined, request.body)
    if (r.drop) {
      reply.hijack()
      request.raw.socket.destroy()
      return
    }
    return r.reply
  })
  app.register(async scope => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) => {
      done(null, new URLSearchParams(body as string))
    })
    scope.post('/zns-oauth/access_token', async request => {
      const key = request.headers.secret_key
      const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams()
      return await zns.refresh(typeof key === 'string' ? key : undefined, form)
    })
  })
  app.get('/_sim/zns', async () => zns.summary())
  app.put('/_sim/zns/faults', { schema: { body: ZnsFaultsSchema } }, async request => {
    zns.setFaults(request.body as Parameters<ZnsProvider['setFaults']>[0])
    return zns.summary()
  })
  app.post('/_sim/zns/expire-tokens', async () => { zns.expireTokens(); return { ok: true } })
  app.post('/_sim/zns/authorise', async () => zns.authorise())
}
