/**
 * Applicant notices as officers see them (docs/notices.md, "What an officer sees"): the notices
 * that failed or were not sent, with resend; the channels stopped by a configuration fault or full
 * for today, with resume; the dossiers that owe an apology. Every list and action is the notices
 * API (http/routes/notices-admin.ts) called as the signed-in client, so its scope, roles and audit
 * apply unchanged: resume is offered only to an operator of every agency, as the API allows.
 */
import type { FastifyInstance } from 'fastify'
import { callApi, query } from '../api.js'
import { isOperator, pageData, signedIn } from '../context.js'
import { act, dossierPath } from './dossier.js'

interface Page<T> { items: T[], total?: number, nextCursor?: string }

function text (v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
}

export default async function noticeRoutes (app: FastifyInstance): Promise<void> {
  const csrf = { preHandler: app.csrfProtection }

  app.get('/notices', async (req, reply) => {
    const me = signedIn(req)
    const q = req.query as Record<string, unknown>
    const agency = text(q.agency)
    const cursor = text(q.cursor)
    const owedCursor = text(q.owedCursor)
    const [failed, channels, owed] = await Promise.all([
      callApi<Page<unknown>>(app, me, 'GET', `/v1/notices/failed${query({ agency, limit: 50, cursor })}`),
      callApi<{ items: unknown[] }>(app, me, 'GET', '/v1/notices/channels'),
      callApi<Page<unknown>>(app, me, 'GET', `/v1/notices/apologies-owed${query({ limit: 50, cursor: owedCursor })}`)
    ])
    const refused = [failed, channels, owed].find(r => !r.ok)
    const here = (more: Record<string, string | undefined>): string => `/admin/notices${query({ agency, cursor, owedCursor, ...more })}`
    return await reply.code(refused?.status ?? 200).view('notices', {
      ...pageData(req, reply),
      agency,
      error: refused?.error,
      done: q.done === '1',
      // The API refuses anyone else (a channel serves every agency): no button they cannot use.
      canResume: isOperator(me) && me.agencies.length === 0,
      channels: channels.ok ? channels.body.items : [],
      failed: failed.ok ? failed.body.items : [],
      failedTotal: failed.ok ? failed.body.total : undefined,
      failedNext: failed.ok && failed.body.nextCursor !== undefined ? here({ cursor: failed.body.nextCursor }) : undefined,
      failedFirst: cursor === undefined ? undefined : here({ cursor: undefined }),
      owed: owed.ok ? owed.body.items : [],
      owedNext: owed.ok && owed.body.nextCursor !== undefined ? here({ owedCursor: owed.body.nextCursor }) : undefined,
      owedFirst: owedCursor === undefined ? undefined : here({ owedCursor: undefined })
    })
  })

  app.post<{ Params: { id: string } }>('/notices/:id/resend', csrf, async (req, reply) => {
    // Back to the dossier the button was on, else to the notices page.
    const from = text((req.body as Record<string, unknown> | undefined)?.from)
    return await act(app, req, reply, `/v1/notices/${encodeURIComponent(req.params.id)}/resend`, {}, from === undefined ? '/admin/notices' : dossierPath(from))
  })

  app.post<{ Params: { name: string } }>('/notices/channels/:name/resume', csrf, async (req, reply) => {
    return await act(app, req, reply, `/v1/notices/channels/${encodeURIComponent(req.params.name)}/resume`, {}, '/admin/notices')
  })
}
