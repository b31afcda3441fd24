/**
 * Bulk replays: a job whose filter is fixed when it is created. It walks the failed indexes
 * newest first, a chunk at a time, from a stored cursor (never holding its matches), so a job
 * that restarts (a crashed worker) goes on where it was, and a cancel is seen between chunks.
 * A job that fails for good (every BullMQ attempt) ends `failed`, with its reason.
 */
import type { RedisClient } from './redis/connection.js'
import type { ReplayFilter, ReplayJob, Replays, ReplayState } from './ports/replays.js'

export type { ReplayFilter, ReplayJob, Replays, ReplayState } from './ports/replays.js'

export class ReplayStore implements Replays {
  constructor (private readonly redis: RedisClient, private readonly prefix: string) {}

  private key (id: string): string { return `${this.prefix}:replay:${id}` }

  async create (j: Pick<ReplayJob, 'id' | 'filter' | 'scope' | 'createdBy' | 'createdAt'>): Promise<void> {
    await this.redis.hset(this.key(j.id), 'state', 'queued', 'filter', JSON.stringify(j.filter), 'scope', JSON.stringify(j.scope),
      'createdBy', j.createdBy, 'createdAt', j.createdAt, 'matched', 0, 'done', 0, 'skipped', 0, 'position', 0)
  }

  async get (id: string): Promise<ReplayJob | undefined> {
    const h = await this.redis.hgetall(this.key(id))
    if (h.state === undefined) return undefined
    const j: ReplayJob = {
      id,
      state: h.state as ReplayState,
      filter: JSON.parse(h.filter ?? '{}') as ReplayFilter,
      scope: JSON.parse(h.scope ?? '{"agencies":[]}') as ReplayJob['scope'],
      createdBy: h.createdBy ?? '',
      createdAt: h.createdAt ?? '',
      matched: Number(h.matched ?? 0),
      done: Number(h.done ?? 0),
      skipped: Number(h.skipped ?? 0),
      position: Number(h.position ?? 0),
      cancelled: h.cancel === '1',
      cursor: h.cursor ?? ''
    }
    if (h.finishedAt !== undefined) j.finishedAt = h.finishedAt
    if (h.reason !== undefined) j.reason = h.reason
    return j
  }

  /** The walk starts: how many failed dossiers the filter matches now. */
  async start (id: string, matched: number): Promise<void> {
    await this.redis.hset(this.key(id), 'matched', matched, 'state', 'running')
  }

  /** A chunk is done: counts, and where the next one starts. */
  async progress (id: string, done: number, skipped: number, looked: number, cursor: string): Promise<void> {
    await this.redis.pipeline().hincrby(this.key(id), 'done', done).hincrby(this.key(id), 'skipped', skipped)
      .hincrby(this.key(id), 'position', looked).hset(this.key(id), 'cursor', cursor).exec()
  }

  /** False when the job is over already. */
  async cancel (id: string): Promise<boolean> {
    const state = await this.redis.hget(this.key(id), 'state')
    if (state !== 'queued' && state !== 'running') return false
    await this.redis.hset(this.key(id), 'cancel', '1')
    return true
  }

  async finish (id: string, state: 'done' | 'cancelled', at: string): Promise<void> {
    await this.redis.hset(this.key(id), 'state', state, 'finishedAt', at)
  }

  /** The job failed for good: it ends `failed` with its reason, unless it was over already. */
  async fail (id: string, reason: string, at: string): Promise<boolean> {
    const state = await this.redis.hget(this.key(id), 'state')
    if (state !== 'queued' && state !== 'running') return false
    await this.redis.hset(this.key(id), 'state', 'failed', 'finishedAt', at, 'reason', reason.slice(0, 500))
    return true
  }
}
