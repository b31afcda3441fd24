/**
 * ioredis's Sentinel client ends for good ("Connection is closed.") when its failover detector cuts
 * a reconnect short (+switch-master heard while the primary's death is already being handled).
 * Seen in the failover test under load; reproduced here directly: the connector is disconnected
 * while the client reconnects. The gateway's clients connect again; the store and BullMQ go on.
 */
import t from 'tap'
import type { Redis } from 'ioredis'
import { SentinelSet } from '../../support/redis-sentinel.js'
import { createRedis } from '../../src/store/redis/connection.js'
import { waitFor } from '../../support/wait.js'

t.test('a Sentinel client whose reconnect is cut short connects again; one closed by us stays closed', async t => {
  const set = await SentinelSet.start()
  t.teardown(async () => { await set.close() })
  const client = createRedis(set.env, 'store') as Redis
  client.on('error', () => {})
  await waitFor(() => client.status === 'ready', { what: 'ready' })
  const ended = new Promise<void>(resolve => client.once('end', () => { resolve() }))
  client.disconnect(true)
  // The race, made certain: the connector is told to stop while the client is connecting again.
  await waitFor(() => client.status === 'connecting', { intervalMs: 1, what: 'reconnecting' })
  ;(client as unknown as { connector: { disconnect: () => void } }).connector.disconnect()
  await ended
  await waitFor(() => client.status === 'ready', { what: 'connected again after ending' })
  t.equal(await client.ping(), 'PONG')

  await client.quit()
  await new Promise(resolve => setTimeout(resolve, 500))
  t.equal(client.status, 'end', 'quit stays quit')
})
