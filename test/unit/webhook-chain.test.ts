/**
 * A webhook job goes on with its dossier's next events while the receiver takes them, in order,
 * and hands an event it could not deliver to a job of its own, with the attempt it spent; the
 * sweeper leaves a head without a job alone until it has been so for longer than an attempt.
 * In memory: the store, the queues and the receiver are stand-ins (the Redis side has its own
 * tests: test/store/lua/lifecycle.test.ts, test/integration/webhook-*.test.ts).
 */
import t from 'tap'
import type { Job } from 'bullmq'
import { WebhookDeliverer, sweepWebhooks, CHAIN_MAX } from '../../src/queue/webhook-delivery.js'
import type { WebhookEntry, WebhookFailure } from '../../src/store/ports/webhooks.js'
import type { WebhookResult } from '../../src/adapters/webhooks/webhook-sender.js'

const AGENCY = '000.00.31.H42'
const CODE = 'C1'
const quiet = { info () {}, warn () {}, debug () {}, error () {}, child () { return quiet } }

function world (events: number, outcomes: (id: string, n: number) => WebhookResult['outcome'], schedule = [100, 200]): any {
  const queue: WebhookEntry[] = Array.from({ length: events }, (_, i) => ({ id: `msg_${CODE}.${i + 1}`, client: 'sector', type: `t${i + 1}`, body: { n: i + 1 } }))
  const sent: string[] = []
  const enqueued: Array<{ eventId: string, opts: unknown, attempted: number }> = []
  const failures: WebhookFailure[] = []
  const tries = new Map<string, number>()
  const webhooks = {
    async head () { return { ...(queue[0] === undefined ? {} : { entry: queue[0] }) } },
    async done (_a: string, _c: string, eventId: string) {
      if (queue[0]?.id !== eventId) return { result: 'stale', next: '' }
      queue.shift()
      const next = queue[0]
      return next === undefined ? { result: 'ok', next: '' } : { result: 'ok', next: next.id, nextEntry: next }
    },
    async fail (_a: string, _c: string, f: WebhookFailure) { failures.push(f); return true },
    async receiverOutcome () {},
    async sendableHeads () { return queue[0] === undefined ? [] : [{ code: CODE, eventId: queue[0].id }] }
  }
  const states = new Map<string, string>()
  const queues = {
    async enqueueWebhook (_a: string, _c: string, eventId: string, opts: unknown = {}, attempted = 0) { enqueued.push({ eventId, opts, attempted }); states.set(`wh-${eventId}`, 'waiting') },
    webhooks: { async getJobState (id: string) { return states.get(id) ?? 'unknown' }, async remove (id: string) { states.delete(id) } }
  }
  const sender = {
    async send (req: { id: string }): Promise<WebhookResult> {
      sent.push(req.id)
      const n = (tries.get(req.id) ?? 0) + 1
      tries.set(req.id, n)
      return { outcome: outcomes(req.id, n), durationMs: 1, status: 200 }
    }
  }
  const metrics = { webhookAttempts: { inc () {} } }
  const store = { webhooks, replicated: async () => true, agencies: async () => [AGENCY] }
  const clients = (): any[] => [{ id: 'sector', webhook: { url: 'http://127.0.0.1:9/hook', secret: 'whsec_x' } }]
  const deliverer = new WebhookDeliverer(store as any, queues as any, sender as any, clients, schedule, metrics as any, quiet as any)
  const job = (eventId: string, attempted?: number, attemptsMade = 0): Job<any> => ({ data: { agency: AGENCY, maHoSo: CODE, eventId, ...(attempted === undefined ? {} : { attempted }) }, attemptsMade } as any)
  return { queue, sent, enqueued, failures, states, deliverer, job, store, queues }
}

t.test('one job sends the dossier\'s events in order while the receiver takes them', async t => {
  const w = world(5, () => 'delivered')
  t.equal(await w.deliverer.process(w.job('msg_C1.1')), 'delivered')
  t.same(w.sent, ['msg_C1.1', 'msg_C1.2', 'msg_C1.3', 'msg_C1.4', 'msg_C1.5'])
  t.same(w.enqueued, [], 'no job for the later events')
  t.equal(w.queue.length, 0)
  t.equal(await w.deliverer.process(w.job('msg_C1.1')), 'stale', 'a job queued twice does nothing')
})

