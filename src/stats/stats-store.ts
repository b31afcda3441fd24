/**
 * The statistics' keys and the standalone bump command. The counters share the agency's hash tag
 * with its dossiers (src/store/keys.ts), so the scripts that change a dossier update them too.
 */
import { Keys } from '../store/keys.js'
import type { Result, ChainableCommander } from 'ioredis'
import type { RedisClient } from '../redis/connection.js'
import { STATS_BUMP } from './scripts.js'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltStatsBump: (...args: Array<string | number>) => Result<number, Context>
  }
}

/** `<KEY_PREFIX>:{<agency>}:stats`: what STATS_APPLY takes as `statsPrefix`. */
/** The agency's statistics prefix, as the store's key design names it (Keys.statsPrefix). */
export function statsPrefix (keyPrefix: string, agency: string): string {
  return new Keys(keyPrefix).statsPrefix(agency)
}

export const statsKeys = {
  day: (sp: string, day: string): string => `${sp}:d:${day}`,
  dayTotals: (sp: string, day: string): string => `${sp}:dt:${day}`,
  month: (sp: string, month: string): string => `${sp}:m:${month}`,
  monthTotals: (sp: string, month: string): string => `${sp}:mt:${month}`,
  open: (sp: string): string => `${sp}:open`,
  dims: (sp: string): string => `${sp}:dims`
}

export function defineStatsCommands (redis: RedisClient): void {
  if (typeof redis.ltStatsBump === 'function') return
  redis.defineCommand('ltStatsBump', { numberOfKeys: 1, lua: STATS_BUMP })
}

export class StatsStore {
  constructor (private readonly redis: RedisClient, readonly keyPrefix: string) {
    defineStatsCommands(redis)
  }

  /** Applies encoded bumps (encodeBumps) under one agency and dims, as the write paths' scripts do. */
  async bump (agency: string, dims: string, encoded: string): Promise<void> {
    const sp = statsPrefix(this.keyPrefix, agency)
    await this.redis.ltStatsBump(statsKeys.dims(sp), sp, dims, encoded)
  }

  /** The same, queued on a pipeline (bulk loads). */
  bumpIn (pipeline: ChainableCommander, agency: string, dims: string, encoded: string): void {
    const sp = statsPrefix(this.keyPrefix, agency)
    pipeline.ltStatsBump(statsKeys.dims(sp), sp, dims, encoded)
  }
}
