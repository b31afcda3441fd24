/**
 * Needs a decision: dossiers of an old commune split between new ones (choose among the
 * candidates) and online dossiers no sector system was given (choose the system's client).
 */
import type { FastifyInstance } from 'fastify'
import { coversAgency } from '../../plugins/clients.js'
import { callApi } from '../api.js'
import { pageData, signedIn } from '../context.js'

interface Listed { maHoSo: string, system: string, state: string, updatedAt: string, review?: Array<{ code: string, field: string, target: string, oldCode: string, candidates: Array<{ code: string, name: string }> }>, routing?: { reason?: { code: string, message: { vi: string, en: string } } } }

export default async function reviewRoutes (app: FastifyInstance): Promise<void> {
  app.get('/review', async (req, reply) => {
    const me = signedIn(req)
    const [split, unrouted] = await Promise.all([
      callApi<{ items: Listed[] }>(app, me, 'GET', '/v1/admin/dossiers?state=needs-review'),
      callApi<{ items: Listed[] }>(app, me, 'GET', '/v1/admin/dossiers?state=unrouted')
    ])
    const receivers = app.clients().filter(c => c.role === 'sector' && c.webhook !== undefined)
    return await reply.view('review', {
      ...pageData(req, reply),
      split: split.ok ? split.body.items : [],
      unrouted: (unrouted.ok ? unrouted.body.items : []).map(d => {
        const agency = d.maHoSo.split('-')[0] ?? ''
        return { ...d, receivers: receivers.filter(c => coversAgency(c.agencies, agency)).map(c => ({ id: c.id, system: c.system ?? '' })) }
      }),
      error: split.error ?? unrouted.error,
      done: (req.query as { done?: string }).done === '1'
    })
  })
}
