/**
 * Intake under load, as a careful sender behaves: several senders post dossiers at once, each
 * dossier's versions in order (taken in, then two status changes), and a version is resent until
 * it is acknowledged (2xx) before the next is sent. Records what was acknowledged and when, and
 * every refusal by code: what a failover test checks against the portal.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { civilStatus, post } from './samples.js'
import { waitFor } from './wait.js'

/** The versions of each dossier, in the order they are sent; the portal's codes of the changes. */
export const VERSIONS = ['TIEP_NHAN', 'DANG_XU_LY', 'DA_CO_KET_QUA'] as const
export const STEP_CODES = ['4', '9']
/** The portal status of each version (the canonical record's `status`). */
export const VERSION_CODES = ['2', ...STEP_CODES]

/** A citizen ID of its own for dossier `n` (a valid 12-digit CCCD): distinct applicants. */
export function applicantId (n: number): string {
  return `042090${String(n % 1_000_000).padStart(6, '0')}`
}

export interface Acked { n: number, maHoSo: string, versions: number, ackedAt: number[] }

export class IntakeLoad {
  readonly acked = new Map<number, Acked>()
  readonly refused = new Map<string, number>()
  /** Each refusal with its dossier and version (up to 10,000): which dossiers a window refused. */
  readonly refusals: Array<{ n: number, version: number, code: string, at: number }> = []
  /** Every acknowledgement in order: what a loss window is measured on. */
  readonly acks: Array<{ n: number, version: number, at: number }> = []
  private next: number
  private running = true
  private readonly senders: Array<Promise<void>>

  private readonly distinct: boolean
  private gate: { promise: Promise<void>, open: () => void } | undefined
  private waiting = 0

  /** `distinctApplicants`: each dossier has its own applicant (applicantId), so a reused code shows. */
  /** `newOnly`: that many of the senders send only new dossiers (their first version), so a stall always catches some. */
  constructor (private readonly url: string, private readonly key: string, opts: { senders: number, first: number, agencies?: number, distinctApplicants?: boolean, newOnly?: number }) {
    this.next = opts.first
    this.distinct = opts.distinctApplicants ?? false
    const agencies = opts.agencies ?? 5
    this.senders = Array.from({ length: opts.senders }, async (_, i) => { await this.send(agencies, i < (opts.newOnly ?? 0) ? 1 : VERSIONS.length) })
  }

  get ackedCount (): number { return this.acks.length }
  refusedCount (code: string): number { return this.refused.get(code) ?? 0 }

  private async send (agencies: number, versions: number): Promise<void> {
    while (this.running) {
      const n = this.next++
      const agency = { coQuanDangKy: { maDinhDanh: `000.00.3${n % agencies}.H42`, maXa: '18754' } }
      for (let v = 0; v < versions && this.running; v++) {
        const doc = civilStatus(n, { ...agency, trangThai: VERSIONS[v] })
        if (this.distinct) doc.nguoiYeuCau = { ...(doc.nguoiYeuCau as object), giayTo: { loai: 'CCCD', so: applicantId(n) } }
        for (;;) {
          if (this.gate !== undefined) {
            this.waiting++
            await this.gate.promise
            this.waiting--
          }
          if (!this.running) return
          const res = await post(this.url, this.key, 'civil-status', doc).catch(() => ({ status: 0, json: { code: 'NETWORK' } }))
          if (res.status >= 200 && res.status < 300) {
            const at = Date.now()
            const a = this.acked.get(n) ?? { n, maHoSo: res.json.maHoSo as string, versions: 0, ackedAt: [] }
            a.versions = v + 1
            a.ackedAt.push(at)
            this.acked.set(n, a)
            this.acks.push({ n, version: v, at })
            break
          }
          const code = String(res.json?.code ?? res.status)
          this.refused.set(code, (this.refused.get(code) ?? 0) + 1)
          if (this.refusals.length < 10_000) this.refusals.push({ n, version: v, code, at: Date.now() })
          // A sender that was refused (503 with Retry-After) waits before resending; shortened here.
          await sleep(50)
        }
      }
    }
  }

  /** Holds every sender before its next post; resolves once none has a post under way. */
  async pause (): Promise<void> {
    let open = (): void => {}
    const promise = new Promise<void>(resolve => { open = resolve })
    this.gate = { promise, open }
    await waitFor(() => this.waiting === this.senders.length, { what: 'every sender to hold' })
  }

  resume (): void {
    this.gate?.open()
    this.gate = undefined
  }

  async stop (): Promise<void> {
    this.running = false
    this.resume()
    await Promise.all(this.senders)
  }
}
