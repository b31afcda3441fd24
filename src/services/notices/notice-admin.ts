/**
 * What officers do with notices (API, admin page, CLI): send a failed one again, resume a stopped
 * channel (its held notices go back to the queue), keep a phone off every channel. Each change is
 * the notice's compare-and-set save (store/notice-store.ts), then its job.
 */
import type { Store } from '../../store/ports/store.js'
import type { JobQueues } from '../../queue/jobs.js'
import { mayResend } from '../../domain/notices/kinds.js'
import { withAttempt, type NoticeRecord } from '../../domain/notices/record.js'
import { Errors, ValidationError, issue } from '../../domain/errors.js'
import { agencyOfCode } from '../../store/keys.js'
import { optOutHash } from '../../adapters/notices/contacts.js'

export type ResendResult = 'queued' | 'not-resendable' | 'unknown'

/** The agency of a notice id (`ntc_<MaHoSo>.<n>`), from its dossier code. */
export function agencyOfNotice (id: string): string | undefined {
  const m = /^ntc_(.+)\.\d+$/.exec(id)
  return m?.[1] === undefined ? undefined : agencyOfCode(m[1])
}

export class NoticeAdmin {
  constructor (
    private readonly store: Pick<Store, 'notices' | 'agencies'>,
    private readonly queues: Pick<JobQueues, 'enqueueNotice'>,
    private readonly secret: string | undefined,
    private readonly now: () => number = Date.now
  ) {}

  /** A failed or not-sent notice, queued again from its first channel; anything else is refused. */
  async resend (agency: string, id: string, by: string): Promise<{ result: ResendResult, record?: NoticeRecord }> {
    for (let i = 0; i < 5; i++) {
      const got = await this.store.notices.get(agency, id)
      if (got === undefined) return { result: 'unknown' }
      const r = got.record
      if (!mayResend(r.state)) return { result: 'not-resendable', record: r }
      const now = this.now()
      const next: NoticeRecord = {
        ...r,
        state: 'pending',
        attempts: 0,
        passed: [],
        history: withAttempt(r, { at: now, channel: r.channel ?? 'email', outcome: 'resend', reason: `by ${by}` })
      }
      delete next.reason
      delete next.reasonCode
      delete next.endedAt
      const res = await this.store.notices.save({ agency, id, token: '', expect: got.text, record: next, queueAt: now, now })
      if (res.result === 'ok') {
        await this.queues.enqueueNotice(agency, id, now, now)
        return { result: 'queued', record: next }
      }
    }
    throw Errors.conflict('BUSY_NOTICE', 'Thông báo đang được thay đổi; hãy thử lại', 'The notice kept changing; try again')
  }

  /**
   * Lets a stopped channel (`zns`, `sms`, `email`) or template (`zns|received`) send again: its
   * state goes, and every notice held for it is queued now. Answers how many were queued.
   */
  async resume (name: string): Promise<number> {
    await this.store.notices.setChannel(name, undefined)
    const [channel, kind] = name.split('|')
    let n = 0
    for (const agency of await this.store.agencies()) {
      for (const id of await this.store.notices.held(agency, 10_000)) {
        const got = await this.store.notices.get(agency, id)
        if (got === undefined || got.record.state !== 'held' || got.record.channel !== channel) continue
        if (kind !== undefined && got.record.kind !== kind) continue
        const now = this.now()
        const next: NoticeRecord = { ...got.record, state: 'pending', history: withAttempt(got.record, { at: now, channel: got.record.channel ?? 'zns', outcome: 'resumed' }) }
        delete next.reason
        delete next.reasonCode
        const res = await this.store.notices.save({ agency, id, token: '', expect: got.text, record: next, queueAt: now, now })
        if (res.result === 'ok') { await this.queues.enqueueNotice(agency, id, now, now); n++ }
      }
    }
    return n
  }

  /** Adds (or removes) a phone on the opt-out list, kept as its HMAC only. */
  async optOut (phone: string, on: boolean): Promise<void> {
    if (this.secret === undefined) throw Errors.conflict('NOTICES_OFF', 'Chưa cấu hình thông báo (NOTICES_SECRET)', 'Notices are not configured (NOTICES_SECRET)')
    const hash = optOutHash(phone, this.secret)
    if (hash === undefined) throw new ValidationError([issue('INVALID_PHONE', 'phone', 'phone không phải số điện thoại Việt Nam', 'phone is not a Vietnamese phone number')])
    await this.store.notices.optOut(hash, on)
  }
}
