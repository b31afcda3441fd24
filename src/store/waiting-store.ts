/**
 * What waits for a person, per agency and kind: sorted sets scored by when it failed or started
 * waiting (epoch ms), each kept by the script that changes what it indexes:
 *   delivery  `sx:failed`        refs     SET_STATE (intake, events, FAIL, admin changes, discard)
 *   review    `sx:needs-review`  refs     SET_STATE
 *   unrouted  `sx:unrouted`      refs     ONLINE_DOSSIER, LINK, ROUTE
 *   webhook   `whfailedx`        codes    WEBHOOK_FAIL, WEBHOOK_DONE, WEBHOOK_UNHOLD
 *   callback  `unm` (+ `unmdata`) MaSuKien PORTAL_EVENT, ONLINE_DOSSIER (capped per agency)
 * Lists page them from an exclusive cursor (sorted-index.ts) and count them with ZCOUNT.
 *
 * Data written before (state sets, the `whfailed` hash alone, the `unmatched` list) is moved into
 * these indexes by `upgrade`, lazily, the first time a list or count reads the agency: each step
 * is idempotent and checks the record's current state, so it is safe while the gateway runs.
 */
import type { Result } from 'ioredis'
import type { RedisClient } from './redis/connection.js'
import type { Keys } from './keys.js'
import type { After } from '../domain/cursor.js'
import { execEach, valuesOf, type Command } from './redis/by-slot.js'
import { epochOf, pageIndex, type IndexRange } from './sorted-index.js'
import { decodeRouting } from './records.js'
import { defineScripts, luaScript } from './lua-script.js'
import type { Fact, WaitingKind, WaitingLists } from './ports/lists.js'

export type { Fact, WaitingKind, WaitingLists } from './ports/lists.js'

const KINDS = ['delivery', 'webhook', 'review', 'unrouted', 'callback'] as const satisfies readonly WaitingKind[]
/** Never when a kind of the port (ports/lists.ts) is missing here, so the list cannot fall behind it. */
type AllOf<T extends readonly WaitingKind[]> = Exclude<WaitingKind, T[number]> extends never ? T : never
export const WAITING_KINDS: AllOf<typeof KINDS> = KINDS

const STATE_OF = { delivery: 'failed', review: 'needs-review', unrouted: 'unrouted' } as const
export type DossierKind = keyof typeof STATE_OF
export function isDossierKind (k: WaitingKind): k is DossierKind { return k in STATE_OF }

/** lua/upgrade-*.lua: data written before these indexes, moved in (see above). */
export const UPGRADE_STATE = luaScript('ltUpgradeState', 'upgrade-state.lua', ['legacy', 'index', ['dossiers', '*']], ['state', ['pairs', '*']])
export const UPGRADE_WEBHOOK = luaScript('ltUpgradeWebhook', 'upgrade-webhook.lua', ['whFailed', 'whFailedIndex'], [['pairs', '*']])
export const UPGRADE_UNMATCHED = luaScript('ltUpgradeUnmatched', 'upgrade-unmatched.lua', ['legacy', 'index', 'data'], ['taken', ['triples', '*']])

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltUpgradeState: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltUpgradeWebhook: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltUpgradeUnmatched: (...args: Array<string | number | Buffer>) => Result<number, Context>
  }
}

const BATCH = 200

export class WaitingStore implements WaitingLists {
  constructor (private readonly redis: RedisClient, private readonly keys: Keys) {
    if (typeof redis.ltUpgradeState === 'function') return
    defineScripts(redis, [UPGRADE_STATE, UPGRADE_WEBHOOK, UPGRADE_UNMATCHED])
  }

  indexKey (agency: string, kind: WaitingKind): string {
    if (isDossierKind(kind)) return this.keys.stateIndex(agency, STATE_OF[kind])
    return kind === 'webhook' ? this.keys.webhookFailedIndex(agency) : this.keys.unmatchedIndex(agency)
  }

  /** Newest first, within [min, max]: a paging source (see routes/cursor.ts). */
  source (agency: string, kind: WaitingKind, range: IndexRange): (after: After | undefined, count: number) => Promise<Array<{ score: number, member: string }>> {
    const key = this.indexKey(agency, kind)
    return async (after, count) => await pageIndex(this.redis, key, 'desc', range, after, count)
  }

