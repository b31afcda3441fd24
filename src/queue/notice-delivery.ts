/**
 * Sends one notice (job `send-notice`): claims it under a lease, reads the applicant's contact
 * from the dossier, tries the agency's channels in order and saves what happened, every save a
 * compare-and-set (store/notice-store.ts). The rules are the contract's (applicant-notices.md):
 * a refusal for this applicant or today's quota passes to the next channel; a transient failure
 * retries the same channel with backoff; a configuration fault stops the channel (or template)
 * for every process and holds its notices for an admin instead of burning them through to the
 * last channel; quiet hours hold ZNS and SMS; a call whose answer was lost is never repeated on
 * ZNS or e-mail (SMS repeats safely with its RequestId).
 */
import { randomUUID } from 'node:crypto'
import type { Store } from '../store/ports/store.js'
import type { ChannelState } from '../store/ports/notices.js'
import type { NoticeRecord } from '../domain/notices/record.js'
import { withAttempt } from '../domain/notices/record.js'
import type { Channel, NotSentReason } from '../domain/notices/kinds.js'
import type { NoticesConfig, AgencyNoticeConfig } from '../adapters/notices/notices-file.js'
import { mayGoAt } from '../adapters/notices/quiet-hours.js'
import { nationalPhone, optOutHash } from '../adapters/notices/contacts.js'
import type { JobQueues } from './jobs.js'
import type { NoticeDossier } from './notice-content.js'
import type { NoticeSenders } from './notice-senders.js'
import { applyReport, type NoticeReport } from './notice-reports.js'

export interface NoticeDeliveryOptions {
  /** How long a worker holds a notice (longer than any provider call). */
  leaseMs: number
  /** Transient failures before a notice ends `failed`. */
  maxAttempts: number
  /** First retry's delay; doubled each time, at most an hour. */
  retryBaseMs: number
  /** NOTICES_SECRET: the opt-out list's key. */
  secret: string
  now?: () => number
}

/** What /metrics and the alert log hear of. */
export interface NoticeSignals {
  outcome: (channel: Channel | 'none', kind: string) => void
  stopped: (name: string, state: ChannelState) => void
}

interface Log { warn: (o: object, m: string) => void, error: (o: object, m: string) => void }

type Bumps = Record<string, number>

function bump (b: Bumps, field: string, n = 1): void { b[field] = (b[field] ?? 0) + n }

export class NoticeDeliverer {
  private readonly now: () => number

  constructor (
    private readonly store: Pick<Store, 'notices' | 'locate' | 'load'>,
    private readonly queues: Pick<JobQueues, 'enqueueNotice'>,
    private readonly config: () => NoticesConfig | undefined,
    private readonly senders: NoticeSenders,
    private readonly o: NoticeDeliveryOptions,
    private readonly signals: NoticeSignals,
    private readonly log: Log
  ) {
    this.now = o.now ?? Date.now
  }

  /** One attempt at one notice; answers what became of it (for the job's return value and tests). */
  async process (agency: string, id: string): Promise<string> {
    const token = randomUUID()
    // Read beside the claim (one round trip for both): the channels' states do not depend on it.
    const states = this.store.notices.channels()
    states.catch(() => {})
    const claim = await this.store.notices.claim(agency, id, this.now(), this.o.leaseMs, token)
    if (claim.result !== 'claimed') return claim.result
    const run = new Attempt(this, agency, id, token, claim.record, claim.text)
    // A call may have reached ZNS or the SMTP server before its worker died: never repeated there.
    if (claim.interruptedOn !== undefined && claim.interruptedOn !== 'sms') {
      return await run.end({ state: 'sent-unconfirmed', channel: claim.interruptedOn, sentAt: this.now() }, claim.interruptedOn, 'interrupted', { [`${claim.interruptedOn}|unconfirmed`]: 1 })
    }
    const cfg = this.config()?.agencies.get(agency)
    if (cfg === undefined || !cfg.kinds.includes(run.rec.kind)) return await run.notSent('kind-off', 'the agency does not send this kind now')
    const d = await this.dossierOf(agency, run.rec.code)
    if (d === undefined || (d.phone === undefined && d.email === undefined)) return await run.notSent('no-contact', 'the applicant gave no phone or e-mail')
    const optedOut = d.phone !== undefined && await this.store.notices.optedOut(optOutHash(d.phone, this.o.secret) ?? '')
    return await this.tryChannels(run, cfg, d, optedOut, await states, claim.interruptedOn === 'sms')
  }

