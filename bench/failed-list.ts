/**
 * The failed list's first page (`GET /v1/admin/failed`) and the overview's counts with N failed
 * dossiers of one agency (one sorted index of N), against the same queries with N/100 in the same
 * run: a page should cost its own size, not the list's. One real dossier is taken in through the
 * API; its record and document are copied (DUMP/RESTORE) to N failed dossiers with their codes and
 * index entries, as the FAIL script leaves them (no delivery attempts), so the list reads real
 * records. One API process (ROLE=api), one redis-server.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { makeClients } from '../support/clients-file.js'
import { sample } from '../support/samples.js'
import { waitFor } from '../support/wait.js'
import { spawnServer } from './load.js'

const AGENCY = '000.00.31.H42'

function code (i: number): string {
  return `${AGENCY}-${250101 + Math.floor(i / 90_000)}-${String((i % 90_000) + 1).padStart(5, '0')}`
}

async function seed (redis: Redis, prefix: string, from: number, to: number, record: Buffer, doc: Buffer): Promise<void> {
  const tag = `${prefix}:{${AGENCY}}`
  const t0 = Date.now() - 86_400_000
  for (let i = from; i < to; i += 1000) {
    const p = redis.pipeline()
    for (let k = i; k < Math.min(to, i + 1000); k++) {
      const ref = `civil-status:FL-${k}`
      const at = t0 + Math.floor(k / 3) * 1000 // three at a time share one instant
      p.restore(`${tag}:d:${ref}`, 0, record, 'REPLACE')
      p.restore(`${tag}:doc:${ref}`, 0, doc, 'REPLACE')
      p.hset(`${tag}:d:${ref}`, 'maHoSo', code(k), 'state', 'failed', 'updatedAt', at,
        'failure', JSON.stringify({ code: 'PORTAL_REJECTED', reason: 'bench', at: new Date(at).toISOString() }))
      p.hset(`${tag}:codes`, code(k), ref)
      p.zadd(`${tag}:sx:failed`, at, ref)
    }
    await p.exec()
  }
}

async function timed (url: string, key: string): Promise<{ ms: number, items: number, total: number }> {
  const runs: number[] = []
  let body: { items?: unknown[], total?: number } = {}
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now()
    const res = await fetch(url, { headers: { 'x-api-key': key } })
    body = await res.json() as typeof body
    if (res.status !== 200) throw new Error(JSON.stringify(body))
    if (i > 0) runs.push(performance.now() - t0) // the first warms up
  }
  runs.sort((a, b) => a - b)
  return { ms: runs[Math.floor(runs.length / 2)] as number, items: body.items?.length ?? 0, total: body.total ?? 0 }
}

export async function benchFailedList (redisUrl: string, n: number): Promise<void> {
  console.log(`\n## the failed list's first page with ${n} failed dossiers of one agency (median of 5, after one warm-up)`)
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-failed-'))
  const { file, keys } = makeClients(dir)
  const prefix = 'benchfl'
  const gw = await spawnServer('src/server.ts', {
    REDIS_URL: redisUrl, CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9', KEY_PREFIX: prefix, QUEUE_PREFIX: '{benchfl-queue}'
  })
  const redis = new Redis(redisUrl)
  try {
    const res = await fetch(`${gw.url}/v1/inbound/civil-status`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }, body: sample('civil-status.json') })
    if (res.status !== 202) throw new Error(await res.text())
    const ref = 'civil-status:HT-18754-2025-000077'
    const record = await redis.dumpBuffer(`${prefix}:{${AGENCY}}:d:${ref}`)
    const doc = await redis.dumpBuffer(`${prefix}:{${AGENCY}}:doc:${ref}`)
    if (record === null || doc === null) throw new Error('the sample dossier was not stored')
    // The page must not show the seed itself as pending work: it is taken out of the outbox.
    await redis.zrem(`${prefix}:{${AGENCY}}:outbox`, ref)
    const queries = ['/v1/admin/failed?limit=100', '/v1/admin/failed?limit=100&kind=delivery', '/v1/admin/failed/counts', '/v1/admin/failed?limit=100&kind=delivery&reason=PORTAL_REJECTED']
    const small = Math.max(1, Math.floor(n / 100))
    const rows: Array<[string, number, Awaited<ReturnType<typeof timed>>]> = []
    let seeded = 0
    for (const size of [small, n]) {
      await seed(redis, prefix, seeded, size, record, doc)
      seeded = size
      // Timed once Redis has finished rewriting its AOF after the seeding (a fork and a disk write).
      await waitFor(async () => /aof_rewrite_in_progress:0/.test(await redis.info('persistence')) && /aof_rewrite_scheduled:0/.test(await redis.info('persistence')), { timeoutMs: 600_000, intervalMs: 200, what: 'the AOF rewrite over' })
      for (const q of queries) rows.push([q, size, await timed(`${gw.url}${q}`, keys.admin)])
    }
    for (const [q, size, r] of rows) console.log(`${q} with ${size} failed: ${r.items} items, total ${r.total}, ${r.ms.toFixed(1)} ms`)
    for (const q of queries) {
      const a = rows.find(x => x[0] === q && x[1] === small)?.[2]
      const b = rows.find(x => x[0] === q && x[1] === n)?.[2]
      if (a !== undefined && b !== undefined) console.log(`${q}: ${n} failed against ${small}: ${(b.ms / a.ms).toFixed(2)}x the time`)
    }
  } finally {
    redis.disconnect()
    await gw.stop()
  }
}
