/**
 * In-memory state of the simulated portal: sessions, dossiers with their steps, and the record of
 * every request. Everything is synchronous, so one /service call is applied atomically.
 */
import { randomUUID } from 'node:crypto'
import { FIRST_ONLINE_SEQ, onlineHoSo, onlineMaHoSo } from './online.js'
import type { Counts, DossierView, ReceivedFilter, RecordedRequest } from './types.js'

interface Session {
  username: string
  expiresAt: number
}

/** The view without its derived count: steps are kept, their number is computed when asked. */
type Dossier = Omit<DossierView, 'stepsAccepted'>

export interface StateOptions {
  now: () => number
  maxRecorded: number
  recordBodies: boolean
}

export interface SentCallback {
  at: string
  url: string
  MaSuKien: string
  LoaiSuKien: string
  MaHoSo: string
  delivered: boolean
  attempts: number
  finalStatus: number | null
}

function emptyCounts (): Counts {
  return {
    requests: 0,
    auth: { total: 0, ok: 0, failed: 0 },
    service: 0,
    byErrorCode: {},
    byHttpStatus: {},
    byService: {},
    dossiers: 0,
    creates: 0,
    updates: 0,
    steps: 0,
    lookups: 0,
    duplicates: 0,
    unknown: 0,
    invalid: 0,
    sessionExpired: 0,
    internalErrors: 0,
    stepsOutOfOrder: 0,
    faults: {},
    callbacks: 0,
    pending: 0
  }
}

function bump (map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1
}

const ERROR_COUNTERS: Record<string, 'duplicates' | 'unknown' | 'invalid' | 'sessionExpired' | 'internalErrors'> = {
  '-3': 'duplicates', '-4': 'unknown', '-1': 'invalid', 401: 'sessionExpired', 99: 'internalErrors'
}

export class SimulatorState {
  readonly #opts: StateOptions
  readonly #sessions = new Map<string, Session>()
  readonly #dossiers = new Map<string, Dossier>()
  #received: RecordedRequest[] = []
  #callbacks: SentCallback[] = []
  #seq = 0
  #stepSeq = 0
  #onlineSeq = FIRST_ONLINE_SEQ - 1
  #counts: Counts = emptyCounts()
  // Not cleared by reset(): the calls it counts are still open on their sockets.
  #pending = 0

  constructor (opts: StateOptions) {
    this.#opts = opts
  }

  #iso (): string {
    return new Date(this.#opts.now()).toISOString()
  }

  // --- sessions -------------------------------------------------------------------------------

  createSession (username: string, ttlSeconds: number): string {
    const now = this.#opts.now()
    // Pruned here so that long runs that log in often do not grow the map without bound.
    for (const [token, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(token)
    const token = randomUUID()
    this.#sessions.set(token, { username, expiresAt: now + ttlSeconds * 1000 })
    return token
  }

  isSessionValid (token: unknown): boolean {
    if (typeof token !== 'string') return false
    const s = this.#sessions.get(token)
    return s !== undefined && this.#opts.now() < s.expiresAt
  }

  expireSession (token: unknown): void {
    if (typeof token === 'string') this.#sessions.delete(token)
  }

  expireAllSessions (): number {
    const n = this.#sessions.size
    this.#sessions.clear()
    return n
  }

  activeSessions (): number {
    const now = this.#opts.now()
    let n = 0
    for (const s of this.#sessions.values()) if (now < s.expiresAt) n++
    return n
  }

  // --- dossiers (called by the protocol layer once a whole call has been validated) -----------

  has (maHoSo: string): boolean {
    return this.#dossiers.has(maHoSo)
  }

  create (madonvi: string, hoSo: Record<string, unknown>): void {
    this.#store(madonvi, hoSo, 1)
    this.#counts.creates++
  }

  #store (madonvi: string, hoSo: Record<string, unknown>, creates: number): void {
    const maHoSo = hoSo.MaHoSo as string
    const at = this.#iso()
    this.#dossiers.set(maHoSo, {
      maHoSo,
      madonvi,
      hoSo,
      currentStatus: hoSo.TrangThaiHoSo as string,
      creates,
      updates: 0,
      duplicateCreates: 0,
      steps: [],
      stepsOutOfOrder: 0,
      createdAt: at,
      updatedAt: at
    })
  }

  replace (hoSo: Record<string, unknown>): void {
    const d = this.#dossiers.get(hoSo.MaHoSo as string)
    if (d === undefined) throw new Error('replace of an unknown dossier: the caller checks first')
    d.hoSo = hoSo
    d.currentStatus = hoSo.TrangThaiHoSo as string
    d.updates++
    d.updatedAt = this.#iso()
    this.#counts.updates++
  }

