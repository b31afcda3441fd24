/** What the doctor reports: one drift between a derived structure and the records it comes from. */
import type { Said } from './texts.js'

/**
 * `structure` names the key in the store's terms (`sx:failed`, `due`, `codes`, `seq:251207`,
 * `whactive`, `stats:open`, …); `problem` is a stable machine code; `code` is the dossier's
 * MaHoSo when there is one. `repairable`: --repair can rebuild it from the records.
 */
export interface Drift {
  agency: string
  structure: string
  problem: DriftProblem
  code?: string
  ref?: string
  /** In English (the report's JSON, the audit); `why` is the same as a text code for the CLI's words. */
  detail: string
  why: Said
  repairable: boolean
  /** Set by --repair: 'repaired', 'changed' (the record moved on since it was read: left alone), or 'failed'. */
  repair?: 'repaired' | 'changed' | 'failed'
}

export type DriftProblem =
  | 'missing-entry' // the record says it belongs in the structure; it is not there
  | 'stale-entry' // the structure holds the dossier; the record says it should not
  | 'orphan-entry' // the structure names a dossier that has no record
  | 'wrong-score' // a sorted set holds the dossier under another score than the record says
  | 'code-mismatch' // `codes` and the record disagree on the code
  | 'sequence-behind' // the day's sequence is below a code already issued
  | 'gauge-mismatch' // a gauge field differs from the count over the records
  | 'malformed' // an entry or key that cannot be read as the store writes it
  | 'over-cap' // a capped list holds more than its cap
  | 'wrong-type' // a key of another Redis type than the store writes

export interface DoctorOptions {
  /** KEY_PREFIX. */
  prefix: string
  /** The clock the deadline rules are read at (epoch ms). */
  now?: number
  repair?: boolean
  /** Who is named in the audit entries of a repair. */
  actor?: string
  /** Keys asked per SCAN/SSCAN/ZSCAN/HSCAN step (COUNT), and the size of one pipeline of checks. */
  batch?: number
  /** Drifts kept in the report (all are counted); the rest are only counted. */
  maxListed?: number
  /** Called for every drift as it is found (the CLI prints as it goes). */
  onDrift?: (d: Drift) => void
  /** UNMATCHED_MAX_PER_AGENCY: more unmatched callbacks than this in one agency is drift (default 10,000). */
  unmatchedCap?: number
  /** Awaited between a drift's reading and its repair (tests change the record there). */
  beforeRepair?: (d: Drift) => Promise<void>
}

export interface DoctorReport {
  /** Dossier records read. */
  dossiers: number
  agencies: number
  found: number
  byStructure: Record<string, number>
  drifts: Drift[]
  repaired: number
  /** Repairable drifts left alone because the record changed between read and repair. */
  changed: number
  unrepairable: number
  /** Checks skipped because what they compare moved while they ran (run again). */
  skipped: string[]
  /** Not drift, worth knowing: data written before an upgrade that the next read moves. */
  notices: string[]
  /** `skipped` and `notices` as text codes, in the same order (the CLI's words; left out of its --json). */
  reasons: { skipped: Said[], notices: Said[] }
  ms: number
}

/** UNMATCHED_MAX_PER_AGENCY's default (src/config.ts): the cap when the caller names none. */
export const UNMATCHED_CAP = 10_000
