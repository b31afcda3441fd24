/**
 * What a verified, well-formed portal callback does. Each one is one atomic script on its
 * agency's slot, which takes the event id (MaSuKien) with the effect, so an event takes effect
 * once however often and wherever it arrives; the webhook event for the sector system is stored
 * in the same step and its job queued after it (the sweeper re-queues one that was lost).
 */
import { createHash } from 'node:crypto'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import { fromPortalHoSo } from '../../mappings/from-portal.js'
import type { IncompleteEnvelope, PortalCallback } from '../../mappings/schemas/portal-callback.js'
import type { CanonicalInput, Provenance } from '../../domain/canonical-dossier.js'
import { GatewayError, type FieldIssue } from '../../domain/errors.js'
import type { EventService } from '../lifecycle/event-service.js'
import { encodeRouting, toCanonical, type HistoryEntry, type Routing as RoutingRecord, type StoredDossier } from '../../store/records.js'
import type { Store } from '../../store/ports/store.js'
import { PORTAL_SYSTEM, agencyOfCode, parseRef } from '../../store/keys.js'
import { encodeDoc } from '../../store/codec.js'
import type { JobQueues } from '../../queue/jobs.js'
import type { Routing } from '../routing/routing-file.js'
import { may, type Client } from '../../domain/access.js'
import { dossierHashes } from '../intake/intake-service.js'
import { decideIntake } from '../lifecycle/transition.js'
import { isoFromPortalDate, portalEventBody, submittedOnline, type PortalEventDetail, type PortalEventRef } from '../../domain/webhook-events.js'

export const ONLINE_MAPPING_VERSION = 'portal-hoso@1.0.0'

export interface CallbackOutcome {
  maSuKien: string
  maHoSo: string
  /** applied, duplicate, unmatched (kept for admins); HoSoMoi: created, known, conflict, incomplete (kept for admins). */
  result: string
  /** HoSoMoi: delivered (routed) or unrouted. */
  state?: string
}

type Detailed = Exclude<PortalCallback, { LoaiSuKien: 'HoSoMoi' }>

export class CallbackService {
  constructor (
    private readonly store: Pick<Store, 'locate' | 'load' | 'keys' | 'portal'>,
    private readonly queues: JobQueues,
    private readonly routing: () => Routing,
    private readonly clients: () => readonly Client[],
    private readonly events: EventService
  ) {}

  async handle (ev: PortalCallback, rawBody: string, now = Date.now()): Promise<CallbackOutcome> {
    if (ev.LoaiSuKien === 'HoSoMoi') return await this.online(ev, rawBody, now)
    return await this.event(ev, rawBody, now)
  }

  /** Who receives an online dossier of `agency` for `procedure`, or why nobody does. */
  routeFor (procedure: string, agency: string, at: string): { routing: RoutingRecord, client?: Client } {
    const route = this.routing().systemFor(procedure)
    if (route === undefined) {
      return { routing: { state: 'unrouted', at, reason: { code: 'NO_ROUTE', message: { vi: `Không có tuyến cho thủ tục ${procedure} trong tệp định tuyến`, en: `No route for procedure ${procedure} in the routing file` } } } }
    }
    const candidates = this.clients().filter(c => c.role === 'sector' && c.webhook !== undefined && may(c, 'act', { agency, system: route.system }))
    if (candidates.length === 1) {
      const client = candidates[0] as Client
      return { routing: { state: 'routed', system: route.system, client: client.id, at }, client }
    }
    const none = candidates.length === 0
    return {
      routing: {
        state: 'unrouted',
        system: route.system,
        at,
        reason: none
          ? { code: 'NO_CLIENT', message: { vi: `Không có hệ thống kết nối nào thuộc hệ thống ${route.system} có webhook và phụ trách cơ quan ${agency}`, en: `No client of system ${route.system} has a webhook and acts for agency ${agency}` } }
          : { code: 'AMBIGUOUS_CLIENT', message: { vi: `Có ${candidates.length} hệ thống kết nối thuộc hệ thống ${route.system} cùng phụ trách cơ quan ${agency}: ${candidates.map(c => c.id).join(', ')}`, en: `${candidates.length} clients of system ${route.system} act for agency ${agency}: ${candidates.map(c => c.id).join(', ')}` } }
      }
    }
  }

