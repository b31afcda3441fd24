/**
 * Webhook queues: whactive holds a code exactly when its queue `wh:<code>` is not empty; a
 * whfailed mark names the queue's current head; every entry is a readable event. Each code is
 * read in one INSPECT_WEBHOOK (queue, active, failed at one instant). `whfailedx` (the failed
 * list's index) holds exactly the codes of `whfailed`; a `whfailed` written before the index
 * existed (no `whfailedx` at all) is moved on the next list read: a notice, not drift.
 */
import type { DoctorContext } from './context.js'
import { pairBatches, sscanBatches } from './scan.js'
import { INSPECT_WEBHOOK, REPAIR_WEBHOOK, REPAIR_WEBHOOK_INDEX } from './scripts.js'
import { said } from './texts.js'

interface WebhookView { length: number, active: boolean, head: string, failed: string }

async function inspect (ctx: DoctorContext, agency: string, codes: string[]): Promise<WebhookView[]> {
  const k = ctx.keys
  const values = await ctx.values(codes.map(code => [INSPECT_WEBHOOK.command, ...INSPECT_WEBHOOK.argv({ whq: k.webhookQueue(agency, code), whActive: k.webhookActive(agency), whFailed: k.webhookFailed(agency) }, { code })]))
  return values.map(v => {
    const [length, active, head, failed] = v as [string, string, string, string]
    return { length: Number(length), active: active === '1', head, failed }
  })
}

function headId (head: string): string | undefined {
  try {
    const e = JSON.parse(head) as { id?: unknown, body?: unknown }
    return typeof e.id === 'string' && e.body !== undefined ? e.id : undefined
  } catch { return undefined }
}

function fix (ctx: DoctorContext, agency: string, code: string, staleFailed = ''): () => Promise<'repaired' | 'changed'> {
  const k = ctx.keys
  return async () => await ctx.redis.ltDoctorWebhookFix(...REPAIR_WEBHOOK.argv({ whq: k.webhookQueue(agency, code), whActive: k.webhookActive(agency), whFailed: k.webhookFailed(agency) }, { code, staleFailed })) as 'repaired' | 'changed'
}

/** The queues the key scan found: each must be active, with a readable head, and any failure mark its head's. */
export async function checkWebhookQueues (ctx: DoctorContext, queues: Array<{ agency: string, code: string }>): Promise<void> {
  const byAgency = new Map<string, string[]>()
  for (const q of queues) byAgency.set(q.agency, [...byAgency.get(q.agency) ?? [], q.code])
  for (const [agency, codes] of byAgency) {
    const views = await inspect(ctx, agency, codes)
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i] as string
      const v = views[i] as WebhookView
      if (v.length === 0) continue
      if (!v.active) await ctx.found({ agency, code, structure: 'whactive', problem: 'missing-entry', why: said('eventsWaiting', { n: v.length }), repairable: true }, fix(ctx, agency, code))
      const id = headId(v.head)
      if (id === undefined) await ctx.found({ agency, code, structure: 'wh', problem: 'malformed', why: said('headUnreadable'), repairable: false })
      else if (v.failed !== '' && !v.failed.includes(`"id":"${id}"`)) {
        await ctx.found({ agency, code, structure: 'whfailed', problem: 'stale-entry', why: said('marksOtherEvent', { id }), repairable: true }, fix(ctx, agency, code, v.failed))
      }
    }
  }
}

/** whactive and whfailed entries whose queue is empty. */
export async function checkWebhookSets (ctx: DoctorContext, agency: string): Promise<void> {
  for await (const codes of sscanBatches(ctx.redis, ctx.keys.webhookActive(agency), ctx.batch)) {
    const views = await inspect(ctx, agency, codes)
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i] as string
      if ((views[i] as WebhookView).length === 0) await ctx.found({ agency, code, structure: 'whactive', problem: 'stale-entry', why: said('noEventWaiting'), repairable: true }, fix(ctx, agency, code))
    }
  }
  for await (const pairs of pairBatches(ctx.redis, 'hash', ctx.keys.webhookFailed(agency), ctx.batch)) {
    const codes = pairs.map(p => p[0])
    const views = await inspect(ctx, agency, codes)
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i] as string
      const v = views[i] as WebhookView
      if (v.length === 0) await ctx.found({ agency, code, structure: 'whfailed', problem: 'stale-entry', why: said('failureNoEvent'), repairable: true }, fix(ctx, agency, code, v.failed))
    }
  }
  await checkFailedIndex(ctx, agency)
}

function failedAt (json: string): number | undefined {
  try {
    const t = Date.parse((JSON.parse(json) as { at?: string }).at ?? '')
    return Number.isFinite(t) ? t : undefined
  } catch { return undefined }
}

/** whfailed ↔ whfailedx, both ways. */
async function checkFailedIndex (ctx: DoctorContext, agency: string): Promise<void> {
  const failed = ctx.keys.webhookFailed(agency)
  const idx = ctx.keys.webhookFailedIndex(agency)
  const [hlen, zcard] = await ctx.values([['hlen', failed], ['zcard', idx]]) as [number, number]
  if (zcard === 0) {
    if (hlen > 0) ctx.notice(said('legacyWebhookFailed', { agency, n: hlen }))
    return
  }
  const fixIndex = (code: string, score: number) => async () => await ctx.redis.ltDoctorWebhookIndex(...REPAIR_WEBHOOK_INDEX.argv({ whFailed: failed, whFailedIndex: idx }, { code, score })) as 'repaired' | 'changed'
  for await (const pairs of pairBatches(ctx.redis, 'hash', failed, ctx.batch)) {
    const scores = await ctx.values(pairs.map(([code]) => ['zscore', idx, code]))
    for (let i = 0; i < pairs.length; i++) {
      const [code, why] = pairs[i] as [string, string]
      if (scores[i] !== null) continue
      await ctx.found({ agency, code, structure: 'whfailedx', problem: 'missing-entry', why: said('notOnFailedList'), repairable: true }, fixIndex(code, failedAt(why) ?? ctx.now))
    }
  }
  for await (const pairs of pairBatches(ctx.redis, 'zset', idx, ctx.batch)) {
    const kept = await ctx.values(pairs.map(([code]) => ['hexists', failed, code]))
    for (let i = 0; i < pairs.length; i++) {
      const [code, score] = pairs[i] as [string, string]
      if (kept[i] !== 1) await ctx.found({ agency, code, structure: 'whfailedx', problem: 'stale-entry', why: said('notFailed'), repairable: true }, fixIndex(code, Number(score)))
    }
  }
}
