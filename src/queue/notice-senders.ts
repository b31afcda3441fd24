/**
 * The channels as the notice worker sees them: which can carry a notice for an applicant, and one
 * send each (the clients of adapters/notices, which never throw for a provider or the network),
 * with the apology letter rendered, kept with the dossier and linked or attached.
 */
import type { Store } from '../store/ports/store.js'
import type { NoticeRecord } from '../domain/notices/record.js'
import type { Channel, NoticeKind } from '../domain/notices/kinds.js'
import type { AgencyNoticeConfig } from '../adapters/notices/notices-file.js'
import type { SendOutcome } from '../adapters/notices/outcome.js'
import type { ZnsClient } from '../adapters/notices/zns-client.js'
import type { SmsClient } from '../adapters/notices/sms-client.js'
import type { EmailClient } from '../adapters/notices/email-client.js'
import { smsCallbackUrl } from '../adapters/notices/sms-reports.js'
import { segments } from '../adapters/notices/sms-text.js'
import { letterFileName, renderApologyLetter } from '../adapters/notices/letter/apology-letter.js'
import { letterLink } from '../adapters/notices/letter/letter-link.js'
import { emailText, letterFields, noticeValues, smsValues, znsData, type NoticeDossier } from './notice-content.js'

export interface NoticeCosts { zns: number, smsSegment: number, email: number }

export interface NoticeSendersOptions {
  zns?: ZnsClient
  sms?: SmsClient
  /** An SMTP client sending as the agency's address (the notices file's `email.from`). */
  email?: (from: string) => Pick<EmailClient, 'send'>
  /** NOTICES_PUBLIC_URL: where SMS reports and letter links point. */
  publicUrl?: string
  /** NOTICES_SECRET: report URLs' and letter links' MACs. */
  secret: string
  costs: NoticeCosts
  /** How long a letter's link stays valid (notices file), and how long the letter is kept. */
  letterLinkDays: () => number
  letterTtlMs: number
  /** How long a ZNS msg_id is remembered for its delivery event. */
  znsMessageTtlMs: number
}

export const SMS_REPORTS_PATH = '/v1/notices/sms-reports'
export const LETTERS_PATH = '/v1/letters'

export class NoticeSenders {
  private readonly mailers = new Map<string, Pick<EmailClient, 'send'>>()

  constructor (private readonly store: Pick<Store, 'notices'>, private readonly o: NoticeSendersOptions) {}

  /** Whether `ch` is set up here and in the agency's file for this kind, and the applicant has its contact. */
  carries (ch: Channel, kind: NoticeKind, cfg: AgencyNoticeConfig, d: NoticeDossier): boolean {
    if (ch === 'zns') return this.o.zns !== undefined && cfg.zns?.templates[kind] !== undefined && d.phone !== undefined
    if (ch === 'sms') return this.o.sms !== undefined && this.o.publicUrl !== undefined && cfg.sms?.templates[kind] !== undefined && d.phone !== undefined
    return this.o.email !== undefined && cfg.email !== undefined && d.email !== undefined
  }

  cost (ch: Channel, smsSegments?: number): number {
    if (ch === 'zns') return this.o.costs.zns
    if (ch === 'sms') return this.o.costs.smsSegment * (smsSegments ?? 1)
    return this.o.costs.email
  }

  async remember (msgId: string, agency: string, id: string): Promise<void> {
    await this.store.notices.rememberZnsMessage(msgId, agency, id, this.o.znsMessageTtlMs)
  }

  /** The letter's signed link, for an apology (when the gateway has a public URL). */
  link (r: NoticeRecord): string | undefined {
    if (r.kind !== 'apology' || this.o.publicUrl === undefined) return undefined
    return letterLink(`${this.o.publicUrl}${LETTERS_PATH}`, r.id, this.o.secret, { now: r.createdAt, days: this.o.letterLinkDays() })
  }

  /** The apology letter, rendered once and kept with the dossier. */
  async letter (agency: string, r: NoticeRecord, d: NoticeDossier, cfg: AgencyNoticeConfig): Promise<Buffer> {
    const kept = await this.store.notices.letter(agency, r.id)
    if (kept !== undefined) return kept
    const pdf = await renderApologyLetter(letterFields(r, d, cfg, r.createdAt))
    await this.store.notices.putLetter(agency, r.id, pdf, this.o.letterTtlMs)
    return pdf
  }

  async send (ch: Channel, agency: string, r: NoticeRecord, d: NoticeDossier, cfg: AgencyNoticeConfig): Promise<{ outcome: SendOutcome, segments?: number }> {
    if (r.kind === 'apology') await this.letter(agency, r, d, cfg)
    const values = noticeValues(r, d, cfg, this.link(r))
    if (ch === 'zns') {
      const t = cfg.zns?.templates[r.kind]
      if (this.o.zns === undefined || t === undefined || d.phone === undefined) return { outcome: notCarried(ch) }
      return { outcome: await this.o.zns.send({ phone: d.phone, template: t, data: znsData(t, values), trackingId: r.id }) }
    }
    if (ch === 'sms') {
      const t = cfg.sms?.templates[r.kind]
      if (this.o.sms === undefined || t === undefined || d.phone === undefined || cfg.sms === undefined || this.o.publicUrl === undefined) return { outcome: notCarried(ch) }
      const m = { phone: d.phone, brandname: cfg.sms.brandname, template: t, values: smsValues(values), requestId: r.id, callbackUrl: smsCallbackUrl(`${this.o.publicUrl}${SMS_REPORTS_PATH}`, r.id, this.o.secret) }
      const body = this.o.sms.prepare(m)
      const n = typeof body === 'string' ? segments((JSON.parse(body) as { Content: string }).Content) : undefined
      return { outcome: await this.o.sms.send(m), ...(n === undefined ? {} : { segments: n }) }
    }
    if (this.o.email === undefined || cfg.email === undefined || d.email === undefined) return { outcome: notCarried(ch) }
    const { subject, text } = emailText(r, d, cfg, this.link(r))
    const attachment = r.kind === 'apology' ? { filename: letterFileName(d.code), content: await this.letter(agency, r, d, cfg) } : undefined
    let mailer = this.mailers.get(cfg.email.from)
    if (mailer === undefined) {
      mailer = this.o.email(cfg.email.from)
      this.mailers.set(cfg.email.from, mailer)
    }
    return {
      outcome: await mailer.send({
        to: d.email, subject, text, noticeId: r.id, ...(cfg.email.fromName === undefined ? {} : { fromName: cfg.email.fromName }), ...(attachment === undefined ? {} : { attachment })
      })
    }
  }
}

function notCarried (ch: Channel): SendOutcome {
  return { kind: 'next-channel-applicant', reason: `${ch}: not set up for this notice` }
}
