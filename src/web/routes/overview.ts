/**
 * Overview: today's intake and deliveries to the portal, the outbox backlog and its oldest entry, the portal connection
 * (circuit breaker), failing webhook receivers, what waits for an officer by kind, and the
 * centre's figures over 30 days. All within the signed-in admin's scope.
 */
import type { FastifyInstance } from 'fastify'
import { may } from '../../domain/access.js'
import { callApi } from '../api.js'
import { pageData, signedIn } from '../context.js'
import { localDay } from '../i18n.js'

const KINDS = ['delivery', 'webhook', 'review', 'unrouted', 'callback'] as const

export default async function overviewRoutes (app: FastifyInstance): Promise<void> {
  app.get('/', async (req, reply) => {
    const me = signedIn(req)
    const today = localDay()
    const [day, month, waiting] = await Promise.all([
      callApi(app, me, 'GET', `/v1/stats?from=${today}&to=${today}`),
      callApi(app, me, 'GET', '/v1/stats'),
      // Counted, never listed (one ZCOUNT per agency and kind).
      callApi<{ counts: Record<string, number> }>(app, me, 'GET', '/v1/admin/failed/counts')
    ])
    const agencies = (await app.store.agencies()).filter(a => may(me, 'list', { agency: a }))
    const outbox = await app.store.delivery.summary(agencies)
    const deliveredToday = await app.store.delivery.deliveredOn(agencies, today)
    const ready = await app.inject({ method: 'GET', url: '/health/ready' })
    const health = ready.json<{ portalCircuit?: string, webhookReceiversFailing?: Array<{ client: string, consecutiveFailures: number, failingSince: string, lastError: string }> }>()
    return await reply.view('overview', {
      ...pageData(req, reply),
      today: day.ok ? day.body.totals : undefined,
      month: month.ok ? month.body : undefined,
      outbox,
      deliveredToday,
      breaker: health.portalCircuit ?? 'closed',
      receivers: health.webhookReceiversFailing ?? [],
      waiting: KINDS.map(k => ({ kind: k, total: waiting.ok ? waiting.body.counts[k] : undefined }))
    })
  })
}
