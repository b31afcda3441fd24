/**
 * What a notice channel's call came to, one type for every channel (docs/notices.md). The
 * channel clients never throw for anything a provider or the network does: every answer, refusal
 * and failure is one of these, so the code that drives notices decides from `kind` alone.
 */
export type ChannelName = 'zns' | 'sms' | 'email'

/** A short reason for officers: a provider code and its meaning, never a phone, name or address. */
interface Why { reason: string, code?: string }

export type SendOutcome =
  /** The provider took it. `providerId`: ZNS msg_id, SMS SMSID, the e-mail's Message-ID. */
  | { kind: 'sent', providerId?: string, quota?: ZnsQuota, alreadySent?: boolean }
  /** Refused for this applicant (no Zalo account, blocked, bad number, recipient refused): next channel. */
  | ({ kind: 'next-channel-applicant' } & Why)
  /** The channel cannot carry anything more today (ZNS quota): next channel until `until` (epoch ms, local midnight). */
  | ({ kind: 'next-channel-today', until: number } & Why)
  /**
   * A fault of configuration or of the gateway itself. `scope` says what stops: the channel for
   * everyone, one template, or only this message (the sender's own fault, never retried). `then`
   * says what becomes of the notice: `hold` waits for an admin to resume the channel (nothing is
   * burned through to the last channel), `next-channel` passes it on (SMS balance used up, or a
   * message the gateway built wrong). Always alerts.
   */
  | ({ kind: 'stop-channel-config', scope: 'channel' | 'template' | 'message', then: 'hold' | 'next-channel' } & Why)
  /** Transient: the same channel again, with backoff. `counted` marks codes the contract does not list. */
  | ({ kind: 'retry', counted?: boolean } & Why)
  /** ZNS only: the access token was refused again after one refresh; retry later. */
  | ({ kind: 'token-expired' } & Why)
  /** The call's answer was lost after the provider may have taken it: never repeated on this channel. */
  | ({ kind: 'sent-unconfirmed' } & Why)

export interface ZnsQuota { daily: number, remaining: number }

export type OutcomeKind = SendOutcome['kind']
