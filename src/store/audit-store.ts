/**
 * The admins' audit log: a Redis stream, appended to and never changed. One entry per admin
 * action (and per read of payloads, which hold personal data): who, when, what, on which
 * dossiers or filter, how many, and how it ended. Its own key, outside any agency's slot.
 */
import type { RedisClient } from './redis/connection.js'
import type { AuditEntry, AuditLog, AuditRecord } from './ports/audit.js'

export type { AuditEntry, AuditLog, AuditRecord } from './ports/audit.js'

export class AuditStore implements AuditLog {
  constructor (private readonly redis: RedisClient, private readonly key: string) {}

  async append (e: AuditEntry): Promise<string> {
    const fields: string[] = ['actor', e.actor, 'role', e.role, 'action', e.action, 'outcome', e.outcome]
    if (e.target !== undefined) fields.push('target', e.target)
    if (e.filter !== undefined) fields.push('filter', JSON.stringify(e.filter))
    if (e.count !== undefined) fields.push('count', String(e.count))
    if (e.detail !== undefined) fields.push('detail', e.detail.slice(0, 500))
    return await this.redis.xadd(this.key, '*', ...fields) ?? ''
  }

  /** Newest first, `limit` entries strictly older than `before` (an entry id) when given. */
  async list (limit: number, before?: string): Promise<AuditRecord[]> {
    const rows = await this.redis.xrevrange(this.key, before === undefined ? '+' : `(${before}`, '-', 'COUNT', limit)
    return rows.map(([id, flat]) => {
      const f: Record<string, string> = {}
      for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i] as string] = flat[i + 1] as string
      const r: AuditRecord = { id, at: new Date(Number(id.split('-')[0])).toISOString(), actor: f.actor ?? '', role: f.role ?? '', action: f.action ?? '', outcome: f.outcome ?? '' }
      if (f.target !== undefined) r.target = f.target
      if (f.filter !== undefined) r.filter = JSON.parse(f.filter) as unknown
      if (f.count !== undefined) r.count = Number(f.count)
      if (f.detail !== undefined) r.detail = f.detail
      return r
    })
  }
}
