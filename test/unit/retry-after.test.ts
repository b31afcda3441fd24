import t from 'tap'
import { parseRetryAfter } from '../../src/adapters/retry-after.js'

const CAP = 120_000
const now = Date.parse('1994-11-06T08:49:00Z')

t.test('delta-seconds, within the cap', async t => {
  t.equal(parseRetryAfter('120', CAP, now), 120_000)
  t.equal(parseRetryAfter(' 3 ', CAP, now), 3000)
  t.equal(parseRetryAfter(['7', '9'], CAP, now), 7000, 'the first of repeated headers')
  t.equal(parseRetryAfter('0', CAP, now), 0)
})

t.test('an absurd Retry-After is taken as the cap, never as years', async t => {
  t.equal(parseRetryAfter('86400000', CAP, now), CAP)
  t.equal(parseRetryAfter('99999999999999999999', CAP, now), CAP)
  t.equal(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', CAP, now), CAP)
  t.equal(parseRetryAfter('86400000', 86_400_000, now), 86_400_000, 'each caller gives its own cap')
})

t.test('the three HTTP date forms; a date passed is no wait', async t => {
  t.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', CAP, now), 37_000)
  t.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', CAP, now), 37_000)
  t.equal(parseRetryAfter('Sun Nov  6 08:49:37 1994', CAP, now), 37_000, 'asctime is GMT')
  t.equal(parseRetryAfter('Sun, 06 Nov 1994 08:48:00 GMT', CAP, now), 0)
})

t.test('anything else is no advice', async t => {
  for (const v of [undefined, '', '  ', 'soon', '1.5', '-5', '1e3', '0x10', 'Sun, garbage', 'x'.repeat(100)]) {
    t.equal(parseRetryAfter(v, CAP, now), undefined, JSON.stringify(v))
  }
})
