/**
 * Where people look at notices (docs/notices.md, "What an officer sees"): a dossier's notices,
 * the failed and not-sent ones with resend, the channels stopped by a configuration fault or a
 * balance with resume, the dossiers that owe an apology, and the opt-out list. Every list is
 * scoped to the caller's agencies; every action is audited.
 */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors, InputError } from '../../domain/errors.js'
import { may } from '../../domain/access.js'
import { mergeSources, encodePlace, decodePlace } from '../../domain/cursor.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import type { NoticeRecord } from '../../domain/notices/record.js'
import { errorReplies, queryErrorReplies, rateLimitOf, readErrorReplies } from '../schemas.js'
import { callerOf } from '../plugins/auth.js'
import { findDossier } from './find-dossier.js'
import { agencyOfNotice } from '../../services/notices/notice-admin.js'

const Notice = Type.Object({
  id: Type.String(),
  maHoSo: Type.String(),
  kind: Type.String({ description: 'received, supplement-requested, result-ready, apology, returned, refused' }),
  state: Type.String({ description: 'pending, held, sent, sent-unconfirmed, delivered, failed, not-sent' }),
  channel: Type.Optional(Type.String()),
  createdAt: Type.String(),
  sentAt: Type.Optional(Type.String()),
  deliveredAt: Type.Optional(Type.String()),
  endedAt: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String({ description: 'the provider\'s reason (failed), the gateway\'s (not-sent), or why it is held' })),
  reasonCode: Type.Optional(Type.String()),
  attempts: Type.Integer(),
  passed: Type.Optional(Type.Array(Type.String(), { description: 'channels it passed on from' })),
  letterMail: Type.Optional(Type.String({ description: 'apology: the letter by e-mail too' })),
  earlyDays: Type.Optional(Type.Integer()),
  history: Type.Array(Type.Object({ at: Type.String(), channel: Type.String(), outcome: Type.String(), reason: Type.Optional(Type.String()), code: Type.Optional(Type.String()) }))
})

const iso = (ms: number | undefined): { v?: string } => ms === undefined ? {} : { v: isoFromEpoch(ms) }

export function noticeView (r: NoticeRecord): Static<typeof Notice> {
  const t = (k: 'sentAt' | 'deliveredAt' | 'endedAt'): Record<string, string> => { const v = iso(r[k]).v; return v === undefined ? {} : { [k]: v } }
  return {
    id: r.id,
    maHoSo: r.code,
    kind: r.kind,
    state: r.state,
    ...(r.channel === undefined ? {} : { channel: r.channel }),
    createdAt: isoFromEpoch(r.createdAt),
    ...t('sentAt'),
    ...t('deliveredAt'),
    ...t('endedAt'),
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    ...(r.reasonCode === undefined ? {} : { reasonCode: r.reasonCode }),
    attempts: r.attempts,
    ...(r.passed === undefined || r.passed.length === 0 ? {} : { passed: r.passed }),
    ...(r.letterMail === undefined ? {} : { letterMail: r.letterMail }),
    ...(r.data.earlyDays === undefined ? {} : { earlyDays: r.data.earlyDays }),
    history: (r.history ?? []).map(h => ({ at: isoFromEpoch(h.at), channel: h.channel, outcome: h.outcome, ...(h.reason === undefined ? {} : { reason: h.reason }), ...(h.code === undefined ? {} : { code: h.code }) }))
  }
}

const Page = { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 500 })) }

function badCursor (): InputError {
  return new InputError('BAD_CURSOR', 400, { vi: 'cursor không hợp lệ', en: 'cursor is not valid' }, { field: 'cursor' })
}

