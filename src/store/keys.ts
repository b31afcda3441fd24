/**
 * Redis key design. Every key of a dossier, and the agency's sequence, outbox and flush lock,
 * share one hash tag: the agency code. So each intake or delivery step is one Lua script on
 * one Redis Cluster slot, and an agency's work can never straddle slots.
 *
 * A dossier is addressed by its source reference `<system>:<sourceId>` (what the sender knows);
 * `codes` maps the national code (MaHoSo) back to it.
 */
export interface DossierKeys {
  dossier: string
  /** The current canonical record, provenance and payload, compressed (codec.ts). */
  doc: string
  /** Earlier revisions, newest first, compressed. */
  raw: string
  steps: string
  attempts: string
}

export class Keys {
  constructor (readonly prefix: string) {}

  private tag (agency: string): string {
    return `${this.prefix}:{${agency}}`
  }

  dossier (agency: string, ref: string): DossierKeys {
    const t = this.tag(agency)
    return { dossier: `${t}:d:${ref}`, doc: `${t}:doc:${ref}`, raw: `${t}:raw:${ref}`, steps: `${t}:steps:${ref}`, attempts: `${t}:att:${ref}` }
  }

  codes (agency: string): string { return `${this.tag(agency)}:codes` }
  sequence (agency: string, day: string): string { return `${this.tag(agency)}:seq:${day}` }
  /** The primary (replication id) that last advanced that day's sequence (scripts-sequence.ts). */
  sequenceOwner (agency: string, day: string): string { return `${this.tag(agency)}:seqid:${day}` }
  /** The last primary that gave the agency a code, and up to which day a change of primary makes a sequence suspect. */
  sequenceEpoch (agency: string): string { return `${this.tag(agency)}:seqepoch` }
  outbox (agency: string): string { return `${this.tag(agency)}:outbox` }
  flushOwner (agency: string): string { return `${this.tag(agency)}:flush` }
  flushGen (agency: string): string { return `${this.tag(agency)}:flushgen` }
  /** The generation for which a flush job was last queued by intake. */
  flushArmed (agency: string): string { return `${this.tag(agency)}:flusharmed` }

  /**
   * The agency's dossiers that failed or wait for review (or, online, for a route): the admin's
   * index, a sorted set of refs scored by when the dossier entered the state (epoch ms). It
   * shares the agency's slot, so the script that changes a dossier's state changes it too.
   */
  stateIndex (agency: string, state: IndexedState): string { return `${this.tag(agency)}:sx:${state}` }
  /** The same index as written before it was sorted (a set): read once by the upgrade (waiting-store.ts). */
  legacyStateIndex (agency: string, state: IndexedState): string { return `${this.tag(agency)}:state:${state}` }

  /**
   * Keyed by the national code, not the source reference: linking an online dossier to the
   * sector's number moves its record, never its timeline or its webhook queue.
   */
  history (agency: string, maHoSo: string): string { return `${this.tag(agency)}:hist:${maHoSo}` }
  /** The dossier's webhook events not yet delivered, oldest first: only the head is ever sent. */
  webhookQueue (agency: string, maHoSo: string): string { return `${this.tag(agency)}:wh:${maHoSo}` }
  /** Codes of the agency whose webhook queue is not empty: the sweeper's way to every queue. */
  webhookActive (agency: string): string { return `${this.tag(agency)}:whactive` }
  /** Code → why its head event failed for good (JSON): the admin's list, and what holds the queue. */
  webhookFailed (agency: string): string { return `${this.tag(agency)}:whfailed` }
  /** The codes of `webhookFailed`, by when their head failed (epoch ms): the admin's list, paged. */
  webhookFailedIndex (agency: string): string { return `${this.tag(agency)}:whfailedx` }
  /** One portal event (MaSuKien) that took effect, kept for the retention period. */
  portalEvent (agency: string, maSuKien: string): string { return `${this.tag(agency)}:evt:${maSuKien}` }
  /** Portal callbacks for codes the gateway does not know, as written before they were indexed (a list): read once by the upgrade. */
  unmatched (agency: string): string { return `${this.tag(agency)}:unmatched` }
  /** Those callbacks' MaSuKien by when they arrived (epoch ms), capped per agency: the admin's list. */
  unmatchedIndex (agency: string): string { return `${this.tag(agency)}:unm` }
  /** MaSuKien → the callback as kept (JSON), for the entries of `unmatchedIndex`. */
  unmatchedData (agency: string): string { return `${this.tag(agency)}:unmdata` }
  /** Open dossiers of the agency by due date (epoch ms): what the deadline scan reads. */
  due (agency: string): string { return `${this.tag(agency)}:due` }
  /**
   * Final dossiers of the agency not compacted yet, by when they were closed (or when to look
   * again): what compaction reads. Written by LIFECYCLE_SET, which derives it from `due`.
   */
  closed (agency: string): string { return `${this.tag(agency)}:closed` }
  /** Overdue open dossiers of the agency, by the due date they missed. */
  overdue (agency: string): string { return `${this.tag(agency)}:overdue` }
  /**
   * Every dossier of the agency kept in full (not compacted), by when the gateway first took it
   * in (the record's `createdAt`, epoch ms): the admin's list of all dossiers, paged like the
   * others. Added by the script that creates the record (INTAKE, ONLINE_DOSSIER), moved by LINK,
   * dropped by COMPACT: a compacted dossier keeps 512 bytes in all, and an entry here costs ~130.
   */
  dossierIndex (agency: string): string { return `${this.tag(agency)}:all` }
  /**
   * Every index of the agency whose members are dossier references (sets and sorted sets): what
   * must follow a record that changes its reference (linking an online dossier). A new index
   * keyed by ref belongs here.
   */
  refIndexes (agency: string): string[] {
    return [this.outbox(agency), this.due(agency), this.overdue(agency), this.closed(agency),
      this.stateIndex(agency, 'failed'), this.stateIndex(agency, 'needs-review'), this.stateIndex(agency, 'unrouted'), this.dossierIndex(agency)]
  }

