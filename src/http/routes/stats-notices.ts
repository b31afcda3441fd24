/**
 * The `notices` section of `GET /v1/stats?notices=true` (docs/statistics.md#applicant-notices):
 * per local month and channel, what the notice worker counted as it went, read from the agency's
 * month hashes (`<prefix>:{A}:nts:<yyyy-mm>`, fields `<channel>|<metric>`, moved by
 * lua/notice-save.lua in the same step as the notice). Kept apart from the dossier figures: these
 * counters have the agency as their only dimension.
 */
import { Type, type Static } from 'typebox'
import type { Notices } from '../../store/ports/notices.js'
import { CHANNELS } from '../../domain/notices/kinds.js'

const Count = Type.Integer({ minimum: 0 })

const ChannelFigures = Type.Object({
  sent: Type.Integer({ description: 'accepted by the provider (e-mail: by the SMTP server), letters by e-mail included' }),
  delivered: Type.Integer({ description: 'delivery reports that said delivered' }),
  failed: Type.Integer({ description: 'ended failed on this channel (its reports, or attempts exhausted)' }),
  fallbacks: Type.Integer({ description: 'notices this channel passed to the next one (refused for the applicant, quota, skipped)' }),
  unconfirmed: Type.Integer({ description: 'sent-unconfirmed: the call may have reached the provider, its answer was lost' }),
  costVnd: Type.Integer({ description: 'estimated cost in VND (NOTICE_COST_*: per ZNS message, per SMS segment, per e-mail)' })
})

const Channels = Type.Object({ zns: ChannelFigures, sms: ChannelFigures, email: ChannelFigures })

const MonthFigures = Type.Object({
  channels: Channels,
  notSent: Type.Integer({ description: 'ended not-sent by the gateway: no contact, opted out, no channel left' }),
  costVnd: Count
})

export const NoticeStatsSection = Type.Object({
  months: Type.Array(Type.Object({ month: Type.String({ description: 'local month yyyy-mm' }), ...MonthFigures.properties }), {
    description: 'every local month the range touches, whole, zeros included'
  }),
  totals: MonthFigures
}, { description: 'applicant notices of the agencies in scope; commune, system, procedure and channel do not apply' })

export type NoticeStats = Static<typeof NoticeStatsSection>
type Month = Static<typeof MonthFigures>

const METRICS = ['sent', 'delivered', 'failed', 'fallbacks', 'unconfirmed'] as const

/** The local months (`yyyy-mm`) from `from`'s to `to`'s, both days `yyyy-mm-dd`, in order. */
export function monthsOf (from: string, to: string): string[] {
  const out: string[] = []
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))]
  const last = to.slice(0, 7)
  for (;;) {
    const month = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`
    if (month > last || out.length > 1200) return out
    out.push(month)
    if (++m > 12) { m = 1; y++ }
  }
}

function zero (): Month {
  const ch = (): Static<typeof ChannelFigures> => ({ sent: 0, delivered: 0, failed: 0, fallbacks: 0, unconfirmed: 0, costVnd: 0 })
  return { channels: { zns: ch(), sms: ch(), email: ch() }, notSent: 0, costVnd: 0 }
}

function add (into: Month, counts: Readonly<Record<string, number>>): void {
  for (const ch of CHANNELS) {
    const f = into.channels[ch]
    for (const metric of METRICS) f[metric] += counts[`${ch}|${metric}`] ?? 0
    const cost = counts[`${ch}|cost`] ?? 0
    f.costVnd += cost
    into.costVnd += cost
  }
  into.notSent += counts['none|notSent'] ?? 0
}

/** Whose notices count: the agencies the dossier figures would read (StatsQuery's filter). */
export interface NoticeScope {
  agency?: string
  province?: string
  agencies?: (agency: string) => boolean
}

/**
 * The section for the known agencies in `scope`, over the months of `range` (its days already
 * checked by the stats query).
 */
export async function noticeStats (notices: Notices, known: readonly string[], scope: NoticeScope, range: { from: string, to: string }): Promise<NoticeStats> {
  const agencies = known.filter(a =>
    (scope.agency === undefined || a === scope.agency) &&
    (scope.province === undefined || a.endsWith(`.${scope.province}`)) &&
    (scope.agencies === undefined || scope.agencies(a)))
  const months = monthsOf(range.from, range.to)
  const per = new Map(months.map(m => [m, zero()]))
  const totals = zero()
  for (const agency of agencies) {
    const counted = await notices.stats(agency, months)
    for (const [month, counts] of Object.entries(counted)) {
      const into = per.get(month)
      if (into === undefined) continue
      add(into, counts)
      add(totals, counts)
    }
  }
  return { months: months.map(month => ({ month, ...(per.get(month) ?? zero()) })), totals }
}
