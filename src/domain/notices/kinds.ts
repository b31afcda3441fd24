/**
 * The notices an applicant gets, the channels that carry them and the states a notice goes
 * through (docs/notices.md). Names fixed by ../shared/contracts/applicant-notices.md.
 */
export const NOTICE_KINDS = ['received', 'supplement-requested', 'result-ready', 'apology', 'returned', 'refused'] as const
export type NoticeKind = (typeof NOTICE_KINDS)[number]

export const CHANNELS = ['zns', 'sms', 'email'] as const
export type Channel = (typeof CHANNELS)[number]

/**
 * - `pending`: waits for its send time (now, the end of quiet hours, or a retry's backoff);
 * - `held`: waits for an admin (its channel or template was stopped by a configuration fault);
 * - `sending`: a worker holds its lease and is calling a provider;
 * - `sent`: a provider took it, its delivery report has not come (SMS, ZNS) or never will (e-mail);
 * - `sent-unconfirmed`: the answer was lost after the provider may have taken it: never repeated
 *   on that channel; a delivery report may still confirm it;
 * - `delivered`, `failed` (the provider's reason), `not-sent` (the gateway's): final.
 */
export const NOTICE_STATES = ['pending', 'held', 'sending', 'sent', 'sent-unconfirmed', 'delivered', 'failed', 'not-sent'] as const
export type NoticeState = (typeof NOTICE_STATES)[number]

/** What an officer can send again: it never reached the applicant as far as the gateway knows. */
export function mayResend (s: NoticeState): boolean {
  return s === 'failed' || s === 'not-sent'
}

/** Why the gateway itself sent nothing (`not-sent`). */
export const NOT_SENT_REASONS = ['no-contact', 'opted-out', 'no-channel-left', 'kind-off'] as const
export type NotSentReason = (typeof NOT_SENT_REASONS)[number]

/** The kinds an agency sends, from the notices file in force; undefined: it sends none. */
export type NoticeKindsOf = (agency: string) => readonly NoticeKind[] | undefined
