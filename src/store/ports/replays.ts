/** Bulk replay jobs, as their worker (queue/bulk-replay.ts) walks one. Redis: replay-store.ts. */

export interface ReplayFilter {
  system?: string
  agency?: string
  province?: string
  reason?: string
  from?: string
  to?: string
}

export type ReplayState = 'queued' | 'running' | 'done' | 'cancelled' | 'failed'

export interface ReplayJob {
  id: string
  state: ReplayState
  filter: ReplayFilter
  /** The creator's scope, fixed with the filter. */
  scope: { agencies: string[], systems?: string[] }
  createdBy: string
  createdAt: string
  matched: number
  done: number
  skipped: number
  position: number
  cancelled: boolean
  /** Where the walk goes on from (an encoded cursor); '' from the start. */
  cursor: string
  finishedAt?: string
  /** Why a `failed` job stopped. */
  reason?: string
}

export interface Replays {
  get: (id: string) => Promise<ReplayJob | undefined>
  start: (id: string, matched: number) => Promise<void>
  progress: (id: string, done: number, skipped: number, looked: number, cursor: string) => Promise<void>
  finish: (id: string, state: 'done' | 'cancelled', at: string) => Promise<void>
  fail: (id: string, reason: string, at: string) => Promise<boolean>
}
