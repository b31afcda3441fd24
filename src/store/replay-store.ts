/**
 * Bulk replays: a job whose filter is fixed when it is created. Its matches are listed once (a
 * Redis list), then worked through in chunks from a stored position, so a job that restarts (a
 * crashed worker) goes on where it was, and a cancel is seen between chunks.
 */
import type { RedisClient } from '../redis/connection.js'

export interface ReplayFilter {
  system?: string
  agency?: string
  province?: string
  reason?: string
  from?: string
  to?: string
}

export type ReplayState = 'queued' | 'running' | 'done' | 'cancelled'

export interface ReplayJob {
  id: string
  state: ReplayState
  filter: ReplayFilter
  /** The creator's scope, fixed with the filter. */
  scope: { agencies: string[], systems?: string[] }
  createdBy: string
  createdAt: string
  matched: number
  done: number
  skipped: number
  position: number
  cancelled: boolean
  finishedAt?: string
}

export class ReplayStore {
  constructor (private readonly redis: RedisClient, private readonly prefix: string) {}

  private key (id: string): string { return `${this.prefix}:replay:${id}` }
  private items (id: string): string { return `${this.prefix}:replay:${id}:items` }

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
      cancelled: h.cancel === '1'
    }
    if (h.finishedAt !== undefined) j.finishedAt = h.finishedAt
    return j
  }

  /** The matches, listed once: a restart while listing lists again from scratch. */
  async setMatches (id: string, items: string[]): Promise<void> {
    await this.redis.del(this.items(id))
    for (let i = 0; i < items.length; i += 1000) await this.redis.rpush(this.items(id), ...items.slice(i, i + 1000))
    await this.redis.hset(this.key(id), 'matched', items.length, 'state', 'running')
  }

  async chunk (id: string, position: number, n: number): Promise<string[]> {
    return await this.redis.lrange(this.items(id), position, position + n - 1)
  }

  async progress (id: string, done: number, skipped: number, position: number): Promise<void> {
    await this.redis.pipeline().hincrby(this.key(id), 'done', done).hincrby(this.key(id), 'skipped', skipped).hset(this.key(id), 'position', position).exec()
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
    await this.redis.del(this.items(id))
  }
}
