/**
 * `lienthong doctor`: a read-only walk over every agency that checks each structure derived from
 * the dossier records against them (docs/architecture.md, "Invariants the doctor checks";
 * docs/operations.md, "Doctor"). With `repair`, what is derivable from the records is rebuilt,
 * one compare-and-set script per dossier or per counter, each with an audit entry.
 *
 * Memory is bounded by the batch size and by per-agency figures (agencies, days with codes,
 * dimension combinations), never by the number of dossiers: keys are walked with SCAN, sets
 * with SSCAN/ZSCAN/HSCAN, lists in slices.
 */
import type { RedisClient } from '../../store/redis/connection.js'
import { DoctorContext } from './context.js'
import { defineDoctorCommands } from './scripts.js'
import { scanKeys, sscanBatches } from './scan.js'
import { classify } from './structures.js'
import { checkDossiers } from './check-dossiers.js'
import { GaugeCounts } from './check-gauges.js'
import { checkOrphans, noticeLegacy } from './check-orphans.js'
import { checkCodes } from './check-codes.js'
import { checkWebhookQueues, checkWebhookSets } from './check-webhooks.js'
import { checkUnmatched } from './check-unmatched.js'
import { checkFlush } from './check-flush.js'
import { checkAgencies } from './check-agencies.js'
import type { DoctorOptions, DoctorReport } from './types.js'

export type { Drift, DoctorOptions, DoctorReport } from './types.js'
export { DOCTOR_TEXTS, type DoctorText, type Said } from './texts.js'

export async function runDoctor (redis: RedisClient, opts: DoctorOptions): Promise<DoctorReport> {
  const started = Date.now()
  defineDoctorCommands(redis)
  const ctx = new DoctorContext(redis, opts)
  const known = new Set<string>()
  for await (const part of sscanBatches(redis, ctx.keys.agencies(), ctx.batch)) for (const a of part) known.add(a)
  const gauges = new GaugeCounts(ctx)
  await gauges.snapshot([...known])

  // One pass over every agency's keys: records are checked as they come, batch by batch.
  const seen = new Set<string>()
  for await (const keys of scanKeys(redis, `${opts.prefix}:{*`, ctx.batch)) {
    const dossiers: Array<{ agency: string, ref: string }> = []
    const queues: Array<{ agency: string, code: string }> = []
    for (const key of keys) {
      const k = classify(opts.prefix, key)
      if (k === undefined) continue
      seen.add(k.agency)
      if (k.kind === 'dossier') dossiers.push(k)
      else if (k.kind === 'webhook-queue') queues.push(k)
    }
    if (dossiers.length > 0) await checkDossiers(ctx, dossiers, gauges)
    if (queues.length > 0) await checkWebhookQueues(ctx, queues)
  }

  await checkAgencies(ctx, seen, known)
  const agencies = [...new Set([...known, ...seen])].sort()
  ctx.report.agencies = agencies.length
  for (const agency of agencies) {
    await checkOrphans(ctx, agency)
    await noticeLegacy(ctx, agency)
    await checkCodes(ctx, agency)
    await checkWebhookSets(ctx, agency)
    await checkUnmatched(ctx, agency)
    await checkFlush(ctx, agency)
    if (known.has(agency)) await gauges.check(agency)
  }
  if (ctx.repair) await ctx.auditSummary()
  ctx.report.ms = Date.now() - started
  return ctx.report
}