t.test('an event the job went on to and could not deliver gets a job of its own, its attempt counted', async t => {
  const w = world(3, (id, n) => id === 'msg_C1.2' && n === 1 ? 'retry' : 'delivered')
  t.equal(await w.deliverer.process(w.job('msg_C1.1')), 'delivered')
  t.same(w.sent, ['msg_C1.1', 'msg_C1.2'])
  t.equal(w.enqueued.length, 1)
  t.equal(w.enqueued[0]?.eventId, 'msg_C1.2')
  t.equal(w.enqueued[0]?.attempted, 1)
  t.ok(((w.enqueued[0]?.opts as { delay?: number }).delay ?? 0) >= 80, 'after the schedule\'s first delay')
  t.equal(await w.deliverer.process(w.job('msg_C1.2', 1)), 'delivered')
  t.same(w.sent, ['msg_C1.1', 'msg_C1.2', 'msg_C1.2', 'msg_C1.3'], 'then the rest, in order')
})

t.test('the attempts spent before the hand-over count towards the schedule', async t => {
  const w = world(2, id => id === 'msg_C1.2' ? 'retry' : 'delivered', [100])
  await w.deliverer.process(w.job('msg_C1.1'))
  t.same(w.enqueued.map((e: { eventId: string, attempted: number }) => [e.eventId, e.attempted]), [['msg_C1.2', 1]])
  t.equal(await w.deliverer.process(w.job('msg_C1.2', 1)), 'failed', 'the second attempt was the schedule\'s last')
  t.match(w.failures, [{ id: 'msg_C1.2', code: 'RETRIES_EXHAUSTED', attempts: 2 }])
})

t.test('the job\'s own event is retried by BullMQ as before', async t => {
  const w = world(2, () => 'retry')
  await t.rejects(w.deliverer.process(w.job('msg_C1.1')), { name: 'RetryLater' })
  t.same(w.enqueued, [])
})

t.test('a run of events is bounded: the rest goes to a job of its own; so after stop()', async t => {
  const w = world(CHAIN_MAX + 5, () => 'delivered')
  await w.deliverer.process(w.job('msg_C1.1'))
  t.equal(w.sent.length, CHAIN_MAX)
  t.same(w.enqueued.map((e: { eventId: string, attempted: number }) => e.eventId), [`msg_C1.${CHAIN_MAX + 1}`])
  w.deliverer.stop()
  await w.deliverer.process(w.job(`msg_C1.${CHAIN_MAX + 1}`))
  t.equal(w.sent.length, CHAIN_MAX + 1)
  t.same(w.enqueued.map((e: { eventId: string, attempted: number }) => e.eventId), [`msg_C1.${CHAIN_MAX + 1}`, `msg_C1.${CHAIN_MAX + 2}`])
})

t.test('the sweeper re-arms a head without a job only once it has been so for the grace', async t => {
  const w = world(1, () => 'delivered')
  t.equal(await sweepWebhooks(w.store, w.queues, quiet as any, 1000, 10_000), 0, 'perhaps being sent by a job')
  t.equal(await sweepWebhooks(w.store, w.queues, quiet as any, 1000, 10_500), 0)
  t.equal(await sweepWebhooks(w.store, w.queues, quiet as any, 1000, 11_000), 1, 'still without a job after the grace')
  t.same(w.enqueued.map((e: { eventId: string, attempted: number }) => e.eventId), ['msg_C1.1'])
  t.equal(await sweepWebhooks(w.store, w.queues, quiet as any, 1000, 11_001), 1, 'a queued head: adding it again is a no-op in BullMQ')
  w.states.set('wh-msg_C1.1', 'failed')
  t.equal(await sweepWebhooks(w.store, w.queues, quiet as any, 1000, 11_002), 1, 'a finished job: at once')
  t.equal(w.states.get('wh-msg_C1.1'), 'waiting')
})
