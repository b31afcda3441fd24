/**
 * The gateway's HTTP API as the CLI speaks it: JSON in and out, the key in `X-Api-Key`, and
 * refusals turned into `ApiError` so that every command prints them the same way.
 */
import { lang, say } from './lang.js'
import { networkWhy, problemText } from './problems.js'

export interface Message { vi: string, en: string }
export interface Issue { code: string, field: string, message: Message }

/** A refusal of the gateway: `{ code, field, message: { vi, en }, errors? }` with its status. */
export class ApiError extends Error {
  constructor (readonly status: number, readonly code: string, readonly field: string | undefined, readonly messages: Message, readonly issues: Issue[] = []) {
    super(`${status} ${code}`)
    this.name = 'ApiError'
  }
}

/** The gateway could not be reached (or answered something that is not its JSON). */
export class NetworkError extends Error {
  constructor (readonly url: string, why: string) {
    super(say('cli_cannotReach', { url, why }))
    this.name = 'NetworkError'
  }
}

export interface Api {
  get: <T>(path: string, query?: Record<string, string | number | undefined>) => Promise<T>
  post: <T>(path: string, body?: unknown) => Promise<T>
}

export function api (base: string, key: string | undefined): Api {
  async function call<T> (method: string, path: string, body?: unknown): Promise<T> {
    let url: string
    try {
      url = new URL(path, base.endsWith('/') ? base : `${base}/`).toString()
    } catch (err) {
      throw new NetworkError(`${method} ${base}`, networkWhy(err))
    }
    const headers: Record<string, string> = { accept: 'application/json' }
    if (key !== undefined && key !== '') headers['x-api-key'] = key
    if (body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    } catch (err) {
      // undici hides the reason (ECONNREFUSED, ENOTFOUND…) in `cause`: said in words.
      throw new NetworkError(`${method} ${url}`, networkWhy(err))
    }
    const text = await res.text()
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      throw new NetworkError(`${method} ${url}`, say('cli_notJsonReply', { status: res.status }))
    }
    if (res.ok) return json as T
    const e = (json ?? {}) as { code?: string, field?: string, message?: Partial<Message>, errors?: Issue[] }
    throw new ApiError(res.status, e.code ?? 'HTTP_ERROR', e.field,
      // A reply that is not the gateway's (a proxy's 502, say) has no message of its own.
      { vi: e.message?.vi ?? say('cli_httpError', { status: res.status }, 'vi'), en: e.message?.en ?? say('cli_httpError', { status: res.status }, 'en') }, Array.isArray(e.errors) ? e.errors : [])
  }
  return {
    get: async <T>(path: string, query: Record<string, string | number | undefined> = {}) => {
      const qs = new URLSearchParams()
      for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v))
      const s = qs.toString()
      return await call<T>('GET', s === '' ? path : `${path}?${s}`)
    },
    post: async <T>(path: string, body?: unknown) => await call<T>('POST', path, body ?? {})
  }
}

/** `/v1/dossiers/<code>`: codes are percent-encoded, never spliced raw into a path. */
export function seg (s: string): string { return encodeURIComponent(s) }

/**
 * `<status> <code> <field>: <message>` in the CLI's language, then one line per field issue. The
 * code and the field stay as the API names them: they are what a script or a support request
 * quotes.
 */
export function formatError (err: unknown): string {
  if (err instanceof ApiError) return refusalLines(err.status, err.code, err.field, err.messages, err.issues)
  return problemText(err) ?? (err as Error).message
}

export function refusalLines (status: number, code: string, field: string | undefined, message: Message, issues: readonly Issue[]): string {
  const l = lang()
  const lines = [`${status} ${code}${field === undefined ? '' : ` ${field}`}: ${message[l]}`]
  for (const i of issues) lines.push(`  ${i.code} ${i.field}: ${i.message[l]}`)
  return lines.join('\n')
}

/** Left-aligned columns, for terminals. */
export function table (head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(head), ...rows.map(line)].join('\n') + '\n'
}
