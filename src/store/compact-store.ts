/** Compaction in the store: the agency's closed dossiers past retention, and the script per dossier. See scripts-compact.ts. */
import type { Result } from 'ioredis'
import type { RedisClient } from './redis/connection.js'
import type { Keys } from './keys.js'
import { COMPACT } from './scripts-compact.js'
import { defineScripts } from './lua-script.js'

import type { CompactResult, Compaction } from './ports/compaction.js'

export type { CompactResult, Compaction } from './ports/compaction.js'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltCompact: (...args: Array<string | number | Buffer>) => Result<CompactResult, Context>
  }
}

/** A dossier kept from compaction (not delivered yet, webhooks waiting) is looked at again after this long. */
export const RECHECK_MS = 86_400_000

export class CompactStore implements Compaction {
  constructor (private readonly redis: RedisClient, private readonly keys: Keys) {
    if (typeof redis.ltCompact !== 'function') defineScripts(redis, [COMPACT])
  }

  /** Up to `max` of the agency's closed dossiers last changed before `until` (epoch ms). */
  async candidates (agency: string, until: number, max: number): Promise<string[]> {
    return await this.redis.zrangebyscore(this.keys.closed(agency), '-inf', until, 'LIMIT', 0, max)
  }

  /** One script per dossier, pipelined; each leaves the index or moves past `now - retentionMs`. */
  async compact (agency: string, refs: string[], now: number, retentionMs: number): Promise<CompactResult[]> {
    if (refs.length === 0) return []
    const p0 = this.redis.pipeline()
    for (const ref of refs) {
      p0.hget(this.keys.dossier(agency, ref).dossier, 'maHoSo')
      // The notices' ids (`n|<kind>|<due>` fields): their letters are keys the script must be given.
      p0.hscan(this.keys.dossier(agency, ref).dossier, 0, 'MATCH', 'n|*', 'COUNT', 1000)
    }
    const read = ((await p0.exec()) ?? []).map(([err, v]) => { if (err !== null) throw err; return v })
    const codes = refs.map((_, i) => (read[2 * i] as string | null) ?? '')
    const noticeIds = refs.map((_, i) => {
      const flat = (read[2 * i + 1] as [string, string[]] | undefined)?.[1] ?? []
      return flat.filter((_, j) => j % 2 === 1)
    })
    const p = this.redis.pipeline()
    refs.forEach((ref, i) => {
      const k = this.keys.dossier(agency, ref)
      const code = codes[i] ?? ''
      // A record with no code has no history or webhook queue of its own: placeholders on the same slot.
      const byCode = code === '' ? '-' : code
      p.ltCompact(...COMPACT.argv({
        dossier: k.dossier,
        doc: k.doc,
        raw: k.raw,
        steps: k.steps,
        attempts: k.attempts,
        hist: this.keys.history(agency, byCode),
        whq: this.keys.webhookQueue(agency, byCode),
        outbox: this.keys.outbox(agency),
        whFailed: this.keys.webhookFailed(agency),
        closed: this.keys.closed(agency),
        due: this.keys.due(agency),
        overdue: this.keys.overdue(agency),
        all: this.keys.dossierIndex(agency),
        notices: this.keys.notices(agency),
        noticeQ: this.keys.noticeQueue(agency),
        noticeHeld: this.keys.noticeHeld(agency),
        noticeFailed: this.keys.noticeFailed(agency),
        letters: (noticeIds[i] ?? []).map(id => this.keys.noticeLetter(agency, id))
      }, { ref, code, now, retentionMs, recheckAt: now - retentionMs + RECHECK_MS, noticeIds: noticeIds[i] ?? [] }))
    })
    return ((await p.exec()) ?? []).map(([err, v]) => { if (err !== null) throw err; return v as CompactResult })
  }
}
