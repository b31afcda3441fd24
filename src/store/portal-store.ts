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

interface Place { ref: string, day: string | null }

/** The last `max` codes' places, oldest forgotten first: the portal calls again about a dossier it just called about. */
class RecentPlaces {
  private readonly map = new Map<string, Place>()
  constructor (private readonly max: number) {}
  get (agency: string, code: string): Place | undefined { return this.map.get(`${agency} ${code}`) }
  forget (agency: string, code: string): void { this.map.delete(`${agency} ${code}`) }
  set (agency: string, code: string, p: Place): void {
    const k = `${agency} ${code}`
    this.map.delete(k)
    this.map.set(k, p)
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string)
  }
}

export class PortalStore implements Callbacks {
  constructor (
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly retentionMs: number,
    private readonly noteAgency: (agency: string) => Promise<void>,
    /** Unmatched callbacks kept per agency (UNMATCHED_MAX_PER_AGENCY): past it, the oldest go. */
    private readonly unmatchedCap = 10_000
  ) {}

  /** Places of codes that took a callback lately, in this process (a hint: the script checks it). */
  private readonly places = new RecentPlaces(10_000)

  /** One callback about a dossier; `head`: a webhook event that now needs its job. */
  async portalEvent (a: PortalEventArgs): Promise<{ result: PortalEventResult, ref?: string, head: string }> {
    await this.noteAgency(a.agency)
    // Where the code's record is and its receipt day: remembered from an earlier callback, or
    // read. Either can be out of date (a sector system linking the code, a record moved): the
    // script checks both and answers 'moved', and they are read again.
    for (let i = 0; i < 5; i++) {
      const { ref, day } = i === 0 ? this.places.get(a.agency, a.code) ?? await this.place(a.agency, a.code) : await this.place(a.agency, a.code)
      const k = this.keys.dossier(a.agency, ref === '' ? '-' : ref)
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
      if (result === 'moved') { this.places.forget(a.agency, a.code); continue }
      if (ref !== '' && result !== 'unmatched') this.places.set(a.agency, a.code, { ref, day })
      return { result: result as PortalEventResult, ...(ref === '' ? {} : { ref }), head }
    }
    throw new Error('the dossier kept moving while a callback was applied')
  }

  /**
   * The code's record and its receipt day, in one round trip when the code is an online
   * dossier's own (its record under the portal's reference), two when a sector system linked it.
   */
  private async place (agency: string, code: string): Promise<Place> {
    const guess = this.keys.dossier(agency, sourceRef(PORTAL_SYSTEM, code)).dossier
    const replies = (await this.redis.pipeline().hget(this.keys.codes(agency), code).hget(guess, 'receivedDay').exec() ?? []) as Array<[Error | null, string | null]>
    const [e1, cur] = replies[0] ?? [new Error('no reply'), null]
    const [e2, guessDay] = replies[1] ?? [new Error('no reply'), null]
    const err = e1 ?? e2
    if (err !== null) throw err
    const ref = cur ?? ''
    if (ref === '') return { ref, day: null }
    // Set once, at the first intake: the day whose counters a payment or a rating moves.
    if (ref === sourceRef(PORTAL_SYSTEM, code)) return { ref, day: guessDay ?? null }
    return { ref, day: await this.redis.hget(this.keys.dossier(agency, ref).dossier, 'receivedDay') }
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
