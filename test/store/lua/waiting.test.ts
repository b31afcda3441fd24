/** The waiting lists' scripts on their own: upgrades of data written before, and the index page. */
import t from 'tap'
import { harness, key } from './harness.js'
import { UPGRADE_STATE, UPGRADE_UNMATCHED, UPGRADE_WEBHOOK } from '../../../src/store/waiting-store.js'
import { PAGE } from '../../../src/store/sorted-index.js'

const h = harness(t)

t.test('ltUpgradeState: refs still in the state are indexed, every ref leaves the legacy set', async t => {
  await h.redis.sadd(key('state:failed'), 'civil:1', 'civil:2')
  await h.redis.hset(key('d:civil:1'), 'state', 'failed')
  await h.redis.hset(key('d:civil:2'), 'state', 'delivered')
  t.equal(await h.run(UPGRADE_STATE, { legacy: key('state:failed'), index: key('sx:failed'), dossiers: [key('d:civil:1'), key('d:civil:2')] },
    { state: 'failed', pairs: ['civil:1', 11, 'civil:2', 22] }), 1)
  t.same(await h.redis.zrange(key('sx:failed'), 0, -1, 'WITHSCORES'), ['civil:1', '11'])
  t.equal(await h.redis.scard(key('state:failed')), 0)
})

t.test('ltUpgradeWebhook: failed heads still failed are indexed', async t => {
  await h.redis.hset(key('whfailed'), 'C1', 'F')
  t.equal(await h.run(UPGRADE_WEBHOOK, { whFailed: key('whfailed'), whFailedIndex: key('whfailedx') }, { pairs: ['C1', 5, 'C2', 6] }), 1)
  t.same(await h.redis.zrange(key('whfailedx'), 0, -1, 'WITHSCORES'), ['C1', '5'])
})

t.test('ltUpgradeUnmatched: the list\'s head moves into the index and data', async t => {
  await h.redis.rpush(key('unmatched'), 'x', 'y', 'z')
  t.equal(await h.run(UPGRADE_UNMATCHED, { legacy: key('unmatched'), index: key('unm'), data: key('unmdata') }, { taken: 2, triples: ['e1', 1, 'x', 'e2', 2, 'y'] }), 1)
  t.same(await h.redis.lrange(key('unmatched'), 0, -1), ['z'])
  t.same(await h.redis.hgetall(key('unmdata')), { e1: 'x', e2: 'y' })
  t.same(await h.redis.zrange(key('unm'), 0, -1), ['e1', 'e2'])
})

t.test('ltPage: pages after an exclusive place, ties in byte order, both directions', async t => {
  await h.redis.zadd(key('idx'), 1, 'a', 2, 'b', 2, 'c', 2, 'd', 3, 'e')
  const page = async (dir: string, afterScore: string | number, afterMember: string, count: number, tieMode = 'gt'): Promise<string[]> =>
    await h.run(PAGE, { index: key('idx') }, { dir, min: '-inf', max: '+inf', afterScore, afterMember, tieMode, count })
  t.same(await page('asc', '', '', 2), ['a', '1', 'b', '2'])
  t.same(await page('asc', 2, 'b', 2), ['c', '2', 'd', '2'])
  t.same(await page('desc', '', '', 2), ['e', '3', 'd', '2'])
  t.same(await page('desc', 2, 'c', 5), ['b', '2', 'a', '1'])
  t.same(await page('asc', 2, 'b', 5, 'none'), ['e', '3'], "'none': past the whole score")
  t.same(await page('asc', 2, 'b', 5, 'all'), ['b', '2', 'c', '2', 'd', '2', 'e', '3'], "'all': the whole score again")
})
