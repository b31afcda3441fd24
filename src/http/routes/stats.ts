/**
 * `GET /v1/stats`: the centre's service-quality figures (docs/statistics.md), from counters kept
 * at write time. Admins see every agency; a sector client, its own agencies and its own system.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors, InputError } from '../../domain/errors.js'
import { queryErrorReplies, rateLimitOf } from '../schemas.js'
import { AgencyCode, Channel, CommuneCode, ProcedureCode } from '../../domain/canonical-dossier.js'
import { callerOf } from '../plugins/auth.js'
import { may } from '../../domain/access.js'
import { StatsQuery, lastDays, type StatsFilter } from '../../store/stats/query.js'
import { isDay } from '../../domain/stats-dimensions.js'
import { NoticeStatsSection, noticeStats } from './stats-notices.js'

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'local date yyyy-mm-dd (Asia/Ho_Chi_Minh)' })
const Ratio = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])

export const StatsQuerystring = Type.Object({
  province: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{1,5}$', description: 'last segment of the agency codes, e.g. H42' })),
  commune: Type.Optional(CommuneCode),
  agency: Type.Optional(AgencyCode),
  system: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$' })),
  procedure: Type.Optional(ProcedureCode),
  channel: Type.Optional(Channel),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  groupBy: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('month')])),
  notices: Type.Optional(Type.Boolean({ description: 'adds `notices`: applicant notices per local month and channel (stats-notices.ts)' }))
})

const FigureFields = {
  received: Type.Integer(),
  online: Type.Integer(),
  onlineShare: Ratio,
  resolvedEarly: Type.Integer(),
  resolvedOnTime: Type.Integer(),
  resolvedLate: Type.Integer(),
  onTimeRate: Ratio,
  supplementRequests: Type.Integer(),
  withdrawn: Type.Integer(),
  refused: Type.Integer(),
  digitised: Type.Integer(),
  digitisedShare: Ratio,
  paidOnline: Type.Integer(),
  paidOnlineShare: Ratio,
  meanRating: Type.Union([Type.Number(), Type.Null()]),
  ratings: Type.Integer()
}

export const StatsReply = Type.Object({
  from: Type.String(),
  to: Type.String(),
  filter: Type.Object({
    province: Type.Optional(Type.String()),
    commune: Type.Optional(Type.String()),
    agency: Type.Optional(Type.String()),
    system: Type.Optional(Type.String()),
    procedure: Type.Optional(Type.String()),
    channel: Type.Optional(Type.String()),
    groupBy: Type.Optional(Type.String())
  }),
  totals: Type.Object(FigureFields),
  groups: Type.Optional(Type.Array(Type.Object({ period: Type.String(), ...FigureFields }))),
  overdueOpen: Type.Integer({ description: 'open dossiers past their due date now; the date range does not apply' }),
  notices: Type.Optional(NoticeStatsSection)
})

export const DEFAULT_RANGE_DAYS = 30

/**
 * Neither date: the last 30 local days. Only `to`: the 30 days ending then. Only `from`: from
 * then to today (or that one day, if it is in the future). Invalid dates pass through for the
 * query to refuse with the field at fault.
 */
export function defaultRange (from: string | undefined, to: string | undefined, nowMs: number = Date.now()): { from: string, to: string } {
  if (from !== undefined && to !== undefined) return { from, to }
  if (to !== undefined) return { from: isDay(to) ? lastDays(DEFAULT_RANGE_DAYS, Date.parse(`${to}T12:00:00+07:00`)).from : to, to }
  const last = lastDays(DEFAULT_RANGE_DAYS, nowMs)
  if (from === undefined) return last
  return { from, to: from > last.to ? from : last.to }
}

export async function statsRoutes (app: FastifyInstance): Promise<void> {
  const stats = new StatsQuery(app.redis, app.config.KEY_PREFIX)
  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/stats', {
    schema: {
      tags: ['stats'],
      summary: 'Service-quality figures of the centre',
      querystring: StatsQuerystring,
      response: { 200: StatsReply, ...queryErrorReplies }
    },
    config: { auth: { roles: ['sector', 'viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    const { notices: withNotices, ...q } = req.query
    const filter: StatsFilter = { ...q, ...defaultRange(q.from, q.to) }
    if (client.role !== 'admin') {
      // A sector client's figures are its own: naming another system or agency is refused
      // rather than silently answered with zeros.
      if (q.system !== undefined && !may(client, 'list', { system: q.system })) throw Errors.forbiddenSystem(q.system)
      if (q.agency !== undefined && !may(client, 'list', { agency: q.agency })) throw Errors.forbiddenAgency(q.agency, 'agency')
      if (client.system !== undefined) filter.system = client.system
      filter.agencies = (a) => may(client, 'list', { agency: a })
    } else {
      // An admin limited to some agencies or systems sees their figures only.
      if (q.agency !== undefined && !may(client, 'list', { agency: q.agency })) throw Errors.forbiddenAgency(q.agency, 'agency')
      if (client.agencies.length > 0) filter.agencies = (a) => may(client, 'list', { agency: a })
      if (q.system !== undefined && !may(client, 'list', { system: q.system })) throw Errors.forbiddenSystem(q.system)
      const systems = client.systems
      if (systems !== undefined) {
        if (q.system === undefined) {
          if (systems.length !== 1) {
            throw new InputError('SYSTEM_REQUIRED', 400, {
              vi: `Khóa quản trị này chỉ xem được các hệ thống ${systems.join(', ')}: hãy chọn một (system)`,
              en: `This admin key sees systems ${systems.join(', ')} only: choose one (system)`
            }, { field: 'system' })
          }
          filter.system = systems[0]
        }
      }
    }
    const figures = await stats.query(filter)
    if (withNotices !== true) return figures
    return { ...figures, notices: await noticeStats(app.store.notices, await app.store.agencies(), filter, figures) }
  })
}
