/**
 * The page calls the gateway's own admin API in process (`app.inject`) as the signed-in client:
 * the same routes, so the same role and scope checks, the same validation and the same audit
 * entries as a call with that client's key.
 */
import type { FastifyInstance } from 'fastify'
import type { Client } from '../http/plugins/clients.js'

export interface ApiError {
  code: string
  field?: string
  message: { vi: string, en: string }
  errors?: Array<{ code: string, field: string, message: { vi: string, en: string } }>
}

export interface ApiReply<T> { status: number, ok: boolean, body: T, error?: ApiError }

export async function callApi<T = any> (app: FastifyInstance, client: Client, method: 'GET' | 'POST', url: string, body?: unknown): Promise<ApiReply<T>> {
  return await app.asClient(client, async (headers) => {
    const res = await app.inject({
      method,
      url,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) })
    })
    let parsed: unknown
    try { parsed = res.json() } catch { parsed = undefined }
    const ok = res.statusCode >= 200 && res.statusCode < 300
    const reply: ApiReply<T> = { status: res.statusCode, ok, body: parsed as T }
    if (!ok) {
      const e = parsed as Partial<ApiError> | undefined
      reply.error = e?.code !== undefined && e.message !== undefined
        ? e as ApiError
        : { code: `HTTP_${res.statusCode}`, message: { vi: 'Lỗi không xác định', en: 'Unexpected error' } }
    }
    return reply
  })
}

/** A query string from the defined, non-empty values. */
export function query (q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s === '' ? '' : `?${s}`
}
