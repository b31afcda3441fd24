/**
 * What the doctor says about a drift, a notice or a skipped check: a text code and its values.
 * The English below is the report's own (`detail`, `notices`, `skipped` in `--json` and in the
 * audit entries of a repair); the CLI prints the dictionary's words for the same code in the
 * language asked for (src/web/i18n-problems.ts, `doctor_<code>`), `{name}` filled from `params`.
 */
export const DOCTOR_TEXTS = {
  agencyNotListed: '{agency} has keys but is not in {key}',
  notACode: '{code} is not a code of {agency}',
  codeNoRecord: '{code} → {ref}, which has no record',
  codeOtherRecord: '{code} → {ref}, whose record says {onRecord}',
  sequenceBehind: 'sequence {cur}, highest code issued {code}',
  indexType: 'the index is a {type}',
  recordState: 'state {state}, status {status}',
  recordStateScore: 'state {state}, status {status}, score {score}',
  recordStateCompacted: 'state {state}, status {status}, compacted',
  otherScore: 'score {has}, the record says {score}',
  notInCodes: '{code} is not in codes',
  codesSay: 'codes says {code} is {ref}',
  stepsNotSent: 'delivered with {n} step(s) not on the portal',
  claimNoJob: 'the claim names no job',
  claimNoToken: 'the claim has no token field',
  claimBadLease: 'the claim\'s lease is not a time ({lease})',
  claimNoLease: 'the claim\'s lease is not a time (absent)',
  claimNeverExpires: 'the claim never expires',
  notANumber: '{name} is not a number ({value})',
  movedDuringCheck: '{key}: moved during the check',
  gaugeDiffers: '{field} is {have}, the records count {want}',
  gaugeAbsent: '{field} is absent, the records count {want}',
  keyType: '{key} is a {type}',
  noRecord: '{ref} has no record',
  legacyStateOne: '{agency} state:{state}: {n} entry written before the sorted indexes, moved into {name} on the next list read',
  legacyStateMany: '{agency} state:{state}: {n} entries written before the sorted indexes, moved into {name} on the next list read',
  overCap: '{size} entries, cap {cap}',
  callbackNotListed: 'callback {id} is kept but not listed',
  callbacksUnreadable: '{n} callback(s) cannot be read, the first {first}',
  callbackNotKept: 'callback {id} is listed but not kept',
  legacyUnmatched: '{agency} unmatched: {n} callback(s) written before the sorted index, moved into unm on the next list read',
  entriesUnreadableOne: '{n} entry cannot be read, the first at index {first}',
  entriesUnreadableMany: '{n} entries cannot be read, the first at index {first}',
  eventsWaiting: '{n} event(s) waiting',
  headUnreadable: 'the head event cannot be read',
  marksOtherEvent: 'marks another event than the head {id}',
  noEventWaiting: 'no event waiting',
  failureNoEvent: 'marks a failure but no event is waiting',
  legacyWebhookFailed: '{agency} whfailed: {n} failure(s) written before whfailedx, indexed on the next list read',
  notOnFailedList: 'failed for good but not on the failed list',
  notFailed: 'on the failed list but not failed'
} as const

export type DoctorText = keyof typeof DOCTOR_TEXTS
export type Params = Record<string, string | number>

/** A text of the doctor: its code and the values of its places. */
export interface Said { text: DoctorText, params: Params }

export function said (text: DoctorText, params: Params = {}): Said { return { text, params } }

/** `{name}` places filled from `params`; a place with no value stays as it is. */
export function fill (template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => Object.hasOwn(params, k) ? String(params[k]) : m)
}

/** The report's English for a text. */
export function english (s: Said): string { return fill(DOCTOR_TEXTS[s.text], s.params) }
