/**
 * The notices' side of the queue: a job for each notice a script created (the store is told, as
 * for webhook heads, and this queues it), and the sweeper that queues every due notice whose job
 * was lost (a crash between the script and the add), delayed past a restart, or resumed by an admin.
 */
import type { NoticesCreated } from '../store/ports/notices.js'
import type { Store } from '../store/ports/store.js'
import type { JobQueues } from './jobs.js'

export function queueCreatedNotices (queues: Pick<JobQueues, 'enqueueNotice'>, warn: (fields: { err: string, notice: string }, msg: string) => void): NoticesCreated {
  return {
    created (agency, ids) {
      const now = Date.now()
      for (const id of ids) {
        queues.enqueueNotice(agency, id, now, now).catch((err: Error) => { warn({ err: err.message, notice: id }, 'notice job not queued: the sweeper will') })
      }
    }
  }
}

/** Queues the due notices of every agency, at most `max` per agency a run; answers how many. */
export async function sweepNotices (store: Pick<Store, 'notices' | 'agencies'>, queues: Pick<JobQueues, 'enqueueNotice'>, now = Date.now(), max = 1000): Promise<number> {
  let n = 0
  for (const agency of await store.agencies()) {
    const due = await store.notices.due(agency, now, max)
    // One job per notice and due time: a job still waiting under that id is not added twice.
    await Promise.all(due.map(async e => { await queues.enqueueNotice(agency, e.id, e.at, now) }))
    n += due.length
  }
  return n
}