  appendStep (tienDo: Record<string, unknown>): void {
    const d = this.#dossiers.get(tienDo.MaHoSo as string)
    if (d === undefined) throw new Error('step of an unknown dossier: the caller checks first')
    const last = d.steps.at(-1)
    if (last !== undefined && (tienDo.ThoiDiemXuLy as string) < (last.tienDo.ThoiDiemXuLy as string)) {
      d.stepsOutOfOrder++
      this.#counts.stepsOutOfOrder++
    }
    const at = this.#iso()
    d.steps.push({ index: d.steps.length, seq: ++this.#stepSeq, receivedAt: at, tienDo })
    d.currentStatus = tienDo.TrangThai as string
    d.updatedAt = at
    this.#counts.steps++
  }

  /**
   * A dossier an applicant submitted online on the portal itself: it exists here with the code
   * the portal assigned (`<agency>-<yyMMdd, UTC+07:00>-<seq from 50001>`), channel "2" and status
   * "1", and with no create or update from the gateway, so that a test can tell what the gateway
   * sent afterwards. `overrides` change the sample fields (procedure `MaTTHC`, commune `MaXa`...);
   * `MaHoSo`, `KenhThucHien` and `TrangThaiHoSo` are the portal's. Throws InvalidDossierError
   * when the result is not a valid HoSo.
   */
  submitOnline (agency: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const now = this.#opts.now()
    let seq = this.#onlineSeq
    let maHoSo: string
    do maHoSo = onlineMaHoSo(agency, now, ++seq)
    while (this.#dossiers.has(maHoSo))
    // Built and checked before anything changes: a refused dossier uses up no code.
    const hoSo = onlineHoSo(maHoSo, now, overrides)
    this.#onlineSeq = seq
    this.#store(agency, hoSo, 0)
    return structuredClone(hoSo)
  }

  noteDuplicateCreate (maHoSo: string): void {
    const d = this.#dossiers.get(maHoSo)
    if (d !== undefined) d.duplicateCreates++
  }

  noteLookup (): void {
    this.#counts.lookups++
  }

  /** The HoSo as TraCuuHoSo answers it: the stored record with the current status. */
  lookup (maHoSo: string): Record<string, unknown> | undefined {
    const d = this.#dossiers.get(maHoSo)
    return d === undefined ? undefined : { ...d.hoSo, TrangThaiHoSo: d.currentStatus }
  }

  // --- recording ------------------------------------------------------------------------------

  record (r: Omit<RecordedRequest, 'seq' | 'time' | 'at'>): RecordedRequest {
    const at = this.#opts.now()
    const entry: RecordedRequest = { seq: ++this.#seq, time: new Date(at).toISOString(), at, ...r }
    if (!this.#opts.recordBodies) delete entry.body
    this.#received.push(entry)
    // Trimmed in chunks so that a full buffer does not cost a copy on every request.
    if (this.#received.length > this.#opts.maxRecorded + 1000) this.#received = this.#received.slice(-this.#opts.maxRecorded)

    const c = this.#counts
    c.requests++
    bump(c.byHttpStatus, entry.httpStatus === null ? 'none' : String(entry.httpStatus))
    if (entry.fault !== undefined) bump(c.faults, entry.fault.slice(entry.fault.indexOf(':') + 1))
    if (entry.path === '/auth') {
      c.auth.total++
      if (entry.errorCode === '0') c.auth.ok++
      else c.auth.failed++
    } else {
      c.service++
      if (entry.service !== undefined) bump(c.byService, entry.service)
      if (entry.errorCode !== undefined) {
        bump(c.byErrorCode, entry.errorCode)
        const counter = ERROR_COUNTERS[entry.errorCode]
        if (counter !== undefined) c[counter]++
      }
    }
    return entry
  }

  callStarted (): void {
    this.#pending++
  }

  callEnded (): void {
    this.#pending--
  }

  recordCallback (cb: Omit<SentCallback, 'at'>): void {
    this.#callbacks.push({ at: this.#iso(), ...cb })
    if (this.#callbacks.length > this.#opts.maxRecorded) this.#callbacks.shift()
    this.#counts.callbacks++
  }

  // --- read accessors (copies, so that callers cannot change the state) -----------------------

  dossier (maHoSo: string): DossierView | undefined {
    const d = this.#dossiers.get(maHoSo)
    return d === undefined ? undefined : view(d)
  }

  dossiers (): DossierView[] {
    return [...this.#dossiers.values()].map(view)
  }

  received (filter: ReceivedFilter = {}): RecordedRequest[] {
    const out = this.#received.slice(-this.#opts.maxRecorded).filter(r =>
      (filter.path === undefined || r.path === filter.path) &&
      (filter.service === undefined || r.service === filter.service) &&
      (filter.errorCode === undefined || r.errorCode === filter.errorCode) &&
      (filter.maHoSo === undefined || r.maHoSo.includes(filter.maHoSo)) &&
      (filter.since === undefined || r.seq > filter.since))
    const limited = filter.limit === undefined ? out : out.slice(-filter.limit)
    return structuredClone(limited)
  }

  callbacks (): SentCallback[] {
    return structuredClone(this.#callbacks)
  }

  counts (): Counts {
    return structuredClone({ ...this.#counts, dossiers: this.#dossiers.size, pending: this.#pending })
  }

  reset (): void {
    this.#sessions.clear()
    this.#dossiers.clear()
    this.#received = []
    this.#callbacks = []
    this.#seq = 0
    this.#stepSeq = 0
    this.#onlineSeq = FIRST_ONLINE_SEQ - 1
    this.#counts = emptyCounts()
  }
}

function view (d: Dossier): DossierView {
  return structuredClone({
    maHoSo: d.maHoSo,
    madonvi: d.madonvi,
    hoSo: d.hoSo,
    currentStatus: d.currentStatus,
    creates: d.creates,
    updates: d.updates,
    duplicateCreates: d.duplicateCreates,
    stepsAccepted: d.steps.length,
    steps: d.steps,
    stepsOutOfOrder: d.stepsOutOfOrder,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt
  })
}
