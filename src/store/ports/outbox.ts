/**
 * The outbox, as delivery sees it (queue/flush-agency.ts, portal-sync.ts, portal-calls.ts,
 * sweep.ts): the claim on an agency's outbox, its refs and steps, and the recording of what the
 * portal answered. Redis: delivery-store.ts.
 */
import type { Ack, Attempt, Failure, PendingStep } from '../records.js'

/** A run's hold on an agency's outbox. */
export interface Fence { agency: string, token: string }

export type Claim = { ok: true } | { ok: false, busyUntil?: number }

/**
 * Told of each webhook event that became the head of its dossier's queue: a job must send it.
 * Given to the store when it is built (queue/webhook-heads.ts queues the job), never assigned
 * afterwards; the webhook sweeper covers a head whose job was lost.
 */
export interface WebhookHeads {
  moved: (agency: string, maHoSo: string, eventId: string) => void
}

export interface Outbox {
  claim: (agency: string, jobId: string, token: string, leaseMs: number, ttlMs: number, now?: number) => Promise<Claim>
  renew: (f: Fence, leaseMs: number, ttlMs: number) => Promise<void>
  yieldClaim: (f: Fence, ttlMs: number) => Promise<boolean>
  releaseIfEmpty: (f: Fence) => Promise<number>
  release: (agency: string, jobId: string) => Promise<string | undefined>
  ownerJob: (agency: string) => Promise<string | null>
  flushGen: (agency: string) => Promise<string>
  bumpFlushGen: (agency: string) => Promise<string>
  refs: (agency: string, max: number) => Promise<string[]>
  size: (agency: string) => Promise<number>
  pendingStepsMany: (agency: string, refs: string[], max: number) => Promise<PendingStep[][]>
  recordAttempts: (agency: string, refs: string[], entry: Attempt, transient: boolean) => Promise<void>
  expired: (agency: string, before: number) => Promise<Array<{ ref: string, maHoSo: string | undefined, lastError: Attempt }>>
  ackMany: (f: Fence, acks: Array<Ack & { ref: string, maHoSo?: string }>, now?: number) => Promise<string[]>
  ack: (f: Fence, ref: string, a: Ack) => Promise<string>
  fail: (f: Fence, ref: string, failure: Failure, maHoSo?: string) => Promise<boolean>
}
