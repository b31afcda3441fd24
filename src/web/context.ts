/**
 * What every admin page request carries: its language, its session (from Redis), the client
 * signed in, and the helpers the templates use. Shared by the page and bull-board's mount.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Client } from '../http/plugins/clients.js'
import { actionName, countText, fieldLabelAt, fieldValue, formatDate, formatDay, isWord, reasonText, statusName, systemName, valueName, words, type Lang } from './i18n.js'
import type { ValueKind } from './i18n-values.js'
import { filterText, historyDetail } from './history-text.js'
import { channelText, noticeReason } from './notice-text.js'
import { SESSION_COOKIE, type SessionStore, type WebSession } from './session.js'

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang
    webSession: WebSession | null
    webClient: Client | null
    /** What @fastify/csrf-protection reads the CSRF secret from (its `@fastify/session` mode). */
    session: { _csrf?: string } | null
  }
}

export const LANG_COOKIE = 'lt_lang'

export function cookieOptions (app: FastifyInstance, maxAgeS: number): { path: string, httpOnly: true, sameSite: 'strict', secure: boolean, maxAge: number } {
  return { path: '/admin', httpOnly: true, sameSite: 'strict', secure: app.config.ADMIN_COOKIE_SECURE, maxAge: maxAgeS }
}

export function decorateRequests (app: FastifyInstance): void {
  app.decorateRequest('lang', 'vi')
  app.decorateRequest('webSession', null)
  app.decorateRequest('webClient', null)
  app.decorateRequest('session', null)
}

/** onRequest: language (a `?lang=` switch is remembered in a cookie), then session and client. */
export async function loadRequest (app: FastifyInstance, sessions: SessionStore, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const asked = (req.query as Record<string, unknown> | undefined)?.lang
  if (asked === 'vi' || asked === 'en') {
    req.lang = asked
    reply.setCookie(LANG_COOKIE, asked, { path: '/admin', sameSite: 'strict', httpOnly: true, secure: app.config.ADMIN_COOKIE_SECURE, maxAge: 365 * 86_400 })
  } else {
    req.lang = req.cookies[LANG_COOKIE] === 'en' ? 'en' : 'vi'
  }
  // No session yet (or it expired): the CSRF check finds no secret and refuses cleanly, never a TypeError.
  req.session = {}
  const id = req.cookies[SESSION_COOKIE]
  if (id === undefined) return
  const s = await sessions.get(id)
  if (s === undefined) return
  req.webSession = s
  req.session = { _csrf: s.csrf }
  if (s.clientId !== undefined && s.keySha256 !== undefined) {
    const c = app.clientOfSession(s.clientId, s.keySha256)
    // Revoked or replaced since: the session is over.
    if (c === undefined || c.role !== 'admin') await sessions.destroy(s.id)
    else req.webClient = c
  }
}

/** The client signed in; a page asked for without one goes to the sign-in form. */
export function signedIn (req: FastifyRequest): Client {
  if (req.webClient === null) throw new SignInRequired()
  return req.webClient
}

export class SignInRequired extends Error {}

export function isOperator (c: Client | null): boolean {
  return c?.role === 'admin' && c.adminRole === 'operator'
}

/** Everything a template may use besides its own data. */
export function pageData (req: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  const lang = req.lang
  const t = words(lang)
  const path = req.url.split('?')[0] ?? '/admin'
  const q = new URLSearchParams(req.url.split('?')[1] ?? '')
  q.set('lang', lang === 'vi' ? 'en' : 'vi')
  return {
    lang,
    t,
    tw: (w: string) => isWord(w) ? t(w) : w,
    me: req.webClient,
    operator: isOperator(req.webClient),
    csrf: req.session?._csrf === undefined ? '' : reply.generateCsrf(),
    path,
    langSwitch: `${path}?${q.toString()}`,
    fmt: formatDate,
    day: formatDay,
    countText: (n: number) => countText(n, lang),
    systemName: (s: string) => systemName(s, lang),
    value: (kind: ValueKind, code: string) => valueName(kind, code, lang),
    fieldValue: (path: string, v: string) => fieldValue(path, v, lang),
    historyDetail: (h: Record<string, unknown>) => historyDetail(h, lang),
    filterText: (f: unknown) => filterText(f, lang),
    statusName: (c: string) => statusName(c, lang),
    reasonText: (c: string) => reasonText(c, lang),
    action: (a: string) => actionName(a, lang),
    label: (path: string) => fieldLabelAt(path, lang),
    noticeReason: (n: { reason?: string, reasonCode?: string }) => noticeReason(n, lang),
    channelText: (name: string) => channelText(name, lang),
    msg: (m: { vi: string, en: string } | undefined) => m === undefined ? '' : m[lang]
  }
}
