/** Compaction of closed dossiers past retention, as its job (queue/compact.ts) runs it. Redis: compact-store.ts. */

export type CompactResult = 'compacted' | 'gone' | 'open' | 'recent' | 'busy'

export interface Compaction {
  candidates: (agency: string, until: number, max: number) => Promise<string[]>
  compact: (agency: string, refs: string[], now: number, retentionMs: number) => Promise<CompactResult[]>
}
