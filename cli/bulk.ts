/**
 * `lienthong admin bulk-replay`: starts the job, then follows it with a progress bar. Ctrl-C
 * cancels the job on the gateway (it stops between chunks) and returns once it has stopped: an
 * operator who interrupts should not leave a job running that they believe stopped.
 */
import { SingleBar, Presets } from 'cli-progress'
import { ApiError, type Api } from './api.js'

interface Job { id: string, state: string, matched: number, done: number, skipped: number, cancelRequested: boolean, finishedAt?: string }

const POLL_MS = 500
const FINAL = new Set(['done', 'cancelled'])

/** Resolves to the exit code: 0 once done, 130 once cancelled by Ctrl-C, 1 if cancelled elsewhere. */
export async function bulkReplay (a: Api, filter: Record<string, string | undefined>, wait: boolean): Promise<number> {
  const job = await a.post<Job>('/v1/admin/replays', { filter })
  process.stderr.write(`bulk replay ${job.id}: ${job.matched} failed dossiers matched\n`)
  if (!wait) {
    process.stdout.write(`${JSON.stringify(job)}\n`)
    return 0
  }
  const bar = new SingleBar({ stream: process.stderr, format: 'replaying [{bar}] {value}/{total} ({done} done, {skipped} skipped) {state}', hideCursor: true }, Presets.shades_classic)
  bar.start(Math.max(job.matched, 1), 0, { done: 0, skipped: 0, state: job.state })
  let interrupted = false
  let cancel: Promise<unknown> | undefined
  const onInt = (): void => {
    if (interrupted) return
    interrupted = true
    process.stderr.write(`\ncancelling ${job.id}…\n`)
    // Settled at once so a refusal is reported by the loop, not as an unhandled rejection; a job
    // that ended meanwhile is simply followed to its end.
    cancel = a.post(`/v1/admin/replays/${encodeURIComponent(job.id)}/cancel`).then(() => undefined, (err: unknown) => err instanceof ApiError && err.code === 'REPLAY_OVER' ? undefined : err)
  }
  process.on('SIGINT', onInt)
  try {
    let j = job
    for (;;) {
      bar.setTotal(Math.max(j.matched, 1))
      bar.update(j.done + j.skipped, { done: j.done, skipped: j.skipped, state: j.state })
      if (FINAL.has(j.state)) break
      await new Promise(resolve => setTimeout(resolve, POLL_MS))
      if (cancel !== undefined) {
        const failed = await cancel
        if (failed !== undefined) throw failed
      }
      j = await a.get<Job>(`/v1/admin/replays/${encodeURIComponent(job.id)}`)
    }
    bar.stop()
    process.stdout.write(`${j.id} ${j.state}: ${j.done} replayed, ${j.skipped} skipped of ${j.matched}\n`)
    if (j.state === 'done') return 0
    return interrupted ? 130 : 1
  } finally {
    bar.stop()
    process.off('SIGINT', onInt)
  }
}