  /** How many entries of each (agency, kind) fall within [min, max]: one ZCOUNT each, one pipeline per slot. */
  async counts (pairs: Array<{ agency: string, kind: WaitingKind }>, range: IndexRange = {}): Promise<number[]> {
    const cmds: Command[] = pairs.map(p => ['zcount', this.indexKey(p.agency, p.kind), range.min ?? '-inf', range.max ?? '+inf'])
    return (await valuesOf(this.redis, cmds)).map(Number)
  }

  /** The kept callbacks (JSON) of `ids`, in order; undefined for one trimmed meanwhile. */
  async unmatchedEntries (agency: string, ids: string[]): Promise<Array<Record<string, unknown> | undefined>> {
    if (ids.length === 0) return []
    const vals = await this.redis.hmget(this.keys.unmatchedData(agency), ...ids)
    return vals.map(v => v === null ? undefined : JSON.parse(v) as Record<string, unknown>)
  }

  /**
   * What the list's filters look at, from small fields only (never a document): the system
   * (an online dossier's routed one), the statistics dimensions `<commune>|<system>|<procedure>|
   * <channel>` (absent on records older than the statistics) and the reason code. Two pipelines.
   */
  async facts (entries: Array<{ agency: string, kind: WaitingKind, member: string }>): Promise<Fact[]> {
    const first: Command[] = entries.map(e => isDossierKind(e.kind)
      ? ['hmget', this.keys.dossier(e.agency, e.member).dossier, 'routing', 'statsDims', 'failure', 'review', 'maHoSo']
      : e.kind === 'webhook' ? ['hmget', this.keys.webhookFailed(e.agency), e.member] : ['hmget', this.keys.unmatchedData(e.agency), e.member])
    // A webhook's entry is a code: its record is found through the agency's codes.
    const hooks = entries.flatMap((e, i) => e.kind === 'webhook' ? [i] : [])
    const [a, b] = await Promise.all([valuesOf(this.redis, first), valuesOf(this.redis, hooks.map(i => ['hget', this.keys.codes((entries[i] as { agency: string }).agency), (entries[i] as { member: string }).member]))])
    const codeRefs = new Map(hooks.map((i, j) => [i, (b[j] as string | null) ?? undefined]))
    const refs = entries.map((e, i) => isDossierKind(e.kind) ? e.member : codeRefs.get(i))
    const wh = entries.map((e, i) => refs[i] !== undefined && !isDossierKind(e.kind) ? i : -1).filter(i => i >= 0)
    const second = await valuesOf(this.redis, wh.map(i => ['hmget', this.keys.dossier((entries[i] as { agency: string }).agency, refs[i] as string).dossier, 'routing', 'statsDims']))
    const extra = new Map(wh.map((i, j) => [i, second[j] as Array<string | null>]))
    return entries.map((e, i) => {
      const v = (a[i] ?? []) as Array<string | null>
      const [routing, dims] = isDossierKind(e.kind) ? v : extra.get(i) ?? [null, null]
      const ref = refs[i]
      const system = ref === undefined ? undefined : (routedSystem(routing) ?? ref.slice(0, ref.indexOf(':')))
      const fact: Fact = { system, dims: dims ?? undefined, reason: reasonCode(e.kind, v) }
      if (isDossierKind(e.kind)) {
        if (v[4] !== null && v[4] !== undefined) fact.maHoSo = v[4]
        const reply = e.kind === 'delivery' ? parseJson<{ reason?: string }>(v[2])?.reason : undefined
        if (reply !== undefined && reply !== '') fact.reply = reply
      }
      return fact
    })
  }

  /** Moves data written before the sorted indexes into them (see the file's comment); a no-op once done. */
  async upgrade (agencies: string[]): Promise<void> {
    const probe: Command[] = []
    for (const a of agencies) {
      for (const s of Object.values(STATE_OF)) probe.push(['exists', this.keys.legacyStateIndex(a, s)])
      probe.push(['exists', this.keys.unmatched(a)], ['hlen', this.keys.webhookFailed(a)], ['zcard', this.keys.webhookFailedIndex(a)])
    }
    const res = await execEach(this.redis, probe)
    const per = Object.keys(STATE_OF).length + 3
    for (const [i, a] of agencies.entries()) {
      const v = res.slice(i * per, (i + 1) * per).map(([err, x]) => err === null ? Number(x) : 0)
      for (const [j, s] of Object.values(STATE_OF).entries()) if (v[j] === 1) await this.upgradeState(a, s)
      if (v[per - 3] === 1) await this.upgradeUnmatched(a)
      if ((v[per - 2] ?? 0) > (v[per - 1] ?? 0)) await this.upgradeWebhooks(a)
    }
  }

