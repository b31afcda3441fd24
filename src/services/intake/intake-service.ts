/**
 * Intake: the sender's bytes → parsed document → mapping → canonical dossier → one atomic
 * write in Redis → a flush job. Nothing is written for a refused request; once this returns,
 * the dossier is durable.
 */
import { hash } from 'node:crypto'
import sjson from 'secure-json-parse'
import { stringify } from 'safe-stable-stringify'
import { Errors, ValidationError, GatewayError, issue } from '../../domain/errors.js'
import { Reader } from '../../mappings/reader.js'
import type { MappingRegistry } from '../../mappings/registry.js'
import type { MapContext, ReviewItem, SectorMapping } from '../../mappings/types.js'
import type { CanonicalInput, Provenance } from '../../domain/canonical-dossier.js'
import type { IntakeOutcome, SyncState } from '../../store/records.js'
import type { IntakeWrite } from '../../store/ports/dossiers.js'
import type { Store } from '../../store/ports/store.js'
import type { JobQueues } from '../../queue/jobs.js'
import { may, type Client } from '../../domain/access.js'
import { agencyOfCode, sourceRef } from '../../store/keys.js'
import { encodeDoc, sha256 } from '../../store/codec.js'
import type { LifecycleSnapshot } from '../../store/ports/lifecycle.js'
import { parseXml, type XmlLimits } from '../../adapters/xml.js'
import { unwrapSoap, checkNamespace } from '../../adapters/soap.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import { decideIntake } from '../lifecycle/transition.js'
import type { NoticeKindsOf } from '../../domain/notices/kinds.js'

export interface IntakeRequest {
  system: string
  clientId: string
  /** The sender's agencies as they were when its request arrived (`Client.agencies`). */
  agencies: Client['agencies']
  contentType: string
  body: string
  /** The sender's client id when it has a webhook: it hears of this dossier's events. */
  webhookClient: string
  /** `X-Ma-Ho-So`: the online dossier (portal code) this dossier is. */
  linkCode?: string
}

export interface IntakeResult {
  maHoSo: string
  outcome: IntakeOutcome
  state: SyncState
  review?: ReviewItem[]
  /** This request linked the sector's dossier to an online dossier. */
  linked?: boolean
}

/** Where the code naming an online dossier came from, in the sender's terms. */
interface LinkRequest { code: string, field: string }

function linkRefused (code: string, link: LinkRequest, vi: string, en: string): Error {
  return Errors.conflict(code, vi, en, link.field)
}

/** The online dossier named by the header or the body; both must agree. */
function linkOf (header: string | undefined, body: string | undefined, bodyField: string | undefined): LinkRequest | undefined {
  if (header !== undefined && body !== undefined && header !== body) {
    throw Errors.conflict('MA_HO_SO_MISMATCH', `X-Ma-Ho-So (${header.slice(0, 50)}) khác với ${bodyField ?? 'maHoSo'} (${body})`,
      `X-Ma-Ho-So (${header.slice(0, 50)}) differs from ${bodyField ?? 'maHoSo'} (${body})`, 'X-Ma-Ho-So')
  }
  if (header !== undefined) return { code: header, field: 'X-Ma-Ho-So' }
  if (body !== undefined) return { code: body, field: bodyField ?? 'maHoSo' }
  return undefined
}

/** `yyMMdd` of a `+07:00` ISO date-time: the date segment of a MaHoSo. */
export function codeDay (iso: string): string {
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10)
}

/** The payload's SHA-256 (the codec's, which remembers the last: it hashes the payload again when it stores it). */
export { sha256 }

/**
 * `fullHash` tells a resend from a change; `contentHash` leaves the status out, because a
 * status change travels to the portal as a step, not as an update of the dossier.
 */
export function dossierHashes (d: CanonicalInput): { fullHash: string, contentHash: string } {
  const { status, step, ...content } = d
  const contentHash = hash('sha256', stringify(content), 'hex')
  return { contentHash, fullHash: hash('sha256', `${contentHash}|${status}|${stringify(step) ?? ''}`, 'hex') }
}

/** Writes `value` at a dotted canonical path such as `agency.communeCode`. */
export function setPath (obj: Record<string, unknown>, path: string, value: unknown): void {
  const segs = path.split('.')
  let cur = obj
  for (const seg of segs.slice(0, -1)) {
    const next = cur[seg]
    if (next === null || typeof next !== 'object') cur[seg] = {}
    cur = cur[seg] as Record<string, unknown>
  }
  cur[segs[segs.length - 1] as string] = value
}

export class IntakeService {
  constructor (
    private readonly registry: MappingRegistry,
    private readonly store: Pick<Store, 'intake' | 'resolutions' | 'keys' | 'lifecycle' | 'portal'>,
    private readonly queues: JobQueues,
    private readonly ctx: MapContext,
    private readonly xmlLimits: XmlLimits,
    /** The notice kinds an agency sends (NOTICES_FILE, reloaded on SIGHUP); none without it. */
    private readonly noticeKinds: NoticeKindsOf = () => undefined
  ) {}