  private async tryChannels (run: Attempt, cfg: AgencyNoticeConfig, d: NoticeDossier, optedOut: boolean, states: Record<string, ChannelState>, smsInterrupted = false): Promise<string> {
    const bumps: Bumps = {}
    let last: { reason: string, code?: string } | undefined
    // A worker died calling SMS: the channels before it were passed (never saved), and the SMS is
    // repeated first, at once even in quiet hours, while its RequestId still answers 124 (the
    // provider's day): at 07:00 the provider would send it a second time.
    const repeatSms = smsInterrupted && cfg.channels.includes('sms')
    for (const ch of repeatSms ? cfg.channels.slice(cfg.channels.indexOf('sms')) : cfg.channels) {
      if (run.rec.passed?.includes(ch)) continue
      if (!this.senders.carries(ch, run.rec.kind, cfg, d) || (ch !== 'email' && optedOut)) continue
      const now = this.now()
      const st = states[`${ch}|${run.rec.kind}`] ?? states[ch]
      if (st !== undefined && (st.until === undefined || st.until > now)) {
        if (st.mode === 'hold') return await run.hold(ch, st.reason, st.code, bumps)
        // Not kept in `passed`: the state is read again on every attempt, and a notice that
        // waits (quiet hours, a retry) goes by this channel again once the state ends.
        run.note(ch, now, 'skipped', st.reason, st.code)
        bump(bumps, `${ch}|fallbacks`)
        continue
      }
      if (ch !== 'email' && !(repeatSms && ch === 'sms')) {
        const at = mayGoAt(now, cfg.quietHours)
        if (at > now) return await run.later(at, ch, 'quiet-hours', undefined, bumps)
      }
      if (!await this.store.notices.begin(run.agency, run.id, run.token, ch)) return 'lease-lost'
      const out = await this.senders.send(ch, run.agency, run.rec, d, cfg)
      this.signals.outcome(ch, out.outcome.kind)
      const o = out.outcome
      switch (o.kind) {
        case 'sent': {
          bump(bumps, `${ch}|sent`)
          bump(bumps, `${ch}|cost`, this.senders.cost(ch, out.segments))
          const sent: Partial<NoticeRecord> = { state: 'sent', channel: ch, sentAt: this.now(), ...(o.providerId === undefined ? {} : { providerId: o.providerId }), ...(out.segments === undefined ? {} : { segments: out.segments }) }
          if (o.alreadySent === true) sent.reason = `${ch.toUpperCase()} 124: already accepted`
          // Before anything else: a delivery event may come at once, and is parked until the save.
          if (ch === 'zns' && o.providerId !== undefined) await this.senders.remember(o.providerId, run.agency, run.id)
          if (run.rec.kind === 'apology' && ch !== 'email' && d.email !== undefined && this.senders.carries('email', 'apology', cfg, d)) {
            const mail = await this.senders.send('email', run.agency, run.rec, d, cfg)
            sent.letterMail = mail.outcome.kind === 'sent' ? 'sent' : mail.outcome.kind === 'sent-unconfirmed' ? 'sent-unconfirmed' : 'failed'
            if (mail.outcome.kind === 'sent') { bump(bumps, 'email|sent'); bump(bumps, 'email|cost', this.senders.cost('email')) }
          }
          return await run.end(sent, ch, 'sent', bumps)
        }
        case 'sent-unconfirmed':
          bump(bumps, `${ch}|unconfirmed`)
          return await run.end({ state: 'sent-unconfirmed', channel: ch, sentAt: this.now(), reason: o.reason, ...(o.code === undefined ? {} : { reasonCode: o.code }) }, ch, o.kind, bumps)
        case 'next-channel-applicant':
          last = o
          run.pass(ch, this.now(), o.kind, o.reason, o.code)
          bump(bumps, `${ch}|fallbacks`)
          continue
        case 'next-channel-today':
          last = o
          await this.stop(ch, { mode: 'skip', reason: o.reason, ...(o.code === undefined ? {} : { code: o.code }), at: this.now(), until: o.until })
          // Not `passed`: the channel state skips it until `until`, and no longer after.
          run.note(ch, this.now(), o.kind, o.reason, o.code)
          bump(bumps, `${ch}|fallbacks`)
          continue
        case 'stop-channel-config': {
          last = o
          const state: ChannelState = { mode: o.then === 'hold' ? 'hold' : 'skip', reason: o.reason, ...(o.code === undefined ? {} : { code: o.code }), at: this.now() }
          if (o.scope !== 'message') await this.stop(o.scope === 'template' ? `${ch}|${run.rec.kind}` : ch, state)
          else this.log.error({ channel: ch, notice: run.id, reason: o.reason }, 'notice refused as built by the gateway: passed to the next channel')
          if (o.then === 'hold') return await run.hold(ch, o.reason, o.code, bumps)
          run.pass(ch, this.now(), o.kind, o.reason, o.code)
          bump(bumps, `${ch}|fallbacks`)
          continue
        }
        case 'retry':
        case 'token-expired': {
          const attempts = run.rec.attempts + 1
          if (attempts >= this.o.maxAttempts) {
            bump(bumps, `${ch}|failed`)
            return await run.end({ state: 'failed', channel: ch, attempts, reason: o.reason, ...(o.code === undefined ? {} : { reasonCode: o.code }) }, ch, o.kind, bumps, true)
          }
          const delay = Math.min(3_600_000, this.o.retryBaseMs * 2 ** (attempts - 1))
          return await run.later(this.now() + delay, ch, o.kind, o.reason, bumps, attempts)
        }
      }
    }
    if (optedOut && d.email === undefined) return await run.notSent('opted-out', 'the phone is on the opt-out list', bumps)
    return await run.notSent('no-channel-left', last === undefined ? 'no channel can carry it' : `no channel left; last: ${last.reason}`, bumps, last?.code)
  }

