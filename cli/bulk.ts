/**
 * `lienthong admin bulk-replay`: starts the job, then follows it with a progress bar. Ctrl-C
 * cancels the job on the gateway (it stops between chunks) and returns once it has stopped: an
 * operator who interrupts should not leave a job running that they believe stopped.
 */
import { SingleBar, Presets } from 'cli-progress'
import { ApiError, type Api } from './api.js'
import { both, say, t } from './lang.js'
import { isWord, parseTyped } from '../src/web/i18n.js'

/** A refusal of the CLI's own options, before anything is sent: named as the option is. */
export class OptionError extends ApiError {}

/**
 * The options as the API's filter. Days (dd/MM/yyyy or yyyy-MM-dd) are whole days in Vietnam
 * time: `--from` from its first instant, `--to` to its last. An ISO instant passes as it is.
 */
export function replayFilter (o: { system?: string, agency?: string, province?: string, reason?: string, from?: string, to?: string }): Record<string, string> {
  const f: Record<string, string> = {}
  for (const k of ['system', 'agency', 'province', 'reason'] as const) if (o[k] !== undefined) f[k] = o[k]
  for (const k of ['from', 'to'] as const) {
    const v = o[k]
    if (v === undefined) continue
    const d = parseTyped(v)
    if (d === undefined || (d.length > 10 && Number.isNaN(Date.parse(d)))) {
      throw new OptionError(400, 'INVALID_OPTION', `--${k}`, both('cli_badDayOption', { option: `--${k}`, value: v }))
    }
    f[k] = d.length > 10 ? d : k === 'from' ? `${d}T00:00:00+07:00` : `${d}T23:59:59.999+07:00`
  }
  return f
}

/** The API names its fields `body.filter.from`; the operator typed `--from`. */
function inOptionTerms (err: unknown): unknown {
  if (!(err instanceof ApiError)) return err
  const rename = (f: string | undefined): string | undefined => f?.replace(/^(?:body\.)?filter\.(\w+)$/, '--$1')
  return new ApiError(err.status, err.code, rename(err.field), err.messages, err.issues.map(i => ({ ...i, field: rename(i.field) ?? i.field })))
}

interface Job { id: string, state: string, matched: number, done: number, skipped: number, cancelRequested: boolean, finishedAt?: string }

const POLL_MS = 500

/** A job's state in words (job_queued, job_running…). */
function stateWord (state: string): string {
  const w = `job_${state}`
  return isWord(w) ? t(w) : state
}
const FINAL = new Set(['done', 'cancelled'])

/** Resolves to the exit code: 0 once done, 130 once cancelled by Ctrl-C, 1 if cancelled elsewhere. */
export async function bulkReplay (a: Api, filter: Record<string, string>, wait: boolean): Promise<number> {
  const job = await a.post<Job>('/v1/admin/replays', { filter }).catch((err: unknown) => { throw inOptionTerms(err) })
  // The job counts what it matches once a worker takes it: the count comes with the progress.
  process.stderr.write(`${say('cli_bulkStarted', { id: job.id })}\n`)
  if (!wait) {
    process.stdout.write(`${JSON.stringify(job)}\n`)
    return 0
  }
  const bar = new SingleBar({ stream: process.stderr, format: t('cli_progress'), hideCursor: true }, Presets.shades_classic)
  bar.start(Math.max(job.matched, 1), 0, { done: 0, skipped: 0, state: stateWord(job.state) })
  let interrupted = false
  let cancel: Promise<unknown> | undefined
  const onInt = (): void => {
    if (interrupted) return
    interrupted = true
    process.stderr.write(`\n${say('cli_cancelling', { id: job.id })}\n`)
    // Settled at once so a refusal is reported by the loop, not as an unhandled rejection; a job
    // that ended meanwhile is simply followed to its end.
    cancel = a.post(`/v1/admin/replays/${encodeURIComponent(job.id)}/cancel`).then(() => undefined, (err: unknown) => err instanceof ApiError && err.code === 'REPLAY_OVER' ? undefined : err)
  }
  process.on('SIGINT', onInt)
  try {
    let j = job
    for (;;) {
      bar.setTotal(Math.max(j.matched, 1))
      bar.update(j.done + j.skipped, { done: j.done, skipped: j.skipped, state: stateWord(j.state) })
      if (FINAL.has(j.state)) break
      await new Promise(resolve => setTimeout(resolve, POLL_MS))
      if (cancel !== undefined) {
        const failed = await cancel
        if (failed !== undefined) throw failed
      }
      j = await a.get<Job>(`/v1/admin/replays/${encodeURIComponent(job.id)}`)
    }
    bar.stop()
    process.stdout.write(`${say('cli_bulkEnd', { id: j.id, state: stateWord(j.state), done: j.done, skipped: j.skipped, matched: j.matched })}\n`)
    if (j.state === 'done') return 0
    return interrupted ? 130 : 1
  } finally {
    bar.stop()
    process.off('SIGINT', onInt)
  }
}