  private async upgradeState (agency: string, state: 'failed' | 'needs-review' | 'unrouted'): Promise<void> {
    const legacy = this.keys.legacyStateIndex(agency, state)
    for (let guard = 0; guard < 100_000; guard++) {
      const refs = await this.redis.srandmember(legacy, BATCH)
      if (refs.length === 0) return
      const keys = refs.map(r => this.keys.dossier(agency, r).dossier)
      const fields = await valuesOf(this.redis, keys.map(k => ['hmget', k, 'failure', 'routing', 'updatedAt'])) as Array<Array<string | null>>
      const pairs: Array<string | number> = []
      refs.forEach((ref, i) => {
        const [failure, routing, updatedAt] = fields[i] ?? []
        const at = (state === 'failed' ? parseAt(failure) : state === 'unrouted' ? parseAt(routing) : undefined)
        pairs.push(ref, at ?? (Number(updatedAt ?? 0) || Date.now()))
      })
      await this.redis.ltUpgradeState(...UPGRADE_STATE.argv({ legacy, index: this.keys.stateIndex(agency, state), dossiers: keys }, { state, pairs }))
    }
  }

  private async upgradeWebhooks (agency: string): Promise<void> {
    let cursor = '0'
    do {
      const [next, flat] = await this.redis.hscan(this.keys.webhookFailed(agency), cursor, 'COUNT', BATCH)
      cursor = next
      const argv: Array<string | number> = []
      for (let i = 0; i + 1 < flat.length; i += 2) argv.push(flat[i] as string, parseAt(flat[i + 1] ?? null) ?? Date.now())
      if (argv.length > 0) await this.redis.ltUpgradeWebhook(...UPGRADE_WEBHOOK.argv({ whFailed: this.keys.webhookFailed(agency), whFailedIndex: this.keys.webhookFailedIndex(agency) }, { pairs: argv }))
    } while (cursor !== '0')
  }

  private async upgradeUnmatched (agency: string): Promise<void> {
    for (let guard = 0; guard < 100_000; guard++) {
      const items = await this.redis.lrange(this.keys.unmatched(agency), 0, BATCH - 1)
      if (items.length === 0) return
      const triples: Array<string | number> = []
      for (const s of items) {
        let e: { at?: string, maSuKien?: string } = {}
        try { e = JSON.parse(s) as typeof e } catch {}
        // 1 + …: the id legacy entries got when the count led the same list.
        triples.push(e.maSuKien ?? `legacy-${epochOf(e.at)}-${1 + triples.length}`, epochOf(e.at), s)
      }
      await this.redis.ltUpgradeUnmatched(...UPGRADE_UNMATCHED.argv({ legacy: this.keys.unmatched(agency), index: this.keys.unmatchedIndex(agency), data: this.keys.unmatchedData(agency) }, { taken: items.length, triples }))
    }
  }
}

function parseJson<T> (v: string | null | undefined): T | undefined {
  if (v === null || v === undefined) return undefined
  try { return JSON.parse(v) as T } catch { return undefined }
}

/** The system a stored routing gives the dossier to (JSON, or the plain `state|system|…` form). */
function routedSystem (routing: string | null | undefined): string | undefined {
  if (routing === null || routing === undefined) return undefined
  try { return decodeRouting(routing).system } catch { return undefined }
}

/** The classified reason an entry waits, from the fields `facts` read: the code the list shows. */
function reasonCode (kind: WaitingKind, v: Array<string | null>): string {
  if (kind === 'delivery') return parseJson<{ code?: string }>(v[2])?.code ?? 'FAILED'
  if (kind === 'review') return parseJson<Array<{ code?: string }>>(v[3])?.[0]?.code ?? 'COMMUNE_SPLIT'
  if (kind === 'unrouted') return parseJson<{ reason?: { code?: string } }>(v[0])?.reason?.code ?? 'NO_ROUTE'
  return parseJson<{ code?: string, reason?: string }>(v[0]) === undefined ? '' : (kind === 'webhook' ? parseJson<{ code: string }>(v[0])?.code ?? '' : parseJson<{ reason: string }>(v[0])?.reason ?? '')
}

/** The `at` of a stored JSON value (a failure, a routing), as epoch ms. */
function parseAt (json: string | null | undefined): number | undefined {
  if (json === null || json === undefined) return undefined
  try {
    const t = Date.parse((JSON.parse(json) as { at?: string }).at ?? '')
    return Number.isFinite(t) ? t : undefined
  } catch { return undefined }
}