  private async online (ev: Extract<PortalCallback, { LoaiSuKien: 'HoSoMoi' }>, rawBody: string, now: number): Promise<CallbackOutcome> {
    const mapped = fromPortalHoSo(ev.DuLieu)
    if (!mapped.ok) return await this.keepIncomplete(ev, mapped.issues, rawBody, now)
    const input = mapped.dossier
    const code = ev.MaHoSo
    const agency = agencyOfCode(code) as string
    const at = isoFromEpoch(now)
    const portalEvent: PortalEventRef = { id: ev.MaSuKien, type: ev.LoaiSuKien, at: isoFromPortalDate(ev.ThoiDiem) }
    const { routing, client } = this.routeFor(input.procedure.code, agency, at)
    const sha256 = createHash('sha256').update(rawBody, 'utf8').digest('hex')
    const provenance: Provenance = {
      system: PORTAL_SYSTEM,
      clientId: PORTAL_SYSTEM,
      sourceId: input.sourceId,
      payloadSha256: sha256,
      mappingVersion: ONLINE_MAPPING_VERSION,
      contentType: 'application/json',
      receivedAt: at
    }
    const record = onlineRecord(code, agency, input, provenance, now)
    const hashes = dossierHashes(input)
    // Counted as received (online) and indexed by its due date like any dossier.
    const decision = decideIntake(undefined, input, { system: routing.system ?? PORTAL_SYSTEM, statsPrefix: this.store.keys.statsPrefix(agency), now, statusField: 'DuLieu.TrangThaiHoSo' })
    if (decision.kind !== 'apply') throw new Error('a new dossier is always applied')
    const r = await this.store.portal.onlineDossier({
      agency,
      code,
      maSuKien: ev.MaSuKien,
      now,
      history: { at, kind: 'portal-event', maSuKien: ev.MaSuKien, type: ev.LoaiSuKien, occurredAt: portalEvent.at, routing },
      doc: encodeDoc({ input, provenance, raw: { receivedAt: at, clientId: PORTAL_SYSTEM, contentType: 'application/json', sha256, mappingVersion: ONLINE_MAPPING_VERSION, body: rawBody } }),
      state: client === undefined ? 'unrouted' : 'delivered',
      client: client?.id ?? '',
      webhookBody: client === undefined
        ? ''
        : submittedOnline({ maHoSo: code, agency, system: routing.system ?? '', portalEvent, dossier: toCanonical(record), hoSo: ev.DuLieu }),
      unmatched: JSON.stringify({ at, reason: 'CODE_CONFLICT', maSuKien: ev.MaSuKien, type: ev.LoaiSuKien, maHoSo: code, body: rawBody }),
      lifecycle: decision.lifecycle,
      // Small values only, so the record stays a listpack: the agency, system and number are in
      // the key and the reference, the client in the document's provenance, hashes cut to 32 digits.
      fields: {
        maHoSo: code,
        fullHash: hashes.fullHash.slice(0, 32),
        contentHash: hashes.contentHash.slice(0, 32),
        status: input.status,
        revision: 1,
        contentRev: 1,
        deliveredRev: 1,
        created: 1,
        firstOnPortal: 1,
        createdAt: now,
        updatedAt: now,
        deliveredAt: now,
        origin: 'online',
        routing: encodeRouting(routing)
      }
    })
    if (r.head !== '') await this.queues.enqueueWebhook(agency, code, r.head)
    return { maSuKien: ev.MaSuKien, maHoSo: code, result: r.result, ...(r.result === 'created' ? { state: client === undefined ? 'unrouted' : 'delivered' } : {}) }
  }