  /**
   * Parse and map only: throws a 4xx GatewayError for anything the sender must fix.
   * `agencyField` is where the sender's document carries `dossier.agency.code`, in its terms.
   */
  async normalize (mapping: SectorMapping, body: string): Promise<{ dossier: CanonicalInput, review: ReviewItem[], agencyField: string, statusField: string, linkCode?: string }> {
    const { reader, ctx, linkCode } = await this.read(mapping, body)
    const out = this.registry.run(mapping, reader, ctx)
    if (!out.ok) throw new ValidationError(out.issues)
    return {
      dossier: out.dossier,
      review: out.review,
      agencyField: reader.field(mapping.agencyField ?? 'agency/code'),
      statusField: reader.field(mapping.statusField ?? 'status'),
      ...(linkCode === undefined ? {} : { linkCode })
    }
  }

  async submit (req: IntakeRequest): Promise<IntakeResult> {
    const mapping = this.registry.get(req.system)
    if (mapping === undefined) throw Errors.unknownSystem(req.system)
    const { dossier, review: raised, agencyField, statusField, linkCode } = await this.normalize(mapping, req.body)
    // The agency is known only once mapped; refused before the store is even read. A dossier's
    // key holds its agency, so a client outside it can neither create nor change that dossier.
    if (!may({ role: 'sector', agencies: req.agencies }, 'act', { agency: dossier.agency.code })) throw Errors.forbiddenAgency(dossier.agency.code, agencyField)
    const link = linkOf(req.linkCode, linkCode, mapping.linkField)
    const linked = link === undefined ? false : await this.link(req, dossier, link)
    const review = await this.applyResolutions(req.system, dossier, raised)
    const now = Date.now()
    const receivedAt = isoFromEpoch(now)
    const payloadSha256 = sha256(req.body)
    const provenance: Provenance = {
      system: req.system,
      clientId: req.clientId,
      sourceId: dossier.sourceId,
      payloadSha256,
      mappingVersion: `${mapping.system}@${mapping.version}`,
      contentType: req.contentType,
      receivedAt
    }
    const agency = dossier.agency.code
    const raw = { receivedAt, clientId: req.clientId, contentType: req.contentType, sha256: payloadSha256, mappingVersion: provenance.mappingVersion, body: req.body }
    const write = {
      system: req.system,
      clientId: req.clientId,
      input: dossier,
      provenance,
      ...dossierHashes(dossier),
      day: codeDay(dossier.receivedAt),
      raw,
      doc: encodeDoc({ input: dossier, provenance, raw }),
      review,
      step: { status: dossier.status, at: dossier.step?.at ?? receivedAt, ...(dossier.step === undefined ? {} : { step: dossier.step }) },
      webhookClient: req.webhookClient,
      now
    }
    const facts = { system: req.system, statsPrefix: this.store.keys.statsPrefix(agency), now, statusField, noticeKinds: this.noticeKinds(agency) }
    let r: IntakeWrite | undefined
    // The status machine decides on the dossier at one revision; the script applies the
    // decision only at that revision, and otherwise answers 'retry' with the dossier as it is.
    // Most posts are new dossiers, so the first decision is made on no record at all: a new
    // dossier takes one round trip, a known one two.
    let snap: LifecycleSnapshot | undefined
    for (let attempt = 0; attempt < 8 && (r === undefined || r.outcome === 'retry'); attempt++) {
      const decision = decideIntake(snap, dossier, facts)
      if (decision.kind === 'illegal') throw decision.error
      if (decision.kind === 'stale' && snap !== undefined) {
        await this.store.lifecycle.note(agency, snap.maHoSo, {
          at: receivedAt, kind: 'stale-resend', status: dossier.status, currentStatus: snap.status, client: req.clientId, sha256: payloadSha256
        })
        return { maHoSo: snap.maHoSo, outcome: 'stale', state: snap.state }
      }
      if (decision.kind !== 'apply') continue
      r = await this.store.intake({ ...write, expectedRevision: decision.expectedRevision, lifecycle: decision.lifecycle })
      snap = r.snapshot
    }
    if (r?.outcome === 'compacted') throw Errors.compacted(r.maHoSo)
    if (r === undefined || r.outcome === 'retry') throw Errors.conflict('BUSY_DOSSIER', 'Hồ sơ đang được thay đổi liên tục; hãy gửi lại', 'The dossier kept changing while this was applied; send it again')
    if (r.jobGen !== '') await this.queues.enqueueFlush(dossier.agency.code, r.jobGen)
    // Queued first: a dossier that did survive is delivered without waiting for the sweeper.
    if (!r.replicated) throw Errors.notReplicated()
    const result: IntakeResult = { maHoSo: r.maHoSo, outcome: r.outcome, state: r.state }
    if (r.state === 'needs-review' && review.length > 0) result.review = review
    if (linked) result.linked = true
    return result
  }

