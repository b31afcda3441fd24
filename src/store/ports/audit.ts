/** The admins' audit log, as the jobs and the doctor append to it. Redis: audit-store.ts (a stream). */

export interface AuditEntry {
  actor: string
  role: string
  action: string
  /** The dossier (MaHoSo), webhook event or job acted on. */
  target?: string
  /** The filter of a bulk action, as given. */
  filter?: unknown
  count?: number
  outcome: string
  detail?: string
}

export interface AuditRecord extends AuditEntry { id: string, at: string }

export interface AuditLog {
  append: (e: AuditEntry) => Promise<string>
}