export default async function noticeAdminRoutes (app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const audit = async (actor: { id: string, adminRole?: string }, action: string, target: string, detail?: string): Promise<void> => {
    await app.store.audit.append({ actor: actor.id, role: actor.adminRole === 'viewer' ? 'viewer' : 'operator', action, target, count: 1, outcome: 'ok', ...(detail === undefined ? {} : { detail }) })
  }

  r.get('/v1/dossiers/:maHoSo/notices', {
    schema: {
      tags: ['notices'],
      summary: 'A dossier\'s notices to its applicant, oldest first',
      params: Type.Object({ maHoSo: Type.String({ maxLength: 50 }) }),
      response: { 200: Type.Object({ items: Type.Array(Notice) }), ...readErrorReplies }
    },
    config: { auth: { roles: ['sector', 'viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const d = await findDossier(app, callerOf(req), 'read', req.params.maHoSo)
    return { items: (await app.store.notices.forDossier(d.agency, d.ref)).map(noticeView) }
  })

  r.get('/v1/notices/failed', {
    schema: {
      tags: ['notices'],
      summary: 'Notices that failed or were not sent, newest first (resend with POST /v1/notices/:id/resend)',
      querystring: Type.Object({ agency: Type.Optional(Type.String({ maxLength: 30 })), ...Page }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Notice), total: Type.Integer(), nextCursor: Type.Optional(Type.String()) }), ...queryErrorReplies }
    },
    config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    const limit = req.query.limit ?? 50
    let cursor
    try { cursor = req.query.cursor === undefined ? undefined : decodePlace(req.query.cursor) } catch { throw badCursor() }
    const agencies = (await app.store.agencies()).filter(a => (req.query.agency === undefined || a === req.query.agency) && may(client, 'list', { agency: a }))
    const sources = agencies.map(a => ({
      prefix: [a],
      fetch: async (after: Parameters<typeof app.store.notices.failedPage>[1], count: number) => (await app.store.notices.failedPage(a, after, count)).map(e => ({ score: e.at, member: e.id }))
    }))
    const page: Array<{ agency: string, id: string, at: number }> = []
    let more = false
    for await (const e of mergeSources(sources, 'desc', cursor, limit + 1)) {
      if (page.length === limit) { more = true; break }
      page.push({ agency: e.tie[0] as string, id: e.member, at: e.score })
    }
    const items = []
    for (const p of page) {
      const got = await app.store.notices.get(p.agency, p.id)
      if (got !== undefined) items.push(noticeView(got.record))
    }
    const total = (await Promise.all(agencies.map(async a => await app.store.notices.failedCount(a)))).reduce((x, y) => x + y, 0)
    const last = page.at(-1)
    return { items, total, ...(more && last !== undefined ? { nextCursor: encodePlace({ score: last.at, tie: [last.agency, last.id] }) } : {}) }
  })

  r.post('/v1/notices/:id/resend', {
    schema: {
      tags: ['notices'],
      summary: 'Send a failed or not-sent notice again, from its agency\'s first channel',
      params: Type.Object({ id: Type.String({ maxLength: 80 }) }),
      response: { 202: Type.Object({ notice: Notice }), ...errorReplies }
    },
    config: { auth: { roles: ['operator'] }, rateLimit: rateLimitOf(app) }
  }, async (req, reply) => {
    const client = callerOf(req)
    const agency = agencyOfNotice(req.params.id)
    if (agency === undefined || !may(client, 'act', { agency })) throw Errors.notFound(`thông báo ${req.params.id}`, 'id')
    const out = await app.notices.admin.resend(agency, req.params.id, client.id)
    if (out.result === 'unknown' || out.record === undefined) throw Errors.notFound(`thông báo ${req.params.id}`, 'id')
    if (out.result === 'not-resendable') {
      throw Errors.conflict('NOTICE_NOT_RESENDABLE', `Thông báo đang ở trạng thái ${out.record.state}: chỉ gửi lại thông báo lỗi hoặc chưa gửi`,
        `The notice is ${out.record.state}: only failed or not-sent notices are sent again`, 'id')
    }
    await audit(client, 'notice.resend', out.record.code, req.params.id)
    return await reply.code(202).send({ notice: noticeView(out.record) })
  })

  r.get('/v1/notices/channels', {
    schema: {
      tags: ['notices'],
      summary: 'Notice channels and templates that are stopped or full for today',
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ name: Type.String(), mode: Type.String(), reason: Type.String(), code: Type.Optional(Type.String()), at: Type.String(), until: Type.Optional(Type.String()) })) }), ...readErrorReplies }
    },
    config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) }
  }, async () => {
    const now = Date.now()
    const items = Object.entries(await app.store.notices.channels())
      .filter(([, s]) => s.until === undefined || s.until > now)
      .map(([name, s]) => ({ name, mode: s.mode, reason: s.reason, ...(s.code === undefined ? {} : { code: s.code }), at: isoFromEpoch(s.at), ...(s.until === undefined ? {} : { until: isoFromEpoch(s.until) }) }))
    return { items }
  })

  r.post('/v1/notices/channels/:name/resume', {
    schema: {
      tags: ['notices'],
      summary: 'Resume a stopped channel (zns, sms, email) or template (zns|received): its held notices are sent',
      params: Type.Object({ name: Type.String({ pattern: '^(zns|sms|email)(\\|[a-z-]{1,30})?$' }) }),
      response: { 200: Type.Object({ resumed: Type.String(), queued: Type.Integer() }), ...errorReplies }
    },
    config: { auth: { roles: ['operator'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    // A channel serves every agency: only an admin of every agency resumes it.
    if (client.agencies.length > 0) throw Errors.forbidden()
    const queued = await app.notices.admin.resume(req.params.name)
    await audit(client, 'notice.resume', req.params.name, `${queued} queued`)
    return { resumed: req.params.name, queued }
  })

  r.get('/v1/notices/apologies-owed', {
    schema: {
      tags: ['notices'],
      summary: 'Open dossiers past their due date for longer than the grace period, with no new due date: the centre owes an apology',
      querystring: Type.Object({ ...Page }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ maHoSo: Type.String(), agency: Type.String(), system: Type.String(), status: Type.String(), dueAt: Type.String() })), nextCursor: Type.Optional(Type.String()) }), ...queryErrorReplies }
    },
    config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    const grace = (app.notices.config()?.apologyGraceHours ?? 24) * 3_600_000
    const limit = req.query.limit ?? 50
    let cursor
    try { cursor = req.query.cursor === undefined ? undefined : decodePlace(req.query.cursor) } catch { throw badCursor() }
    const agencies = (await app.store.agencies()).filter(a => may(client, 'list', { agency: a }))
    const sources = agencies.map(a => ({ prefix: [a], fetch: app.store.lifecycle.source(a, 'overdue', { max: Date.now() - grace }) }))
    const page: Array<{ agency: string, ref: string, dueAt: number }> = []
    let more = false
    for await (const e of mergeSources(sources, 'asc', cursor, limit + 1)) {
      if (page.length === limit) { more = true; break }
      page.push({ agency: e.tie[0] as string, ref: e.member, dueAt: e.score })
    }
    const records = await app.store.loadEach(page.map(x => ({ agency: x.agency, ref: x.ref })), { documents: false })
    const items = []
    for (const [i, d] of records.entries()) {
      if (d === undefined || !may(client, 'list', d)) continue
      items.push({ maHoSo: d.maHoSo, agency: d.agency, system: d.system, status: d.status, dueAt: isoFromEpoch(page[i]?.dueAt ?? 0) })
    }
    const last = page.at(-1)
    return { items, ...(more && last !== undefined ? { nextCursor: encodePlace({ score: last.dueAt, tie: [last.agency, last.ref] }) } : {}) }
  })

  r.post('/v1/notices/opt-outs', {
    schema: {
      tags: ['notices'],
      summary: 'Put a phone on the opt-out list (or take it off): no ZNS or SMS reaches it. Only its HMAC is kept.',
      body: Type.Object({ phone: Type.String({ minLength: 9, maxLength: 20 }), optOut: Type.Boolean({ default: true }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ optOut: Type.Boolean() }), ...errorReplies }
    },
    config: { auth: { roles: ['operator'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    await app.notices.admin.optOut(req.body.phone, req.body.optOut)
    // The phone is never written anywhere but as its HMAC: the audit says only what was done.
    await audit(client, req.body.optOut ? 'notice.opt-out' : 'notice.opt-in', 'phone')
    return { optOut: req.body.optOut }
  })
}
