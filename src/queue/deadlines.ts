/**
 * The deadline scan: a repeating job (one schedule for the fleet) that marks open dossiers past
 * their due date overdue and warns of those about to be, each once per due date (the DEADLINE
 * script decides atomically, so two processes scanning at once still emit one event).
 */
import type { Log as Logger } from '../logger.js'
import type { Store } from '../store/ports/store.js'
import type { JobQueues } from './jobs.js'
import { encodeBumps } from '../domain/stats-dimensions.js'

const PAGE = 1000

export async function scanDeadlines (store: Pick<Store, 'agencies' | 'lifecycle'>, queues: JobQueues, windowMs: number, log: Logger, now = Date.now()): Promise<{ overdue: number, dueSoon: number }> {
  const overdueBump = encodeBumps([{ metric: 'overdueOpen', delta: 1 }])
  const total = { overdue: 0, dueSoon: 0 }
  for (const agency of await store.agencies()) {
    let offset = 0
    for (;;) {
      const r = await store.lifecycle.scan(agency, now, windowMs, overdueBump, offset, PAGE)
      total.overdue += r.overdue
      total.dueSoon += r.dueSoon
      for (const h of r.heads) await queues.enqueueWebhook(agency, h.code, h.eventId)
      if (r.fetched < PAGE) break
      offset += r.kept
    }
  }
  if (total.overdue + total.dueSoon > 0) log.info(total, 'deadlines: dossiers became overdue or due soon')
  return total
}