  /**
   * Makes the sector's dossier the online dossier `link.code` names (before intake writes it),
   * so that intake finds it and the portal gets an update of that code, never a second create.
   * True when this call linked it; false when it was linked already. Idempotent: a sender that
   * lost the answer sends again and gets the same result.
   */
  private async link (req: IntakeRequest, dossier: CanonicalInput, link: LinkRequest): Promise<boolean> {
    const agency = agencyOfCode(link.code)
    if (agency === undefined) throw linkRefused('UNKNOWN_MA_HO_SO', link, `Mã hồ sơ ${link.code} không đúng định dạng của Cổng`, `${link.code} is not a portal dossier code`)
    if (agency !== dossier.agency.code) {
      throw linkRefused('MA_HO_SO_OTHER_AGENCY', link, `Mã hồ sơ ${link.code} thuộc cơ quan ${agency}, không phải cơ quan của hồ sơ (${dossier.agency.code})`,
        `${link.code} belongs to agency ${agency}, not to the dossier's agency (${dossier.agency.code})`)
    }
    const r = await this.store.portal.link({
      agency,
      code: link.code,
      system: req.system,
      sourceId: dossier.sourceId,
      clientId: req.clientId,
      webhookClient: req.webhookClient,
      routing: { state: 'linked', system: req.system, client: req.clientId, at: isoFromEpoch(Date.now()) },
      history: { at: isoFromEpoch(Date.now()), kind: 'linked', system: req.system, sourceId: dossier.sourceId, client: req.clientId },
      now: Date.now()
    })
    if (r === 'linked' || r === 'already') return r === 'linked'
    if (r === 'unknown') {
      throw linkRefused('UNKNOWN_MA_HO_SO', link, `Cổng liên thông không có hồ sơ trực tuyến mã ${link.code}`, `No online dossier ${link.code} is known here`)
    }
    if (r === 'sector-elsewhere') {
      throw linkRefused('SOURCE_ALREADY_LINKED', link, `Hồ sơ ${dossier.sourceId} của hệ thống đã có mã hồ sơ khác`,
        `The system's dossier ${dossier.sourceId} already has another dossier code`)
    }
    throw linkRefused('MA_HO_SO_ALREADY_LINKED', link, `Mã hồ sơ ${link.code} đã gắn với một hồ sơ khác của hệ thống ngành`,
      `${link.code} is already linked to another sector dossier`)
  }

  /** Re-applies an admin's earlier decisions, so a resend does not send the dossier back to review. */
  private async applyResolutions (system: string, dossier: CanonicalInput, review: ReviewItem[]): Promise<ReviewItem[]> {
    if (review.length === 0) return review
    const done = await this.store.resolutions(dossier.agency.code, sourceRef(system, dossier.sourceId))
    return review.filter(item => {
      const r = done.find(x => x.target === item.target && x.oldCode === item.oldCode)
      if (r === undefined) return true
      setPath(dossier as unknown as Record<string, unknown>, item.target, r.code)
      return false
    })
  }

  private async read (mapping: SectorMapping, body: string): Promise<{ reader: Reader, ctx: MapContext, linkCode?: string }> {
    if (mapping.format === 'json') {
      let doc: unknown
      try {
        // Prototype-poisoning keys are dropped: they can change nothing.
        doc = sjson.parse(body, undefined, { protoAction: 'remove', constructorAction: 'remove' })
      } catch (err) {
        throw Errors.badJson((err as Error).message)
      }
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        throw new GatewayError('BAD_JSON', 400, { vi: 'Nội dung phải là một đối tượng JSON', en: 'The body must be a JSON object' })
      }
      const linkField = mapping.linkField
      if (linkField !== undefined && Object.hasOwn(doc, linkField)) {
        // Says which dossier this is, not what it holds: taken out before the mapping reads it.
        const value = (doc as Record<string, unknown>)[linkField]
        delete (doc as Record<string, unknown>)[linkField]
        if (typeof value !== 'string' || value.length > 50) {
          throw new ValidationError([issue('INVALID_FORMAT', linkField, 'Mã hồ sơ phải là chuỗi tối đa 50 ký tự', 'The dossier code must be a string of at most 50 characters')])
        }
        return { reader: Reader.json(doc), ctx: this.ctx, linkCode: value }
      }
      return { reader: Reader.json(doc), ctx: this.ctx }
    }
    const xml = await parseXml(body, this.xmlLimits)
    const expected = mapping.xml
    if (mapping.format === 'soap') {
      const { header, operation, payload } = unwrapSoap(xml)
      if (mapping.soapOperation !== undefined && operation.name !== mapping.soapOperation) {
        throw Errors.badXml(`expected the operation <${mapping.soapOperation}>`, `Envelope/Body/${operation.name}`)
      }
      if (expected !== undefined) {
        checkNamespace(payload, expected.namespace, payload.name)
        if (payload.name !== expected.root) throw Errors.badXml(`expected <${expected.root}>`, payload.name)
      }
      return { reader: Reader.xml(payload), ctx: header === undefined ? this.ctx : { ...this.ctx, soapHeader: Reader.xml(header) } }
    }
    if (expected !== undefined) {
      if (xml.root.name !== expected.root) throw Errors.badXml(`root element must be <${expected.root}>`, xml.root.name)
      checkNamespace(xml.root, expected.namespace, xml.root.name)
    }
    return { reader: Reader.xml(xml.root), ctx: this.ctx }
  }
}