  /** Notice id → the notice as kept (JSON): every notice of the agency (store/notice-store.ts). */
  notices (agency: string): string { return `${this.tag(agency)}:nt` }
  /** Notices waiting to be sent (pending, or sending under a lease), by when to look at them (epoch ms). */
  noticeQueue (agency: string): string { return `${this.tag(agency)}:ntq` }
  /** Notices held until an admin resumes their channel or template, by when they were held. */
  noticeHeld (agency: string): string { return `${this.tag(agency)}:nth` }
  /** Notices that ended `failed` or `not-sent`, by when: the officers' list, with resend. */
  noticeFailed (agency: string): string { return `${this.tag(agency)}:ntf` }
  /** Counters of one local month (`yyyy-mm`): `<channel>|<metric>` (sent, delivered, failed, fallbacks, cost). */
  noticeStats (agency: string, month: string): string { return `${this.tag(agency)}:nts:${month}` }
  /** Channel (or `zns|template|<kind>`) → why it is stopped or full (JSON): every process reads it before sending. */
  noticeChannels (): string { return `${this.prefix}:notices:channels` }
  /** A ZNS msg_id → the notice it carried (`<agency> <id>`): delivery events name only the msg_id. */
  znsMessage (msgId: string): string { return `${this.prefix}:notices:zmsg:${msgId}` }
  /** Opted-out phones, as HMACs (adapters/notices/contacts.ts `optOutHash`): no phone is kept. */
  noticeOptOut (): string { return `${this.prefix}:notices:optout` }
  /** The apology letter of a notice (PDF), kept as long as the dossier's history. */
  noticeLetter (agency: string, noticeId: string): string { return `${this.tag(agency)}:ntl:${noticeId}` }

  /** Prefix of the agency's statistics counters (src/store/stats): same slot as its dossiers. */
  statsPrefix (agency: string): string { return `${this.tag(agency)}:stats` }
  /**
   * How many of the agency's dossiers the portal took in full on one local day (`yyyy-mm-dd`,
   * Asia/Ho_Chi_Minh): the admin page's "delivered today". Same slot, so ACK counts it.
   */
  deliveredOn (agency: string, day: string): string { return `${this.tag(agency)}:delivered:${day}` }
  /** Per receiving client: consecutive failures, since when, last error. Read by /health/ready. */
  webhookReceivers (): string { return `${this.prefix}:webhook-receivers` }

  /**
   * Every agency that ever took in a dossier: the sweeper's and the admin's way to every
   * per-agency key. Its own slot; written before the intake script, idempotently, so it is
   * always a superset of the agencies that have data.
   */
  agencies (): string { return `${this.prefix}:agencies` }
  /** The breaker's keys share the `{portal}` tag: its script touches two of them. */
  breaker (): string { return `${this.prefix}:{portal}:breaker` }
  portalSession (): string { return `${this.prefix}:{portal}:session` }
}

/** The states an admin lists, each with a per-agency index. */
export type IndexedState = 'failed' | 'needs-review' | 'unrouted'

/** Online dossiers live under this system until the sector system links them to its own number. */
export const PORTAL_SYSTEM = 'portal'

export function sourceRef (system: string, sourceId: string): string {
  return `${system}:${sourceId}`
}

export function parseRef (ref: string): { system: string, sourceId: string } {
  const i = ref.indexOf(':')
  return { system: ref.slice(0, i), sourceId: ref.slice(i + 1) }
}

// A pure rule of the code's format, in src/domain; re-exported for the store's readers.
export { agencyOfCode } from '../domain/dossier-code.js'