  /**
   * A signed HoSoMoi whose dossier cannot be taken in as it is (a field missing or invalid): the
   * portal has it and will not send it otherwise, so it is kept exactly as sent on the unmatched
   * list with the fields at fault (their paths and codes, never their values), and answered 2xx.
   * Nothing else changes: an admin takes it up with the portal. A copy is a duplicate.
   */
  async keepIncomplete (ev: IncompleteEnvelope, issues: readonly FieldIssue[], rawBody: string, now = Date.now()): Promise<CallbackOutcome> {
    const agency = agencyOfCode(ev.MaHoSo) as string
    const entry = {
      at: isoFromEpoch(now),
      reason: 'INCOMPLETE_DOSSIER',
      maSuKien: ev.MaSuKien,
      type: ev.LoaiSuKien,
      maHoSo: ev.MaHoSo,
      issues: issues.map(i => ({ field: i.field, code: i.code })),
      body: rawBody
    }
    const r = await this.store.portal.keepUnmatched({ agency, maSuKien: ev.MaSuKien, entry: JSON.stringify(entry) })
    return { maSuKien: ev.MaSuKien, maHoSo: ev.MaHoSo, result: r === 'kept' ? 'incomplete' : 'duplicate' }
  }

  private async event (ev: Detailed, rawBody: string, now: number): Promise<CallbackOutcome> {
    const code = ev.MaHoSo
    const agency = agencyOfCode(code) as string
    const at = isoFromEpoch(now)
    const portalEvent: PortalEventRef = { id: ev.MaSuKien, type: ev.LoaiSuKien, at: isoFromPortalDate(ev.ThoiDiem) }
    const { detail, fact, count } = effectOf(ev, portalEvent.at)
    const forwardedAs = portalEventBody({ maHoSo: code, agency, portalEvent, detail })
    const history: HistoryEntry = { at, kind: 'portal-event', maSuKien: ev.MaSuKien, type: ev.LoaiSuKien, occurredAt: portalEvent.at, data: ev.DuLieu }
    const r = await this.store.portal.portalEvent({
      agency,
      code,
      maSuKien: ev.MaSuKien,
      now,
      history: { ...history, forwarded: true },
      historyNotForwarded: { ...history, forwarded: false, reason: 'the dossier has no client with a webhook' },
      ...(fact === undefined ? {} : { fact }),
      ...(count === undefined ? {} : { count }),
      webhook: {
        type: (JSON.parse(forwardedAs) as { type: string }).type,
        body: (ref) => {
          const { system, sourceId } = parseRef(ref)
          return system === PORTAL_SYSTEM ? forwardedAs : portalEventBody({ maHoSo: code, agency, sourceId, portalEvent, detail })
        }
      },
      unmatched: JSON.stringify({ at, reason: 'UNKNOWN_DOSSIER', maSuKien: ev.MaSuKien, type: ev.LoaiSuKien, maHoSo: code, body: rawBody }),
      stats: { paid: ev.LoaiSuKien === 'ThanhToan', ...(ev.LoaiSuKien === 'DanhGia' ? { rating: ev.DuLieu.DiemDanhGia } : {}) }
    })
    if (r.head !== '') await this.queues.enqueueWebhook(agency, code, r.head)
    // Also for a copy: the first may have died between recording the event and this.
    if (ev.LoaiSuKien === 'NopBoSung' && (r.result === 'applied' || r.result === 'duplicate')) await this.closeSupplement(agency, code, portalEvent.at, ev.DuLieu.NoiDungBoSung)
    return { maSuKien: ev.MaSuKien, maHoSo: code, result: r.result }
  }

