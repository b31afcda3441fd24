/**
 * Delivery reports (SMS reports on their per-message URL, ZNS `user_received_message` events):
 * a sent notice becomes `delivered` or `failed`, once however often the report repeats. A report
 * for a notice a worker is still sending is parked beside it and applied by that worker's save.
 */
import type { Store } from '../store/ports/store.js'
import type { Channel } from '../domain/notices/kinds.js'
import { withAttempt, type NoticeRecord } from '../domain/notices/record.js'

export interface NoticeReport {
  channel: Channel
  state: 'delivered' | 'failed' | 'pending'
  /** The provider's reason for a failure (digits cut: never a phone). */
  reason?: string
  /** When the provider says it happened (epoch ms); the gateway's clock otherwise. */
  at?: number
}

export type ReportResult = 'applied' | 'repeated' | 'parked' | 'ignored' | 'unknown'

export async function applyReport (notices: Store['notices'], agency: string, id: string, rep: NoticeReport, now: number): Promise<ReportResult> {
  if (rep.state === 'pending') return 'ignored'
  for (let i = 0; i < 5; i++) {
    const got = await notices.get(agency, id)
    if (got === undefined) return 'unknown'
    const r = got.record
    if (r.state === 'delivered' || (r.state === 'failed' && r.channel === rep.channel && r.history?.some(h => h.outcome === 'report') === true)) return 'repeated'
    if (r.state !== 'sent' && r.state !== 'sent-unconfirmed') {
      await notices.park(agency, id, JSON.stringify(rep))
      return 'parked'
    }
    if (r.channel !== rep.channel) return 'ignored'
    const at = rep.at ?? now
    const history = withAttempt(r, { at: now, channel: rep.channel, outcome: 'report', ...(rep.reason === undefined ? {} : { reason: rep.reason }) })
    const next: NoticeRecord = rep.state === 'delivered'
      ? { ...r, state: 'delivered', deliveredAt: at, endedAt: now, history }
      : { ...r, state: 'failed', reason: rep.reason ?? 'the provider reports it was not delivered', endedAt: now, history }
    const res = await notices.save({
      agency,
      id,
      token: '',
      expect: got.text,
      record: next,
      now,
      bumps: { [`${rep.channel}|${rep.state}`]: 1 },
      ...(rep.state === 'failed' ? { failedAt: now } : {})
    })
    if (res.result === 'ok') return 'applied'
    if (res.result === 'busy') {
      await notices.park(agency, id, JSON.stringify(rep))
      return 'parked'
    }
  }
  return 'ignored'
}
