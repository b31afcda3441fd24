/**
 * A TCP proxy between a replica and its primary, to cut the link the way a network does: while
 * `hold()` is on, nothing the primary sends reaches the replica (it queues here, in memory), and
 * `drop()` destroys the connections with whatever was queued, as a dead machine's unsent data is.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'
import { freePort } from './redis-server.js'

export class TcpProxy {
  private held = false
  private readonly pairs: Array<{ client: Socket, upstream: Socket, queued: Buffer[] }> = []

  private constructor (readonly port: number, private readonly server: Server) {}

  static async start (targetPort: number): Promise<TcpProxy> {
    const port = await freePort()
    const server = createServer()
    const proxy = new TcpProxy(port, server)
    server.on('connection', (client) => {
      const upstream = connect(targetPort, '127.0.0.1')
      const pair = { client, upstream, queued: [] as Buffer[] }
      proxy.pairs.push(pair)
      client.on('data', (d) => upstream.write(d))
      upstream.on('data', (d) => { if (proxy.held) pair.queued.push(d); else client.write(d) })
      const end = (): void => { client.destroy(); upstream.destroy() }
      client.on('error', end).on('close', end)
      upstream.on('error', end).on('close', end)
    })
    await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
    return proxy
  }

  /** From now on the primary's stream is held back. */
  hold (): void { this.held = true }

  /** Every connection gone, with what was held back. */
  drop (): void {
    for (const p of this.pairs) { p.queued = []; p.client.destroy(); p.upstream.destroy() }
    this.pairs.length = 0
  }

  async close (): Promise<void> {
    this.drop()
    await new Promise<void>(resolve => this.server.close(() => { resolve() }))
  }
}