  /**
   * The applicant's supplement closes the dossier's open supplement request, as the centre's
   * `supplement-received` event would (the dossier goes back to processing, and the portal gets
   * the closed entry and the step). Nothing to close: nothing done.
   */
  private async closeSupplement (agency: string, code: string, at: string, content: string | undefined): Promise<void> {
    const find = async (): Promise<StoredDossier> => {
      const ref = (await this.store.locate(code))?.ref
      const d = ref === undefined ? undefined : await this.store.load(agency, ref)
      if (d === undefined) throw new NothingToClose()
      if (d.status !== '5' || !(d.lifecycle?.supplements ?? []).some(x => x.receivedAt === undefined)) throw new NothingToClose()
      return d
    }
    // ThoiDiem is the portal's clock: never later than ours.
    const when = Math.min(Date.parse(at), Date.now())
    try {
      await this.events.apply(find, { type: 'supplement-received', at: isoFromEpoch(when), ...(content === undefined ? {} : { content: content.slice(0, 1000) }) }, PORTAL_SYSTEM)
    } catch (err) {
      if (err instanceof NothingToClose) return
      // Refused by the status machine (the centre moved the dossier meanwhile): the callback stands.
      if (err instanceof GatewayError && err.statusCode < 500) return
      throw err
    }
  }
}

class NothingToClose extends Error {}

/** What the callback is for its sector system, and what it sets on the dossier's record. */
function effectOf (ev: Detailed, occurredAt: string): { detail: PortalEventDetail, fact?: { field: string, value: string }, count?: string } {
  switch (ev.LoaiSuKien) {
    case 'NopBoSung': {
      const documents = (ev.DuLieu.TaiLieuNop ?? []).map(t => ({
        id: t.TepDinhKemId, name: t.TenTepDinhKem, url: t.DuongDanTaiTepTin, ...(t.MaThanhPhanHoSo === undefined ? {} : { componentCode: t.MaThanhPhanHoSo })
      }))
      const content = ev.DuLieu.NoiDungBoSung
      return { detail: { type: 'NopBoSung', supplement: { ...(content === undefined ? {} : { content }), documents } }, count: 'supplements' }
    }
    case 'ThanhToan': {
      const payment = { amount: ev.DuLieu.SoTien, transactionId: ev.DuLieu.MaGiaoDich, ...(ev.DuLieu.NganHang === undefined ? {} : { bank: ev.DuLieu.NganHang }) }
      return { detail: { type: 'ThanhToan', payment }, fact: { field: 'payment', value: JSON.stringify({ ...payment, at: occurredAt }) } }
    }
    case 'RutHoSo': {
      const withdrawal = { reason: ev.DuLieu.LyDo }
      return { detail: { type: 'RutHoSo', withdrawal }, fact: { field: 'withdrawal', value: JSON.stringify({ ...withdrawal, at: occurredAt }) } }
    }
    case 'DanhGia': {
      const rating = { score: ev.DuLieu.DiemDanhGia, ...(ev.DuLieu.NoiDung === undefined ? {} : { comment: ev.DuLieu.NoiDung }) }
      return { detail: { type: 'DanhGia', rating }, fact: { field: 'rating', value: JSON.stringify({ ...rating, at: occurredAt }) } }
    }
  }
}

/** The record an online dossier starts as: on the portal already, delivered as it stands. */
function onlineRecord (code: string, agency: string, input: CanonicalInput, provenance: Provenance, now: number): StoredDossier {
  return {
    ref: `${PORTAL_SYSTEM}:${code}`,
    agency,
    maHoSo: code,
    system: PORTAL_SYSTEM,
    sourceId: input.sourceId,
    clientId: PORTAL_SYSTEM,
    input,
    provenance,
    status: input.status,
    state: 'delivered',
    revision: 1,
    contentRev: 1,
    deliveredRev: 1,
    created: true,
    createdAt: now,
    updatedAt: now,
    origin: 'online',
    portal: {},
    overdue: false,
    resolved: false,
    paidOnline: input.paidOnline
  }
}
