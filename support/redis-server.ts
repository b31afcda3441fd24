/**
 * A real redis-server per test file, on a free port, with AOF in a temporary directory, so
 * tests can stop it cleanly, kill it, and start it again on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { waitFor } from './wait.js'

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => { resolve(typeof addr === 'object' && addr !== null ? addr.port : 0) })
    })
  })
}

export class RedisServer {
  private proc: ChildProcess | undefined
  readonly dir: string

  private constructor (readonly port: number, private readonly fsync: 'always' | 'everysec', private readonly args: string[] = []) {
    this.dir = mkdtempSync(join(tmpdir(), 'lt-redis-'))
  }

  get url (): string { return `redis://127.0.0.1:${this.port}` }

  /** `always` for tests (nothing acknowledged may be lost); benchmarks use production's `everysec`. */
  static async start (opts: { appendfsync?: 'always' | 'everysec', args?: (dir: string) => string[] } = {}): Promise<RedisServer> {
    const s = new RedisServer(await freePort(), opts.appendfsync ?? 'always')
    s.args.push(...(opts.args?.(s.dir) ?? []))
    await s.start()
    return s
  }

  async start (): Promise<void> {
    this.proc = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--appendonly', 'yes', '--appendfsync', this.fsync, '--save', '', '--protected-mode', 'no',
      ...this.args
    ], { stdio: 'ignore' })
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    probe.on('error', () => {})
    try {
      await waitFor(async () => {
        try {
          if (probe.status !== 'ready') await probe.connect()
          return await probe.ping() === 'PONG'
        } catch {
          probe.disconnect()
          return false
        }
      }, { timeoutMs: 15_000, what: 'redis-server to accept connections' })
    } finally {
      probe.disconnect()
    }
  }

  /** Clean shutdown: Redis flushes its AOF first. */
  async stop (): Promise<void> {
    const c = new Redis(this.url, { maxRetriesPerRequest: 0 })
    c.on('error', () => {})
    const exited = this.exited()
    await c.shutdown().catch(() => {})
    c.disconnect()
    await exited
  }

  async kill (): Promise<void> {
    const exited = this.exited()
    this.proc?.kill('SIGKILL')
    await exited
  }

  /** SIGSTOP: the process holds its connections but does nothing (a replica that falls behind). */
  pause (): void { this.proc?.kill('SIGSTOP') }
  resume (): void { this.proc?.kill('SIGCONT') }

  async close (): Promise<void> {
    if (this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null) await this.kill()
    rmSync(this.dir, { recursive: true, force: true })
  }

  private async exited (): Promise<void> {
    const p = this.proc
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return
    await new Promise<void>(resolve => p.once('exit', () => { resolve() }))
  }
}
