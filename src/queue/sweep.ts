/**
 * Safety net for the flush jobs: an agency whose outbox holds dossiers but whose owner job is
 * gone (failed for good, or removed, while its process died) gets a fresh job. Normal traffic
 * never needs it; it bounds how long a rare lost wake-up can delay delivery.
 */
import type { Log as Logger } from '../logger.js'
import type { Store } from '../store/ports/store.js'
import { jobIds, type JobQueues } from './jobs.js'

const ALIVE = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'])

export async function sweepOutboxes (store: Pick<Store, 'agencies' | 'delivery'>, queues: JobQueues, log: Logger): Promise<{ rearmed: number }> {
  let rearmed = 0
  for (const agency of await store.agencies()) {
    if (await store.delivery.size(agency) === 0) continue
    const owner = await store.delivery.ownerJob(agency)
    const id = owner ?? jobIds.flush(agency, await store.delivery.flushGen(agency))
    if (ALIVE.has(await queues.delivery.getJobState(id))) continue
    // A fresh generation, since BullMQ ignores the id of a finished job. Releasing a dead
    // owner's claim already moves to one; otherwise, move to one here.
    const released = owner === null ? undefined : await store.delivery.release(agency, owner)
    const gen = released ?? await store.delivery.bumpFlushGen(agency)
    await queues.enqueueFlush(agency, gen)
    rearmed++
    log.info({ agency }, 'outbox re-armed by the sweeper')
  }
  return { rearmed }
}