  private async stop (name: string, state: ChannelState): Promise<void> {
    await this.store.notices.setChannel(name, state)
    this.signals.stopped(name, state)
    if (state.until === undefined) this.log.error({ channel: name, reason: state.reason, code: state.code }, 'notice channel stopped: an admin must resume it')
  }

  /** The applicant's contact and what the messages name, read when sending (never stored with the notice). */
  private async dossierOf (agency: string, code: string): Promise<NoticeDossier | undefined> {
    const at = await this.store.locate(code)
    if (at === undefined || at.agency !== agency) return undefined
    const s = await this.store.load(at.agency, at.ref)
    if (s === undefined) return undefined
    const h = s.input.holder
    const phone = h.phone === undefined ? undefined : nationalPhone(h.phone)
    return {
      code,
      procedureName: s.input.procedure.name ?? s.input.procedure.code,
      receivedAt: Date.parse(s.input.receivedAt),
      ...(h.name === '' ? {} : { name: h.name }),
      ...(phone === undefined ? {} : { phone }),
      ...(h.email === undefined ? {} : { email: h.email })
    }
  }

  /** Used by Attempt. */
  async enqueue (agency: string, id: string, at: number): Promise<void> { await this.queues.enqueueNotice(agency, id, at, this.now()) }
  get clock (): () => number { return this.now }
  get notices (): Store['notices'] { return this.store.notices }
}

/** One claimed notice: its saves keep the compare-and-set text and the lease. */
class Attempt {
  passed: Channel[]
  history: NoticeRecord['history']

  constructor (private readonly d: NoticeDeliverer, readonly agency: string, readonly id: string, readonly token: string, public rec: NoticeRecord, private text: string) {
    this.passed = [...(rec.passed ?? [])]
    this.history = rec.history ?? []
  }

  pass (ch: Channel, at: number, outcome: string, reason?: string, code?: string): void {
    this.passed.push(ch)
    this.note(ch, at, outcome, reason, code)
  }

  note (ch: Channel, at: number, outcome: string, reason?: string, code?: string): void {
    this.history = withAttempt({ ...this.rec, history: this.history }, { at, channel: ch, outcome, ...(reason === undefined ? {} : { reason }), ...(code === undefined ? {} : { code }) })
  }

  private async save (next: NoticeRecord, o: { queueAt?: number, held?: boolean, failedAt?: number, bumps?: Bumps }): Promise<string> {
    const now = this.d.clock()
    const r = await this.d.notices.save({ agency: this.agency, id: this.id, token: this.token, expect: this.text, record: next, now, ...o })
    if (r.result !== 'ok') return 'lease-lost'
    this.rec = next
    this.text = JSON.stringify(next)
    if (r.parked !== undefined) await applyParked(this.d.notices, this.agency, this.id, r.parked, now)
    return next.state
  }

  async end (fields: Partial<NoticeRecord>, ch: Channel, outcome: string, bumps: Bumps, failed = false): Promise<string> {
    const now = this.d.clock()
    this.note(ch, now, outcome, fields.reason, fields.reasonCode)
    const next: NoticeRecord = { ...this.rec, ...fields, passed: this.passed, history: this.history }
    if (failed) next.endedAt = now
    return await this.save(next, { bumps, ...(failed ? { failedAt: now } : {}) })
  }

  async hold (ch: Channel, reason: string, code: string | undefined, bumps: Bumps): Promise<string> {
    this.note(ch, this.d.clock(), 'held', reason, code)
    const next: NoticeRecord = { ...this.rec, state: 'held', channel: ch, reason, ...(code === undefined ? {} : { reasonCode: code }), passed: this.passed, history: this.history }
    return await this.save(next, { held: true, bumps })
  }

  async later (at: number, ch: Channel, outcome: string, reason: string | undefined, bumps: Bumps, attempts = this.rec.attempts): Promise<string> {
    this.note(ch, this.d.clock(), outcome, reason)
    const next: NoticeRecord = { ...this.rec, state: 'pending', channel: ch, attempts, passed: this.passed, history: this.history, ...(reason === undefined ? {} : { reason }) }
    const r = await this.save(next, { queueAt: at, bumps })
    if (r === 'pending') await this.d.enqueue(this.agency, this.id, at)
    return outcome === 'quiet-hours' ? 'quiet-hours' : r
  }

  async notSent (why: NotSentReason, reason: string, bumps: Bumps = {}, code?: string): Promise<string> {
    const now = this.d.clock()
    bump(bumps, 'none|notSent')
    const next: NoticeRecord = { ...this.rec, state: 'not-sent', reason: `${why}: ${reason}`, reasonCode: code ?? why, endedAt: now, passed: this.passed, history: this.history }
    return await this.save(next, { failedAt: now, bumps })
  }
}

/** A delivery report that came while the notice was being sent, applied now that it is saved. */
async function applyParked (notices: Store['notices'], agency: string, id: string, parked: string, now: number): Promise<void> {
  await applyReport(notices, agency, id, JSON.parse(parked) as NoticeReport, now)
}
