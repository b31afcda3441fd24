/**
 * Needs a decision: dossiers of an old commune split between new ones (choose among the
 * candidates) and online dossiers no sector system was given (choose the system's client).
 */
import type { FastifyInstance } from 'fastify'
import { may } from '../../domain/access.js'
import { callApi } from '../api.js'
import { pageData, signedIn } from '../context.js'
import { reviewWords } from '../review-info.js'

interface Listed { maHoSo: string, system: string, state: string, updatedAt: string, review?: Array<{ code: string, field: string, target: string, oldCode: string, candidates: Array<{ code: string, name: string }> }>, routing?: { reason?: { code: string, message: { vi: string, en: string } } } }

export default async function reviewRoutes (app: FastifyInstance): Promise<void> {
  app.get('/review', async (req, reply) => {
    const me = signedIn(req)
    const [split, unrouted] = await Promise.all([
      callApi<{ items: Listed[] }>(app, me, 'GET', '/v1/admin/dossiers?state=needs-review'),
      callApi<{ items: Listed[] }>(app, me, 'GET', '/v1/admin/dossiers?state=unrouted')
    ])
    // Each split dossier's record, for the old commune's name and the address beside the code.
    const splitItems = await Promise.all((split.ok ? split.body.items : []).map(async d => {
      const one = await callApi(app, me, 'GET', `/v1/dossiers/${encodeURIComponent(d.maHoSo)}`)
      const record = one.ok ? one.body.dossier : undefined
      return { ...d, review: (d.review ?? []).map(r => ({ ...r, ...reviewWords(app.adminUnits, record, r) })) }
    }))
    const receivers = app.clients().filter(c => c.role === 'sector' && c.webhook !== undefined)
    return await reply.view('review', {
      ...pageData(req, reply),
      split: splitItems,
      unrouted: (unrouted.ok ? unrouted.body.items : []).map(d => {
        const agency = d.maHoSo.split('-')[0] ?? ''
        return { ...d, receivers: receivers.filter(c => may(c, 'act', { agency })).map(c => ({ id: c.id, system: c.system ?? '' })) }
      }),
      error: split.error ?? unrouted.error,
      done: (req.query as { done?: string }).done === '1'
    })
  })
}
