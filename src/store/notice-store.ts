/**
 * Applicant notices in Redis (ports/notices.ts). A notice's record and its indexes live in its
 * agency's slot, so each change is one script; what every process shares across agencies (channel
 * states, the opt-out list, ZNS msg_id → notice) are single-key commands outside any record.
 */
import type { Result } from 'ioredis'
import type { RedisClient } from './redis/connection.js'
import type { Keys } from './keys.js'
import { defineScripts } from './lua-script.js'
import { NOTICE_BEGIN, NOTICE_CLAIM, NOTICE_PARK, NOTICE_SAVE, NOTICE_SCRIPTS } from './scripts-notices.js'
import { pageIndex } from './sorted-index.js'
import { execEach, type Command } from './redis/by-slot.js'
import { parseNotice, type NoticeRecord } from '../domain/notices/record.js'
import { CHANNELS, type Channel } from '../domain/notices/kinds.js'
import type { After } from '../domain/cursor.js'
import type { ChannelState, NoticeClaim, Notices, NoticeSave, SaveResult } from './ports/notices.js'

export type { ChannelState, NoticeClaim, Notices, NoticeSave, NoticesCreated, SaveResult } from './ports/notices.js'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltNoticeClaim: (...args: Array<string | number | Buffer>) => Result<[string, string, string], Context>
    ltNoticeBegin: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltNoticeSave: (...args: Array<string | number | Buffer>) => Result<[number, string], Context>
    ltNoticePark: (...args: Array<string | number | Buffer>) => Result<number, Context>
  }
}

const LOCAL_OFFSET_MS = 7 * 3_600_000

/** `yyyy-mm` of the local month (Asia/Ho_Chi_Minh) of an instant: the counters' bucket. */
export function localMonth (now: number): string {
  return new Date(now + LOCAL_OFFSET_MS).toISOString().slice(0, 7)
}

export class NoticeStore implements Notices {
  constructor (private readonly redis: RedisClient, private readonly keys: Keys) {
    defineScripts(redis, NOTICE_SCRIPTS)
  }

  async claim (agency: string, id: string, now: number, leaseMs: number, token: string): Promise<NoticeClaim> {
    const [result, rec, old] = await this.redis.ltNoticeClaim(...NOTICE_CLAIM.argv(
      { notices: this.keys.notices(agency), noticeQ: this.keys.noticeQueue(agency) }, { id, now, leaseMs, token }))
    if (result !== 'claimed') return { result: result as 'later' | 'not-queued' | 'missing' }
    const channel = old.split('|')[1]
    return { result, record: parseNotice(rec), text: rec, ...(CHANNELS.includes(channel as Channel) ? { interruptedOn: channel as Channel } : {}) }
  }

  async begin (agency: string, id: string, token: string, channel: Channel): Promise<boolean> {
    return await this.redis.ltNoticeBegin(...NOTICE_BEGIN.argv({ notices: this.keys.notices(agency) }, { id, token, channel })) === 1
  }

  async save (s: NoticeSave): Promise<SaveResult> {
    const bumps = Object.entries(s.bumps ?? {}).filter(([, n]) => n !== 0).map(([f, n]) => `${f}=${Math.round(n)}`).join(',')
    const [ok, parked] = await this.redis.ltNoticeSave(...NOTICE_SAVE.argv({
      notices: this.keys.notices(s.agency),
      noticeQ: this.keys.noticeQueue(s.agency),
      noticeHeld: this.keys.noticeHeld(s.agency),
      noticeFailed: this.keys.noticeFailed(s.agency),
      stats: this.keys.noticeStats(s.agency, localMonth(s.now))
    }, {
      id: s.id,
      token: s.token,
      expect: s.expect,
      record: JSON.stringify(s.record),
      queueAt: s.queueAt ?? '',
      held: s.held === true ? 1 : '',
      failedAt: s.failedAt ?? '',
      bumps,
      now: s.now
    }))
    if (ok === 1) return { result: 'ok', ...(parked === '' ? {} : { parked }) }
    return { result: ok === -1 ? 'busy' : 'changed' }
  }

  async park (agency: string, id: string, report: string): Promise<boolean> {
    return await this.redis.ltNoticePark(...NOTICE_PARK.argv({ notices: this.keys.notices(agency) }, { id, report })) === 1
  }

  async get (agency: string, id: string): Promise<{ record: NoticeRecord, text: string } | undefined> {
    const text = await this.redis.hget(this.keys.notices(agency), id)
    return text === null ? undefined : { record: parseNotice(text), text }
  }

