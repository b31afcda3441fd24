/** What every check shares: the connection, the key design, the clock, and the report it adds to. */
import type { RedisClient } from '../../store/redis/connection.js'
import { Keys } from '../../store/keys.js'
import { AuditStore } from '../../store/audit-store.js'
import type { AuditLog } from '../../store/ports/audit.js'
import { valuesOf, execEach, type Command, type Reply } from '../../store/redis/by-slot.js'
import { UNMATCHED_CAP, type Drift, type DoctorOptions, type DoctorReport } from './types.js'
import { english, type Said } from './texts.js'

export class DoctorContext {
  readonly keys: Keys
  readonly now: number
  readonly repair: boolean
  readonly batch: number
  readonly unmatchedCap: number
  readonly report: DoctorReport
  private readonly maxListed: number
  private readonly audit: AuditLog
  private readonly actor: string

  constructor (readonly redis: RedisClient, private readonly opts: DoctorOptions) {
    this.keys = new Keys(opts.prefix)
    this.now = opts.now ?? Date.now()
    this.repair = opts.repair === true
    this.batch = opts.batch ?? 500
    this.unmatchedCap = opts.unmatchedCap ?? UNMATCHED_CAP
    this.maxListed = opts.maxListed ?? 1000
    this.actor = opts.actor ?? 'lienthong doctor'
    this.audit = new AuditStore(redis, `${opts.prefix}:audit`)
    this.report = { dossiers: 0, agencies: 0, found: 0, byStructure: {}, drifts: [], repaired: 0, changed: 0, unrepairable: 0, skipped: [], notices: [], reasons: { skipped: [], notices: [] }, ms: 0 }
  }

  /** Records a drift; `repair` (when repairing and it is repairable) returns how it went. */
  async found (found: Omit<Drift, 'detail'>, repair?: () => Promise<'repaired' | 'changed'>): Promise<void> {
    const d: Drift = { ...found, detail: english(found.why) }
    const r = this.report
    r.found++
    r.byStructure[d.structure] = (r.byStructure[d.structure] ?? 0) + 1
    if (!d.repairable) r.unrepairable++
    else if (this.repair && repair !== undefined) {
      await this.opts.beforeRepair?.(d)
      try {
        d.repair = await repair()
      } catch {
        d.repair = 'failed'
      }
      if (d.repair === 'repaired') {
        r.repaired++
        await this.audit.append({ actor: this.actor, role: 'cli', action: 'doctor.repair', target: d.code ?? d.agency, outcome: 'repaired', detail: `${d.structure} ${d.problem}: ${d.detail}` })
      } else if (d.repair === 'changed') r.changed++
      else r.unrepairable++
    }
    if (r.drifts.length < this.maxListed) r.drifts.push(d)
    this.opts.onDrift?.(d)
  }

  /** Not drift, worth knowing. */
  notice (s: Said): void {
    this.report.notices.push(english(s))
    this.report.reasons.notices.push(s)
  }

  /** A check not judged because what it compares moved while it ran. */
  skip (s: Said): void {
    this.report.skipped.push(english(s))
    this.report.reasons.skipped.push(s)
  }

  async values (commands: Command[]): Promise<unknown[]> { return await valuesOf(this.redis, commands) }
  async replies (commands: Command[]): Promise<Reply[]> { return await execEach(this.redis, commands) }

  async auditSummary (): Promise<void> {
    const r = this.report
    await this.audit.append({
      actor: this.actor,
      role: 'cli',
      action: 'doctor.repair',
      count: r.repaired,
      outcome: r.found === 0 ? 'clean' : 'done',
      detail: `found ${r.found}, repaired ${r.repaired}, changed meanwhile ${r.changed}, not repairable ${r.unrepairable}`
    })
  }
}
