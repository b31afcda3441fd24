/**
 * The compaction sweep: a repeating job (one schedule for the fleet) that compacts the dossiers
 * that are final, delivered and untouched for RETENTION_DAYS (docs/operations.md, "Storage
 * budget"). Bounded: at most `max` dossiers a run, in batches of `batch` per agency; the rest
 * waits for the next run. Every dossier it looks at either leaves the index or is re-indexed
 * past the window, so a run always ends. Idempotent: two processes running it at once compact
 * each dossier once (the script checks and compacts in one step).
 */
import type { Store } from '../store/ports/store.js'
import type { CompactResult } from '../store/ports/compaction.js'

export interface CompactOptions { now?: number, batch?: number, max?: number }

export async function compactAll (store: Pick<Store, 'agencies' | 'compaction'>, retentionMs: number, o: CompactOptions = {}): Promise<{ compacted: number, skipped: number }> {
  const now = o.now ?? Date.now()
  const batch = o.batch ?? 200
  let budget = o.max ?? Number.POSITIVE_INFINITY
  const out = { compacted: 0, skipped: 0 }
  for (const agency of await store.agencies()) {
    while (budget > 0) {
      const refs = await store.compaction.candidates(agency, now - retentionMs, Math.min(batch, budget))
      if (refs.length === 0) break
      const res: CompactResult[] = await store.compaction.compact(agency, refs, now, retentionMs)
      for (const r of res) {
        if (r === 'compacted') out.compacted++
        else out.skipped++
      }
      budget -= refs.length
    }
  }
  return out
}