  async forDossier (agency: string, ref: string): Promise<NoticeRecord[]> {
    const fields = await this.redis.hgetall(this.keys.dossier(agency, ref).dossier)
    const ids = Object.entries(fields).filter(([f]) => f.startsWith('n|')).map(([, id]) => id)
    if (ids.length === 0) return []
    const texts = await this.redis.hmget(this.keys.notices(agency), ...ids)
    return texts.filter((t): t is string => t !== null).map(parseNotice).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
  }

  async due (agency: string, now: number, max: number): Promise<Array<{ id: string, at: number }>> {
    const flat = await this.redis.zrangebyscore(this.keys.noticeQueue(agency), '-inf', now, 'WITHSCORES', 'LIMIT', 0, max)
    const out: Array<{ id: string, at: number }> = []
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i] as string, at: Number(flat[i + 1]) })
    return out
  }

  async held (agency: string, max: number): Promise<string[]> {
    return await this.redis.zrange(this.keys.noticeHeld(agency), 0, max - 1)
  }

  async failedPage (agency: string, after: After | undefined, count: number): Promise<Array<{ id: string, at: number }>> {
    const page = await pageIndex(this.redis, this.keys.noticeFailed(agency), 'desc', {}, after, count)
    return page.map(e => ({ id: e.member, at: e.score }))
  }

  async failedCount (agency: string): Promise<number> {
    return await this.redis.zcard(this.keys.noticeFailed(agency))
  }

  async waiting (agencies: readonly string[]): Promise<{ queued: number, held: number }> {
    // Cardinalities of the agencies' own indexes, one command each: cheap, and right in a cluster.
    const res = await execEach(this.redis, agencies.flatMap(a => [['zcard', this.keys.noticeQueue(a)], ['zcard', this.keys.noticeHeld(a)]] as Command[]))
    const out = { queued: 0, held: 0 }
    res.forEach(([err, n], i) => {
      if (err !== null) throw err
      out[i % 2 === 0 ? 'queued' : 'held'] += n as number
    })
    return out
  }

  async stats (agency: string, months: readonly string[]): Promise<Record<string, Record<string, number>>> {
    const p = this.redis.pipeline()
    for (const m of months) p.hgetall(this.keys.noticeStats(agency, m))
    const res = (await p.exec()) ?? []
    const out: Record<string, Record<string, number>> = {}
    months.forEach((m, i) => {
      const [err, v] = res[i] ?? [null, {}]
      if (err !== null) throw err
      const counts = Object.fromEntries(Object.entries(v as Record<string, string>).map(([f, n]) => [f, Number(n)]))
      if (Object.keys(counts).length > 0) out[m] = counts
    })
    return out
  }

  async channels (): Promise<Record<string, ChannelState>> {
    const all = await this.redis.hgetall(this.keys.noticeChannels())
    const out: Record<string, ChannelState> = {}
    for (const [name, json] of Object.entries(all)) {
      try { out[name] = JSON.parse(json) as ChannelState } catch { /* a hand-edited entry: ignored, as if running */ }
    }
    return out
  }

  async setChannel (name: string, state: ChannelState | undefined): Promise<void> {
    if (state === undefined) await this.redis.hdel(this.keys.noticeChannels(), name)
    else await this.redis.hset(this.keys.noticeChannels(), name, JSON.stringify(state))
  }

  async optOut (hash: string, on: boolean): Promise<void> {
    if (on) await this.redis.sadd(this.keys.noticeOptOut(), hash)
    else await this.redis.srem(this.keys.noticeOptOut(), hash)
  }

  async optedOut (hash: string): Promise<boolean> {
    return await this.redis.sismember(this.keys.noticeOptOut(), hash) === 1
  }

  async rememberZnsMessage (msgId: string, agency: string, id: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.znsMessage(msgId), `${agency} ${id}`, 'PX', ttlMs)
  }

  async znsMessage (msgId: string): Promise<{ agency: string, id: string } | undefined> {
    const v = await this.redis.get(this.keys.znsMessage(msgId))
    if (v === null) return undefined
    const [agency, id] = v.split(' ')
    return agency === undefined || id === undefined ? undefined : { agency, id }
  }

  async putLetter (agency: string, id: string, pdf: Buffer, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.noticeLetter(agency, id), pdf, 'PX', ttlMs)
  }

  async letter (agency: string, id: string): Promise<Buffer | undefined> {
    return await this.redis.getBuffer(this.keys.noticeLetter(agency, id)) ?? undefined
  }
}
