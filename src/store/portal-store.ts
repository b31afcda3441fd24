/**
 * What the portal starts, in the store: callbacks, online dossiers, the sector's link to one,
 * and an admin's routing. See scripts-portal.ts; each call is one script on the agency's slot.
 */
import type { RedisClient } from './redis/connection.js'
import { type Keys, PORTAL_SYSTEM, sourceRef } from './keys.js'
import { encodeRouting, type HistoryEntry, type Routing } from './records.js'
import { lifecycleArgv, lifecycleKeys } from './lifecycle-store.js'
import { statsKeysFor } from './stats/stats-store.js'
import { KEEP_CALLBACK, LINK, ONLINE_DOSSIER, PORTAL_EVENT, ROUTE } from './scripts-portal.js'
import type { Callbacks, LinkArgs, LinkResult, OnlineDossierArgs, OnlineResult, PortalEventArgs, PortalEventResult } from './ports/callbacks.js'

export type { Callbacks, LinkArgs, LinkResult, OnlineDossierArgs, OnlineResult, PortalEventArgs, PortalEventResult } from './ports/callbacks.js'

export class PortalStore implements Callbacks {
  constructor (
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly retentionMs: number,
    private readonly noteAgency: (agency: string) => Promise<void>,
    /** Unmatched callbacks kept per agency (UNMATCHED_MAX_PER_AGENCY): past it, the oldest go. */
    private readonly unmatchedCap = 10_000
  ) {}

  /** One callback about a dossier; `head`: a webhook event that now needs its job. */
  async portalEvent (a: PortalEventArgs): Promise<{ result: PortalEventResult, ref?: string, head: string }> {
    await this.noteAgency(a.agency)
    // The code's record can move between the look-up and the script (a sector system linking
    // it); the script sees that and the look-up is made again.
    for (let i = 0; i < 5; i++) {
      const ref = await this.redis.hget(this.keys.codes(a.agency), a.code) ?? ''
      const k = this.keys.dossier(a.agency, ref === '' ? '-' : ref)
      // Set once, at the first intake: the day whose counters a payment or a rating moves.
      const day = ref === '' ? null : await this.redis.hget(k.dossier, 'receivedDay')
      const [result, head] = await this.redis.ltPortalEvent(...PORTAL_EVENT.argv({
        evt: this.keys.portalEvent(a.agency, a.maSuKien),
        codes: this.keys.codes(a.agency),
        dossier: k.dossier,
        hist: this.keys.history(a.agency, a.code),
        whq: this.keys.webhookQueue(a.agency, a.code),
        active: this.keys.webhookActive(a.agency),
        unmatchedIndex: this.keys.unmatchedIndex(a.agency),
        stats: statsKeysFor(this.keys.statsPrefix(a.agency), '', day === null ? [] : [day]),
        unmatchedData: this.keys.unmatchedData(a.agency)
      }, {
        code: a.code,
        ref,
        now: a.now,
        retentionMs: this.retentionMs,
        historyEntry: JSON.stringify(a.history),
        factField: a.fact?.field ?? '',
        factValue: a.fact?.value ?? '',
        incrField: a.count ?? '',
        webhookType: a.webhook.type,
        webhookBody: ref === '' ? '' : a.webhook.body(ref),
        unmatchedEntry: a.unmatched,
        historyEntryNotForwarded: JSON.stringify(a.historyNotForwarded),
        paid: a.stats?.paid === true ? 1 : 0,
        ratingScore: a.stats?.rating ?? '',
        unmatchedCap: this.unmatchedCap
      }))
      if (result !== 'moved') return { result: result as PortalEventResult, ...(ref === '' ? {} : { ref }), head }
    }
    throw new Error('the dossier kept moving while a callback was applied')
  }

