/**
 * A Sentinel-managed Redis for tests: a primary, one replica and three `redis-sentinel`
 * processes, each on a free port in its own temporary directory. Sentinels decide a failover
 * within about `downAfterMs` plus an election.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { RedisServer, freePort } from './redis-server.js'
import { waitFor } from './wait.js'

export const SENTINEL_NAME = 'lt-primary'

interface Sentinel { port: number, dir: string, proc: ChildProcess }

export class SentinelSet {
  private lagging: RedisServer | undefined

  private constructor (readonly servers: RedisServer[], private readonly sentinels: Sentinel[]) {}

  static async start (opts: { downAfterMs?: number, appendfsync?: 'always' | 'everysec' } = {}): Promise<SentinelSet> {
    const fsync = opts.appendfsync === undefined ? {} : { appendfsync: opts.appendfsync }
    const primary = await RedisServer.start(fsync)
    const replica = await RedisServer.start({ ...fsync, args: () => ['--replicaof', '127.0.0.1', String(primary.port)] })
    const set = new SentinelSet([primary, replica], [])
    await waitFor(async () => /master_link_status:up/.test(await info(replica.port, 'replication')), { what: 'the replica to sync' })
    for (let i = 0; i < 3; i++) {
      const port = await freePort()
      const dir = mkdtempSync(join(tmpdir(), 'lt-sentinel-'))
      const conf = join(dir, 'sentinel.conf')
      writeFileSync(conf, [
        `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'protected-mode no',
        `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${primary.port} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_NAME} ${opts.downAfterMs ?? 1000}`,
        `sentinel failover-timeout ${SENTINEL_NAME} 10000`,
        `sentinel parallel-syncs ${SENTINEL_NAME} 1`, ''
      ].join('\n'))
      set.sentinels.push({ port, dir, proc: spawn('redis-sentinel', [conf], { stdio: 'ignore' }) })
    }
    // Every sentinel knows the replica and the other sentinels: a failover can be decided.
    await waitFor(async () => {
      for (const s of set.sentinels) {
        const m = await sentinelCall(s.port, 'SENTINEL', 'MASTER', SENTINEL_NAME).catch(() => undefined) as string[] | undefined
        if (m === undefined) return false
        const f = fields(m)
        if (f['num-slaves'] !== '1' || f['num-other-sentinels'] !== '2') return false
      }
      return true
    }, { timeoutMs: 30_000, intervalMs: 100, what: 'the sentinels to see the replica and each other' })
    return set
  }

  get env (): Record<string, string> {
    return { REDIS_SENTINELS: this.sentinels.map(s => `127.0.0.1:${s.port}`).join(','), REDIS_SENTINEL_NAME: SENTINEL_NAME }
  }

  /** The port of the server the sentinels call primary. */
  async primaryPort (sentinelPort = this.sentinels[0]?.port ?? 0): Promise<number> {
    const addr = await sentinelCall(sentinelPort, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_NAME) as string[]
    return Number(addr[1])
  }

  server (port: number): RedisServer {
    const s = this.servers.find(x => x.port === port)
    if (s === undefined) throw new Error(`no server on ${port}`)
    return s
  }

  /**
   * The replica falls behind: SIGSTOPped, it reads nothing more from its primary (a stalled
   * machine; a cut link is not possible without root, and a proxy in between is undone by the
   * sentinels, which point a replica back at its real primary). What the kernel's socket buffers
   * already took reaches it when it resumes; the rest dies with the primary.
   */
  lagReplica (): void {
    this.lagging = this.servers[1]
    this.lagging?.pause()
  }

  /**
   * After lagReplica: writes filler to the primary until the replica's link holds at least
   * `backlogBytes` in the primary's own output buffer, past what the kernel's socket buffers
   * took (they grow up to tcp_rmem's maximum, 32 MiB here): what the primary takes from then on
   * dies with it. Returns the bytes written (at most 256 MiB).
   */
  async fillLink (backlogBytes = 8 << 20): Promise<number> {
    return await withClient(await this.primaryPort(), async c => {
      const filler = 'x'.repeat(1 << 20)
      let written = 0
      for (let i = 0; written < 256 << 20; i++) {
        const list = await c.call('CLIENT', 'LIST', 'TYPE', 'replica') as string
        const omem = Math.max(0, ...[...list.matchAll(/omem=(\d+)/g)].map(m => Number(m[1])))
        if (omem >= backlogBytes) return written
        await c.set(`filler:${i}`, filler)
        written += filler.length
      }
      throw new Error(`the replica's link took ${written} bytes without a backlog in the primary`)
    })
  }

  /**
   * SIGKILLs the current primary (and lets a lagging replica go on); resolves once every
   * sentinel names the promoted replica. Returns the new primary's port.
   */
  async killPrimary (): Promise<{ killedAt: number, promotedAt: number, port: number }> {
    const old = await this.primaryPort()
    const killedAt = Date.now()
    await this.server(old).kill()
    this.lagging?.resume()
    this.lagging = undefined
    let port = old
    await waitFor(async () => {
      const said = await Promise.all(this.sentinels.map(async s => await this.primaryPort(s.port).catch(() => old)))
      port = said[0] ?? old
      return said.every(p => p === port) && port !== old && /role:master/.test(await info(port, 'replication').catch(() => ''))
    }, { timeoutMs: 30_000, intervalMs: 50, what: 'every sentinel to name the promoted replica' })
    return { killedAt, promotedAt: Date.now(), port }
  }

  /**
   * Starts a killed server again on its port and data (a machine back after a crash); the
   * sentinels turn it into a replica of the current primary. Resolves once it replicates.
   */
  async restart (port: number): Promise<void> {
    await this.server(port).start()
    await waitFor(async () => {
      const primary = await this.primaryPort()
      const rep = await info(primary, 'replication').catch(() => '')
      return new RegExp(`slave\\d+:ip=127\\.0\\.0\\.1,port=${port},state=online`).test(rep)
    }, { timeoutMs: 30_000, intervalMs: 100, what: `the restarted server ${port} to replicate the new primary` })
  }

  async close (): Promise<void> {
    for (const s of this.sentinels) {
      if (s.proc.exitCode === null && s.proc.signalCode === null) {
        const exited = new Promise<void>(resolve => s.proc.once('exit', () => { resolve() }))
        s.proc.kill('SIGKILL')
        await exited
      }
      rmSync(s.dir, { recursive: true, force: true })
    }
    this.lagging?.resume()
    for (const s of this.servers) await s.close()
  }
}

async function withClient<T> (port: number, fn: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  c.on('error', () => {})
  try {
    await c.connect()
    return await fn(c)
  } finally {
    c.disconnect()
  }
}

async function sentinelCall (port: number, ...args: string[]): Promise<unknown> {
  return await withClient(port, async c => await c.call(args[0] as string, ...args.slice(1)))
}

export async function info (port: number, section: string): Promise<string> {
  return await withClient(port, async c => await c.info(section))
}

function fields (flat: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string
  return out
}
