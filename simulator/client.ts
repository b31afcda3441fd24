/**
 * A bare client of the portal protocol, for the simulator's own tests and for scripts. It does
 * no retries and no re-login on purpose: callers see every reply exactly as the portal sent it.
 */
import { request, type Dispatcher } from 'undici'
import { SAMPLE_AGENCY } from './fixtures.js'
import type { PortalReply } from './types.js'

export interface RawReply {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  /** Parsed body when it is JSON. */
  json: unknown
}

export interface PostOptions {
  headersTimeout?: number
  signal?: AbortSignal
  dispatcher?: Dispatcher
  headers?: Record<string, string>
}

export async function postJson (url: string, body: unknown, opts: PostOptions = {}): Promise<RawReply> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...opts.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(opts.headersTimeout === undefined ? {} : { headersTimeout: opts.headersTimeout }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher })
  })
  const text = await res.body.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.statusCode, headers: res.headers, text, json }
}

export class PortalClient {
  session: string | undefined
  readonly #baseUrl: string
  readonly #username: string
  readonly #password: string
  readonly #madonvi: string

  constructor (baseUrl: string, opts: { username?: string, password?: string, madonvi?: string } = {}) {
    this.#baseUrl = baseUrl
    this.#username = opts.username ?? 'lienthong'
    this.#password = opts.password ?? 'lienthong-dev'
    this.#madonvi = opts.madonvi ?? SAMPLE_AGENCY
  }

  async login (): Promise<PortalReply> {
    const r = await postJson(`${this.#baseUrl}/auth`, { username: this.#username, password: this.#password })
    if (r.status !== 200) throw new Error(`portal answered HTTP ${r.status}`)
    const reply = r.json as PortalReply
    if (reply.error_code === '0') this.session = reply.session as string
    return reply
  }

  /** One /service call with this client's session and madonvi unless `fields` sets them. */
  async raw (fields: Record<string, unknown>, opts: PostOptions = {}): Promise<RawReply> {
    return postJson(`${this.#baseUrl}/service`, { session: this.session, madonvi: this.#madonvi, ...fields }, opts)
  }

  async call (fields: Record<string, unknown>, opts: PostOptions = {}): Promise<PortalReply> {
    const r = await this.raw(fields, opts)
    if (r.status !== 200) throw new Error(`portal answered HTTP ${r.status}`)
    return r.json as PortalReply
  }

  async create (data: unknown[]): Promise<PortalReply> {
    return this.call({ service: 'DongBoHoSoMC', isUpdating: 'False', data })
  }

  async update (data: unknown[]): Promise<PortalReply> {
    return this.call({ service: 'DongBoHoSoMC', isUpdating: 'True', data })
  }

  async steps (data: unknown[]): Promise<PortalReply> {
    return this.call({ service: 'CapNhatTienDoHoSoMC', data })
  }

  async lookup (mahoso: string): Promise<PortalReply> {
    return this.call({ service: 'TraCuuHoSo', mahoso })
  }
}
