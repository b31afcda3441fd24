import t from 'tap'
import { backoffDelay } from '../../src/queue/flush-agency.js'
import { TransientFailure } from '../../src/queue/portal-sync.js'

t.test('exponential with jitter, capped', async t => {
  const lo = (): number => 0
  const hi = (): number => 1
  t.equal(backoffDelay(1, undefined, 1000, 300_000, lo), 500)
  t.equal(backoffDelay(1, undefined, 1000, 300_000, hi), 1000)
  t.equal(backoffDelay(4, undefined, 1000, 300_000, hi), 8000)
  t.equal(backoffDelay(4, undefined, 1000, 300_000, lo), 4000)
  t.equal(backoffDelay(40, undefined, 1000, 300_000, hi), 300_000, 'capped')
  t.equal(backoffDelay(40, undefined, 1000, 300_000, lo), 150_000, 'jitter still spreads capped retries')
})

t.test('Retry-After is a floor', async t => {
  const err = new TransientFailure('429', 7000, 429)
  t.equal(backoffDelay(1, err, 1000, 300_000, () => 1), 7000)
  t.equal(backoffDelay(10, err, 1000, 300_000, () => 1), 300_000, 'a longer own backoff wins')
})

t.test('default settings retry through at least 24 hours of outage', async t => {
  // The worker retries until every dossier's retry window (25 h by default) is over; check the
  // backoff never grows beyond the cap, so the portal is probed at least every 5 minutes.
  let total = 0
  let attempts = 0
  while (total < 25 * 3_600_000) total += backoffDelay(++attempts, undefined, 1000, 300_000, () => 1)
  t.ok(attempts > 280, `${attempts} attempts in 25 h`)
})
