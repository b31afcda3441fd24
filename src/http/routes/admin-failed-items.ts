/**
 * The failed list's items, read for one page only and from small fields: the facts the filters
 * test (`factsOf`: code, system, statistics dimensions, reason and reply, one HMGET per record),
 * and beside them, in one pipeline per slot, each listed delivery's attempt log, each webhook's
 * failure and each callback's kept entry. Documents are never read here (inflating one took
 * about 0.5 ms on the bench machine: 100 per page were its biggest cost), except through
 * `factsOf` for records older than the statistics dimensions.
 */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { Message } from '../schemas.js'
import { isoFromEpoch } from '../../domain/toolkit/dates.js'
import { reasonOf } from './failure-reasons.js'
import { Attempt } from './dossiers.js'
import { factsOf, type WaitingEntry, type WaitingFacts } from '../../store/waiting-scan.js'
import { execEach, type Command } from '../../store/redis/by-slot.js'
import type { Attempt as StoredAttempt } from '../../store/records.js'
import type { WebhookFailure } from '../../store/webhook-store.js'

export const KindSchema = Type.Union([Type.Literal('delivery'), Type.Literal('webhook'), Type.Literal('review'), Type.Literal('unrouted'), Type.Literal('callback')])

export const Item = Type.Object({
  kind: KindSchema,
  maHoSo: Type.String(),
  agency: Type.String(),
  system: Type.Optional(Type.String()),
  commune: Type.Optional(Type.String({ description: 'the commune of the dossier\'s first intake (its statistics dimension, what the commune filter matches)' })),
  procedure: Type.Optional(Type.String({ description: 'the procedure of the dossier\'s first intake (as commune)' })),
  at: Type.String({ description: 'when it failed or started waiting' }),
  reason: Type.Object({ code: Type.String(), message: Message }),
  reply: Type.Optional(Type.String({ description: 'the portal\'s or the receiver\'s own words, as received (cut)' })),
  attempts: Type.Optional(Type.Integer({ description: 'how many times it was tried' })),
  attemptLog: Type.Optional(Type.Array(Attempt, { description: 'delivery: every portal attempt, oldest first (as in GET /v1/dossiers/:maHoSo)' })),
  eventId: Type.Optional(Type.String()),
  maSuKien: Type.Optional(Type.String())
})
export type Item = Static<typeof Item>

function parse<T> (v: unknown): T | undefined {
  if (typeof v !== 'string') return undefined
  try { return JSON.parse(v) as T } catch { return undefined }
}

/** The commands that read what an entry shows beyond its facts; every command names its key first. */
function readsOf (app: FastifyInstance, e: WaitingEntry): Command[] {
  const k = app.store.keys
  if (e.kind === 'webhook') return [['hget', k.webhookFailed(e.agency), e.member]]
  if (e.kind === 'callback') return [['hget', k.unmatchedData(e.agency), e.member]]
  return e.kind === 'delivery' ? [['lrange', k.dossier(e.agency, e.member).attempts, 0, -1]] : []
}

/** An entry of the list, as shown: read for the page only. */
export async function itemsOf (app: FastifyInstance, page: WaitingEntry[]): Promise<Item[]> {
  const reads = page.map(e => readsOf(app, e))
  const [facts, replies] = await Promise.all([factsOf(app.store, page), execEach(app.redis, reads.flat())])
  const items: Item[] = []
  let r = 0
  for (const [i, e] of page.entries()) {
    const got = replies.slice(r, r += (reads[i] as Command[]).length)
    if (got.some(([err]) => err !== null)) continue
    const v = got[0]?.[1]
    const f = facts[i] as WaitingFacts
    const at = isoFromEpoch(e.score)
    const shown = { ...(f.system === undefined ? {} : { system: f.system }), ...(f.commune === undefined ? {} : { commune: f.commune }), ...(f.procedure === undefined ? {} : { procedure: f.procedure }) }
    if (e.kind === 'callback') {
      const u = parse<{ reason?: string, maSuKien?: string, maHoSo?: string }>(v)
      if (u !== undefined) items.push({ kind: 'callback', maHoSo: u.maHoSo ?? '', agency: e.agency, at, reason: reasonOf(u.reason ?? 'UNKNOWN_DOSSIER'), maSuKien: u.maSuKien ?? e.member })
    } else if (e.kind === 'webhook') {
      const w = parse<WebhookFailure>(v)
      if (w === undefined) continue
      items.push({ kind: 'webhook', maHoSo: e.member, agency: e.agency, ...shown, at, reason: reasonOf(w.code), attempts: w.attempts, eventId: w.id, ...(w.lastResponse === undefined ? {} : { reply: w.lastResponse }) })
    } else {
      // Gone since the index was read.
      if (f.maHoSo === undefined) continue
      const item: Item = { kind: e.kind, maHoSo: f.maHoSo, agency: e.agency, ...shown, at, reason: reasonOf(f.reason), ...(f.reply === undefined ? {} : { reply: f.reply.slice(0, 500) }) }
      if (e.kind === 'delivery') {
        // Every portal attempt, as the API promises (issue 9): read with the page, one LRANGE in the same pipeline.
        item.attemptLog = (v as string[]).map(s => JSON.parse(s) as StoredAttempt)
        item.attempts = item.attemptLog.length
      }
      items.push(item)
    }
  }
  return items
}