  async onlineDossier (a: OnlineDossierArgs): Promise<{ result: OnlineResult, head: string }> {
    await this.noteAgency(a.agency)
    const ref = sourceRef(PORTAL_SYSTEM, a.code)
    const k = this.keys.dossier(a.agency, ref)
    const [result, head] = await this.redis.ltOnlineDossier(...ONLINE_DOSSIER.argv({
      evt: this.keys.portalEvent(a.agency, a.maSuKien),
      codes: this.keys.codes(a.agency),
      dossier: k.dossier,
      doc: k.doc,
      hist: this.keys.history(a.agency, a.code),
      whq: this.keys.webhookQueue(a.agency, a.code),
      active: this.keys.webhookActive(a.agency),
      idxUnrouted: this.keys.stateIndex(a.agency, 'unrouted'),
      unmatchedIndex: this.keys.unmatchedIndex(a.agency),
      due: this.keys.due(a.agency),
      overdue: this.keys.overdue(a.agency),
      ...lifecycleKeys(this.keys, a.agency, a.lifecycle),
      unmatchedData: this.keys.unmatchedData(a.agency),
      all: this.keys.dossierIndex(a.agency)
    }, {
      code: a.code,
      ref,
      now: a.now,
      retentionMs: this.retentionMs,
      historyEntry: JSON.stringify(a.history),
      doc: a.doc,
      state: a.state,
      whClient: a.client,
      webhookBody: a.webhookBody,
      unmatchedEntry: a.unmatched,
      ...lifecycleArgv(a.lifecycle),
      unmatchedCap: this.unmatchedCap,
      fields: Object.entries(a.fields).flat()
    }))
    return { result: result as OnlineResult, head }
  }

  async link (a: LinkArgs): Promise<LinkResult> {
    const sectorRef = sourceRef(a.system, a.sourceId)
    const portalRef = sourceRef(PORTAL_SYSTEM, a.code)
    const s = this.keys.dossier(a.agency, sectorRef)
    const p = this.keys.dossier(a.agency, portalRef)
    const unrouted = this.keys.stateIndex(a.agency, 'unrouted')
    const indexes = this.keys.refIndexes(a.agency).filter(k => k !== unrouted)
    return await this.redis.ltLink(...LINK.argv({
      codes: this.keys.codes(a.agency),
      sector: [s.dossier, s.raw, s.steps, s.attempts, s.doc],
      portal: [p.dossier, p.raw, p.steps, p.attempts, p.doc],
      idxUnrouted: unrouted,
      hist: this.keys.history(a.agency, a.code),
      refIndexes: indexes
    }, {
      code: a.code,
      sectorRef,
      portalRef,
      clientId: a.clientId,
      whClient: a.webhookClient,
      routing: encodeRouting(a.routing),
      historyEntry: JSON.stringify(a.history),
      now: a.now,
      retentionMs: this.retentionMs
    })) as LinkResult
  }

  async route (a: { agency: string, ref: string, code: string, client: string, routing: Routing, webhookBody: string, history: HistoryEntry, now: number }): Promise<{ result: 'ok' | 'missing' | 'state', head: string }> {
    const [result, head] = await this.redis.ltRoute(...ROUTE.argv({
      dossier: this.keys.dossier(a.agency, a.ref).dossier,
      idxUnrouted: this.keys.stateIndex(a.agency, 'unrouted'),
      hist: this.keys.history(a.agency, a.code),
      whq: this.keys.webhookQueue(a.agency, a.code),
      active: this.keys.webhookActive(a.agency)
    }, { ref: a.ref, code: a.code, client: a.client, routing: encodeRouting(a.routing), webhookBody: a.webhookBody, historyEntry: JSON.stringify(a.history), now: a.now, retentionMs: this.retentionMs }))
    return { result: result as 'ok' | 'missing' | 'state', head }
  }

  /** A signed callback that cannot take effect, kept as sent for admins (the unmatched list), once per event id. */
  async keepUnmatched (a: { agency: string, maSuKien: string, entry: string }): Promise<'kept' | 'duplicate'> {
    await this.noteAgency(a.agency)
    return await this.redis.ltKeepCallback(...KEEP_CALLBACK.argv(
      { evt: this.keys.portalEvent(a.agency, a.maSuKien), unmatchedIndex: this.keys.unmatchedIndex(a.agency), unmatchedData: this.keys.unmatchedData(a.agency) },
      { retentionMs: this.retentionMs, unmatchedEntry: a.entry, now: Date.now(), unmatchedCap: this.unmatchedCap })) as 'kept' | 'duplicate'
  }

  async history (agency: string, code: string): Promise<HistoryEntry[]> {
    return (await this.redis.lrange(this.keys.history(agency, code), 0, 499)).map(s => JSON.parse(s) as HistoryEntry)
  }
}
