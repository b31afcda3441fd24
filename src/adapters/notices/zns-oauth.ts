/**
 * Zalo's OAuth refresh (the contract's "Tokens"): `POST {ZNS_OAUTH_URL}/access_token`, header
 * `secret_key`, form `app_id`, `grant_type=refresh_token`, `refresh_token`. The refresh token
 * rotates: the answer carries the only refresh token that works from now on. Tokens and the
 * secret never leave this module except to the token store.
 */
import type { Agent } from 'undici'
import { callJson, isObject, str } from './http-json.js'

export interface ZnsTokenPair { accessToken: string, refreshToken: string, expiresInS: number }

export type RefreshAnswer =
  | { ok: true, pair: ZnsTokenPair }
  /** Refused by Zalo (`error` negative): `-14014` is a spent or invalid refresh token. */
  | { ok: false, refused: true, code: string, reason: string }
  /** No usable answer: `lost` when the refresh may have been taken (and its new token is gone). */
  | { ok: false, refused: false, lost: boolean, reason: string }

export interface ZnsOAuthOptions { url: string, appId: string, appSecret: string, timeoutMs: number }

export async function refreshZnsToken (agent: Agent, o: ZnsOAuthOptions, refreshToken: string): Promise<RefreshAnswer> {
  const form = new URLSearchParams({ app_id: o.appId, grant_type: 'refresh_token', refresh_token: refreshToken })
  const r = await callJson(agent, `${o.url.replace(/\/+$/, '')}/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: o.appSecret },
    body: form.toString(),
    timeoutMs: o.timeoutMs
  })
  if (!r.ok) return { ok: false, refused: false, lost: r.lost, reason: r.reason }
  const j = r.json
  if (!isObject(j)) return { ok: false, refused: false, lost: true, reason: 'reply is not an object' }
  const access = j.access_token
  const refresh = j.refresh_token
  const expires = Number(str(j.expires_in))
  if (typeof access === 'string' && access !== '' && typeof refresh === 'string' && refresh !== '' && Number.isFinite(expires) && expires > 0) {
    return { ok: true, pair: { accessToken: access, refreshToken: refresh, expiresInS: expires } }
  }
  const code = str(j.error)
  if (code !== undefined && Number(code) < 0) {
    return { ok: false, refused: true, code, reason: `ZNS refresh refused ${code}` }
  }
  return { ok: false, refused: false, lost: true, reason: 'refresh reply without a token pair' }
}
