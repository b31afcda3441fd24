/**
 * The gateway's Prometheus metrics as the code that counts sees them: the queue's jobs count
 * through this interface without reaching up into the HTTP plugin that builds the registry and
 * serves /metrics (src/http/plugins/metrics.ts).
 */
import type { Counter, Histogram, Registry } from 'prom-client'

export interface Metrics {
  registry: Registry
  /** Dossiers taken in, by system and outcome (new, updated, duplicate, stale). */
  intake: Counter<'system' | 'outcome'>
  /** Intake requests refused, by system and HTTP status. */
  intakeRefused: Counter<'system' | 'status'>
  /** From the intake that made a change to the portal's acknowledgement of all of it. */
  deliveryLatency: Histogram
  /** Dossiers that failed for good, by reason code. */
  deliveryFailed: Counter<'reason'>
  /** Portal replies by operation and error_code (or the transport's HTTP status). */
  portalReplies: Counter<'operation' | 'code'>
  /** Callbacks refused before they could take effect: unsigned, forged or stale. */
  callbacksRefused: Counter<'reason'>
  /** Callbacks taken in, by type and what they did. */
  callbacks: Counter<'type' | 'result'>
  /** Webhook delivery attempts, by event type, receiving client and outcome. */
  webhookAttempts: Counter<'type' | 'client' | 'outcome'>
}

const PORTAL_CODES = new Set(['0', '-1', '-3', '-4', '99', '401'])
/** A portal code as a label: one of the protocol's, else `other` (a bounded label set). */
export function portalCodeLabel (code: string): string {
  return PORTAL_CODES.has(code) ? code : 'other'
}
