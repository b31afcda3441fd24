/**
 * The webhook sweeper recovers a head event whose BullMQ job finished without delivering it
 * (here: failed for good, as a job that stalled past maxStalledCount while its processes died).
 * Adding a job under the id of a failed one does nothing, so without the sweeper's removal the
 * head, and every later event of the dossier, would wait the 7 days BullMQ keeps failed jobs.
 */
import t from 'tap'
import { UnrecoverableError, Worker, Queue } from 'bullmq'
import { startStack } from '../helpers/fixture.js'
import { onlineStack, ONLINE_AGENCY as AGENCY } from '../helpers/online.js'
import { waitFor } from '../../support/wait.js'
import { WEBHOOK_QUEUE, jobIds } from '../../src/queue/jobs.js'

const PREFIX = '{lt-queue}'

t.test('a head whose job sits in BullMQ\'s failed set is queued again by the sweeper and delivered', async t => {
  const options = onlineStack({ DELIVERY_SWEEP_INTERVAL_MS: '300', QUEUE_PREFIX: PREFIX })
  // The API takes the HoSoMoi and queues its webhook job; no worker runs yet.
  const { redis, sim, stub, gw: api, addGateway } = await startStack(t, { ...options, env: { ...options.env, ROLE: 'api' } })
  const queue = new Queue(WEBHOOK_QUEUE, { connection: { url: redis.url }, prefix: PREFIX })
  t.teardown(async () => { await queue.close() })

  const r = await sim.submitOnline({ url: `${api.url}/v1/portal/callbacks`, agency: AGENCY, hoSo: { MaTTHC: '1.001193', MaXa: '18754' } })
  t.equal(r.callback.finalStatus, 200)
  const jobId = jobIds.webhook(`msg_${r.maHoSo}.1`)
  t.equal(await queue.getJobState(jobId), 'waiting', 'the head\'s job is queued')

  // A worker that dies on the job for good: BullMQ moves it to the failed set.
  const dying = new Worker(WEBHOOK_QUEUE, async () => { throw new UnrecoverableError('job stalled more than allowable limit') }, { connection: { url: redis.url }, prefix: PREFIX })
  await waitFor(async () => await queue.getJobState(jobId) === 'failed', { what: 'the job in the failed set' })
  await dying.close()
  t.equal(stub.received.length, 0, 'nothing delivered')

  await addGateway({ ...options.env, ROLE: 'worker' })
  await stub.waitFor(() => stub.received.some(w => (w.data as { maHoSo?: string }).maHoSo === r.maHoSo), 20_000)
  t.equal(stub.received.filter(w => w.type === 'dossier.submitted-online').length, 1, 'delivered once')
  await waitFor(async () => (await queue.getJobState(jobId)) === 'unknown', { what: 'the delivered job removed' })
})
