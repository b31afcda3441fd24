/**
 * E-mail over SMTP with nodemailer (the contract's "E-mail"): a Vietnamese subject (RFC 2047),
 * a UTF-8 text/plain body, `From`, `Date` and a `Message-ID` stable per notice; for an apology
 * the letter attached as a PDF (its file name per RFC 2231). SMTP has no idempotency key, so
 * the outcome depends on how far the conversation got: `250` after DATA is sent; a 5xx for the
 * recipient is the next channel; a 4xx, or a connection lost before the server answered DATA
 * with 354, retries; a connection lost after that is `sent-unconfirmed`, never sent twice.
 *
 * One connection per message, watched through nodemailer's transaction log by a logger of our
 * own that keeps only "the server said 354" and writes nothing anywhere (the log carries the
 * addresses). Reasons carry SMTP codes and stages, never an address or the server's text.
 */
import nodemailer from 'nodemailer'
import type { SendOutcome } from './outcome.js'

export interface SmtpOptions {
  host: string
  port: number
  /** Implicit TLS (port 465). */
  secure?: boolean
  /** Refuse to send unless the server upgrades with STARTTLS. */
  requireTls?: boolean
  user?: string
  password?: string
  /** The sender address (`From`, and the envelope's MAIL FROM). */
  from: string
  /** Bound of each phase (connect, greeting, every reply). */
  timeoutMs: number
  /** Tests against a local receiver with a self-signed certificate. */
  tlsRejectUnauthorized?: boolean
}

export interface EmailSend {
  to: string
  /** The sender's display name (the centre). */
  fromName?: string
  subject: string
  text: string
  /** The notice's id: the Message-ID is `<id@sender-domain>`, the same on every attempt. */
  noticeId: string
  date?: Date
  attachment?: { filename: string, content: Buffer }
}

interface SmtpError { code?: unknown, command?: unknown, responseCode?: unknown }

export function messageIdFor (noticeId: string, from: string): string {
  const domain = /@([^@>\s]+)>?$/.exec(from)?.[1] ?? 'lienthong.invalid'
  return `<${noticeId.replace(/[^A-Za-z0-9._-]/g, '.')}@${domain}>`
}

/** The outcome of a failed send, from the error's code, command and reply code and how far it got. */
export function classifySmtpError (err: unknown, dataAccepted: boolean): SendOutcome {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpError
  const code = typeof e.code === 'string' ? e.code : 'ERROR'
  const command = typeof e.command === 'string' ? e.command.replace(/[^A-Z ]/g, '').slice(0, 20) : ''
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined
  const reason = `SMTP ${reply ?? code}${command === '' ? '' : ` at ${command}`}`
  const smtpCode = reply === undefined ? code : String(reply)
  if (reply !== undefined && reply >= 400 && reply < 500) return { kind: 'retry', code: smtpCode, reason }
  if (reply !== undefined && reply >= 500) {
    if (command === 'RCPT TO' || command === 'DATA') return { kind: 'next-channel-applicant', code: smtpCode, reason }
    // MAIL FROM, AUTH, EHLO: the sender, its credentials or its server.
    return { kind: 'stop-channel-config', scope: 'channel', then: 'hold', code: smtpCode, reason }
  }
  if (code === 'EAUTH' || code === 'ETLS' || code === 'EREQUIRETLS' || code === 'ENOTLS') {
    return { kind: 'stop-channel-config', scope: 'channel', then: 'hold', code, reason }
  }
  // An address nodemailer itself refuses: this applicant's.
  if (code === 'EENVELOPE') return { kind: 'next-channel-applicant', code, reason }
  if (dataAccepted) return { kind: 'sent-unconfirmed', code, reason: `${reason}: connection lost after DATA` }
  return { kind: 'retry', code, reason }
}

export class EmailClient {
  readonly #o: SmtpOptions

  constructor (o: SmtpOptions) {
    this.#o = o
  }

  async send (m: EmailSend): Promise<SendOutcome> {
    let dataAccepted = false
    const noop = (): void => {}
    // Nothing is written: only the server's 354 (ready for the message) is noted.
    const watcher = {
      debug: (entry: { tnx?: unknown }, message: unknown) => {
        if (entry?.tnx === 'server' && typeof message === 'string' && message.startsWith('354')) dataAccepted = true
      },
      trace: noop,
      info: noop,
      warn: noop,
      error: noop,
      fatal: noop
    }
    const o = this.#o
    const transport = nodemailer.createTransport({
      host: o.host,
      port: o.port,
      secure: o.secure ?? false,
      requireTLS: o.requireTls ?? false,
      ...(o.user === undefined ? {} : { auth: { user: o.user, pass: o.password ?? '' } }),
      connectionTimeout: o.timeoutMs,
      greetingTimeout: o.timeoutMs,
      socketTimeout: o.timeoutMs,
      tls: { rejectUnauthorized: o.tlsRejectUnauthorized ?? true },
      logger: watcher,
      transactionLog: true
    })
    const messageId = messageIdFor(m.noticeId, o.from)
    try {
      const info = await transport.sendMail({
        from: m.fromName === undefined ? o.from : { name: m.fromName, address: o.from },
        to: m.to,
        subject: m.subject.normalize('NFC'),
        text: m.text.normalize('NFC'),
        date: m.date ?? new Date(),
        messageId,
        textEncoding: 'quoted-printable',
        disableFileAccess: true,
        disableUrlAccess: true,
        ...(m.attachment === undefined ? {} : { attachments: [{ filename: m.attachment.filename.normalize('NFC'), content: m.attachment.content, contentType: 'application/pdf' }] })
      })
      const rejected = Array.isArray(info.rejected) ? info.rejected.length : 0
      if (rejected > 0) return { kind: 'next-channel-applicant', reason: 'SMTP recipient rejected' }
      return { kind: 'sent', providerId: messageId }
    } catch (err) {
      return classifySmtpError(err, dataAccepted)
    } finally {
      transport.close()
    }
  }
}
