/**
 * `lienthong doctor`: checks every structure derived from the dossier records against them,
 * talking to Redis directly with the gateway's own configuration (REDIS_*, KEY_PREFIX, from the
 * environment, validated by the server's schema: src/config.ts). Exit 0 clean, 1 drift found
 * (also when --repair repaired it: run again to see it clean), 2 usage, configuration or
 * connection error.
 */
import { Command, InvalidArgumentError } from 'commander'
import { loadConfig } from '../src/config.js'
import { createRedis, type RedisClient } from '../src/store/redis/connection.js'
import { runDoctor, type Drift, type DoctorReport } from '../src/services/doctor/index.js'
import { say, t } from './lang.js'
import { doctorText, networkCause, networkWhy, problemText } from './problems.js'

export const EXIT_CLEAN = 0
export const EXIT_DRIFT = 1
export const EXIT_ERROR = 2

function positiveInt (v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError(say('cli_notInRange', { value: v }))
  return n
}

function line (d: Drift): string {
  // Agency, code, structure and problem stay as the store names them: what an operator searches
  // Redis and docs/operations.md for.
  const repair = d.repair === undefined ? (d.repairable ? '' : ` [${t('cli_notRepairable')}]`) : ` [${t(`cli_repair_${d.repair}`)}]`
  return `${d.agency}  ${d.code ?? d.ref ?? '-'}  ${d.structure}  ${d.problem}: ${doctorText(d.why)}${repair}\n`
}

function summary (r: DoctorReport, repair: boolean): string {
  const by = Object.entries(r.byStructure).map(([s, n]) => `${s} ${n}`).join(', ')
  const result = r.found === 0 ? t('cli_noDrift') : say('cli_drifts', { found: r.found, by })
  const lines = [say('cli_doctorChecked', { dossiers: r.dossiers, agencies: r.agencies, ms: r.ms, result })]
  if (repair) lines.push(say('cli_repairedSummary', { repaired: r.repaired, changed: r.changed, unrepairable: r.unrepairable }))
  else if (r.found > 0) lines.push(say('cli_repairable', { repairable: r.found - r.unrepairable, unrepairable: r.unrepairable }))
  for (const s of r.reasons.skipped) lines.push(say('cli_skipped', { what: doctorText(s) }))
  for (const n of r.reasons.notices) lines.push(say('cli_notice', { what: doctorText(n) }))
  return lines.join('\n') + '\n'
}

async function connect (): Promise<{ redis: RedisClient, prefix: string, unmatchedCap: number }> {
  const config = loadConfig(process.env)
  const redis = createRedis(config, 'producer', { lazyConnect: true })
  let why: Error | undefined
  redis.on('error', (err: Error) => { why = err })
  try {
    await redis.connect()
  } catch (err) {
    redis.disconnect()
    // ioredis rejects with "Connection is closed."; the reason is the last error it emitted.
    throw new Error(say('cli_cannotReachRedis', { why: networkWhy(why ?? err) }))
  }
  return { redis, prefix: config.KEY_PREFIX, unmatchedCap: config.UNMATCHED_MAX_PER_AGENCY }
}

export function doctorCommand (): Command {
  return new Command('doctor')
    .description(t('cli_doctor'))
    .option('--repair', t('cli_optRepair'))
    .option('--json', t('cli_optDoctorJson'))
    .option('--batch <n>', t('cli_optBatch'), positiveInt, 500)
    .option('--max-listed <n>', t('cli_optMaxListed'), positiveInt, 1000)
    // Commander has printed the usage error already; scripts tell it from drift by the code.
    .exitOverride(err => process.exit(err.exitCode === 0 ? EXIT_CLEAN : EXIT_ERROR))
    .action(async (o: { repair?: boolean, json?: boolean, batch: number, maxListed: number }) => {
      let conn: { redis: RedisClient, prefix: string, unmatchedCap: number }
      try {
        conn = await connect()
      } catch (err) {
        process.stderr.write(`doctor: ${problemText(err) ?? (err instanceof Error ? err.message : String(err))}\n`)
        process.exitCode = EXIT_ERROR
        return
      }
      try {
        const report = await runDoctor(conn.redis, {
          prefix: conn.prefix,
          unmatchedCap: conn.unmatchedCap,
          repair: o.repair === true,
          batch: o.batch,
          maxListed: o.maxListed,
          ...(o.json === true ? {} : { onDrift: (d: Drift) => { process.stdout.write(line(d)) } })
        })
        // The report's JSON as the doctor writes it: its English details, without the text codes the words come from.
        if (o.json === true) process.stdout.write(JSON.stringify(report, (k, v: unknown) => k === 'why' || k === 'reasons' ? undefined : v, 2) + '\n')
        else process.stdout.write(summary(report, o.repair === true))
        process.exitCode = report.found === 0 ? EXIT_CLEAN : EXIT_DRIFT
      } catch (err) {
        // Redis lost midway is said in words; a reply of Redis itself (WRONGTYPE…) is printed as Redis wrote it.
        process.stderr.write(`doctor: ${networkCause(err) ?? (err instanceof Error ? err.message : String(err))}\n`)
        process.exitCode = EXIT_ERROR
      } finally {
        conn.redis.disconnect()
      }
    })
}
