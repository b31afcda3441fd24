import t from 'tap'
import { loadConfig } from '../../src/config.js'

t.test('defaults are sane and cover a day of portal outage', async t => {
  const c = loadConfig({})
  t.equal(c.ROLE, 'all')
  t.ok(c.DELIVERY_RETRY_WINDOW_SECONDS >= 24 * 3600, 'retries cover at least 24 hours')
  t.equal(c.DELIVERY_BATCH_SIZE, 50)
})

t.test('invalid configuration fails fast, naming the variable', async t => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/)
  t.throws(() => loadConfig({ ROLE: 'both' }), /ROLE/)
  t.throws(() => loadConfig({ DELIVERY_BATCH_SIZE: '51' }), /DELIVERY_BATCH_SIZE/)
  t.throws(() => loadConfig({ KEY_PREFIX: '{bad}' }), /KEY_PREFIX/)
})

t.test('PORTAL_PASSWORD has no default in production: start-up refuses, naming it', async t => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /PORTAL_PASSWORD is required when NODE_ENV=production/)
  t.throws(() => loadConfig({ NODE_ENV: 'production', PORTAL_PASSWORD: '' }), /PORTAL_PASSWORD/)
  t.equal(loadConfig({ NODE_ENV: 'production', PORTAL_PASSWORD: 's3cret-from-the-portal' }).PORTAL_PASSWORD, 's3cret-from-the-portal')
  // A dev box, the tests and the demo talk to the bundled simulator.
  t.equal(loadConfig({}).PORTAL_PASSWORD, 'lienthong-dev')
  t.equal(loadConfig({ NODE_ENV: 'test' }).PORTAL_PASSWORD, 'lienthong-dev')
})
