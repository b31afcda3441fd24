/**
 * One portal call as delivery sees it: recorded as an attempt on every dossier it carries,
 * classified, and fed to the circuit breaker. The taxonomy of delivery errors lives here:
 * - TransientFailure: the whole batch waits (backoff, breaker): transport failures, `99`,
 *   an unrenewable session, and any `error_code` the protocol does not define;
 * - BatchTooLarge: the network in front of the portal refused the body (HTTP 413): the
 *   caller splits the batch, and fails a single dossier that is still too large;
 * - everything else is an application reply (`0`, `-1`, `-3`, `-4`) for the caller to act on.
 */
import type { PortalClient, PortalReply } from '../adapters/portal/portal-client.js'
import { PortalTransportError } from '../adapters/portal/portal-client.js'
import type { CircuitBreaker } from '../adapters/portal/circuit-breaker.js'
import type { Attempt, StoredDossier } from '../store/records.js'
import type { Fence, Outbox } from '../store/ports/outbox.js'
import { isoFromEpoch } from '../domain/toolkit/dates.js'
import { portalCodeLabel, type Metrics } from '../adapters/metrics.js'

export class TransientFailure extends Error {
  readonly code: string
  constructor (message: string, readonly retryAfterMs: number | undefined, readonly httpStatus?: number, readonly portalCode?: string) {
    super(message)
    this.name = 'TransientFailure'
    this.code = portalCode === undefined ? 'PORTAL_UNAVAILABLE' : 'PORTAL_UNKNOWN_CODE'
  }
}

export class BatchTooLarge extends Error {
  readonly code = 'PAYLOAD_TOO_LARGE'
  constructor () {
    super('the portal refused the request body as too large (HTTP 413)')
    this.name = 'BatchTooLarge'
  }
}

/** Codes the protocol defines; `401` never reaches here (the client logs in again once). */
const APPLICATION_CODES = new Set(['0', '-1', '-3', '-4'])

export interface CallContext {
  jobId: string
  attempt: number
  fence: Fence
  /** This run was admitted as the breaker's probe: its failure re-opens the circuit for longer. */
  probe: boolean
  /** Renews the claim's lease before the call (throws FencedError when it was taken over). */
  beforeCall: () => Promise<void>
}

export type Operation = Attempt['operation']

export class PortalCalls {
  constructor (
    private readonly delivery: Pick<Outbox, 'recordAttempts'>,
    private readonly portal: PortalClient,
    private readonly breaker: CircuitBreaker,
    private readonly metrics?: Pick<Metrics, 'portalReplies'>
  ) {}

  async call (operation: Operation, ds: StoredDossier[], ctx: CallContext, body: Record<string, unknown> & { service: string, madonvi: string }): Promise<PortalReply> {
    await ctx.beforeCall()
    const agency = ctx.fence.agency
    const started = performance.now()
    const base = { at: isoFromEpoch(Date.now()), jobId: ctx.jobId, attempt: ctx.attempt, operation, batchSize: ds.length }
    const refs = ds.map(d => d.ref)
    let result
    try {
      result = await this.portal.call(body)
    } catch (err) {
      if (!(err instanceof PortalTransportError)) throw err
      this.metrics?.portalReplies.inc({ operation, code: err.httpStatus === undefined ? 'network' : `http-${err.httpStatus}` })
      const entry: Attempt = { ...base, outcome: 'transient', durationMs: Math.round(performance.now() - started), error: err.message }
      if (err.httpStatus !== undefined) entry.httpStatus = err.httpStatus
      if (err.httpStatus === 413) {
        // The portal is up; this body is too big for the network in front of it.
        await this.delivery.recordAttempts(agency, refs, { ...entry, outcome: 'too-large' }, false)
        throw new BatchTooLarge()
      }
      await this.delivery.recordAttempts(agency, refs, entry, true)
      await this.breaker.failure({ retryAfterMs: err.retryAfterMs ?? 0, probe: ctx.probe })
      throw new TransientFailure(err.message, err.retryAfterMs, err.httpStatus)
    }
    const { reply, httpStatus, durationMs } = result
    const code = reply.error_code
    this.metrics?.portalReplies.inc({ operation, code: portalCodeLabel(code) })
    const known = APPLICATION_CODES.has(code)
    const outcome: Attempt['outcome'] = code === '0'
      ? 'ok'
      : code === '-3' ? 'exists' : code === '-4' ? 'unknown-dossier' : code === '-1' ? 'permanent' : code === '99' || code === '401' ? 'transient' : 'unknown-code'
    const entry: Attempt = { ...base, outcome, durationMs, httpStatus, portalCode: code }
    if (typeof reply.message === 'string') entry.portalMessage = reply.message.slice(0, 500)
    await this.delivery.recordAttempts(agency, refs, entry, !known)
    if (!known) {
      // `99`, a session that could not be renewed, or a code this gateway does not know (a
      // portal that adds one must not drain agencies into `failed`): the batch waits.
      await this.breaker.failure({ probe: ctx.probe })
      throw new TransientFailure(`portal error_code ${code}`, undefined, httpStatus, outcome === 'unknown-code' ? code : undefined)
    }
    await this.breaker.success()
    return reply
  }
}
