/** The auth plugin's start-up check: a route that states no auth decision stops the app. */
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import authPlugin, { callerOf } from '../../src/http/plugins/auth.js'
import { Errors } from '../../src/domain/errors.js'
import type { Client } from '../../src/domain/access.js'

const sector: Client = { id: 'land-1', system: 'land', role: 'sector', agencies: ['*.H42'] }

async function appWith (routes: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify()
  // The clients plugin's one decorator the auth plugin uses: any x-api-key is this sector client.
  await app.register(fp(async (a) => {
    a.decorate('authenticate', (req) => { if (req.headers['x-api-key'] === undefined) throw Errors.unauthenticated(); return sector })
  }, { name: 'clients' }))
  await app.register(authPlugin)
  routes(app)
  return app
}

t.test('a route without config.auth is refused at start-up, by name', async t => {
  const app = await appWith(a => {
    a.get('/public', { config: { auth: false } }, async () => ({ ok: true }))
    a.get('/forgot', async () => ({ ok: true }))
  })
  await t.rejects(async () => { await app.ready() }, /routes without an auth decision.*GET \/forgot/)
})

t.test('every route decided: the app starts; roles and the caller come from the config', async t => {
  const app = await appWith(a => {
    a.get('/public', { config: { auth: false } }, async () => ({ ok: true }))
    a.get('/mine', { config: { auth: { roles: ['sector'] } } }, async (req) => ({ id: callerOf(req).id }))
    a.get('/admins', { config: { auth: { roles: ['viewer'] } } }, async () => ({ ok: true }))
    a.post('/post/:system', { config: { auth: { roles: ['sector'], system: 'system' } } }, async () => ({ ok: true }))
  })
  await app.ready()
  t.teardown(async () => { await app.close() })
  t.equal((await app.inject({ url: '/public' })).statusCode, 200)
  t.equal((await app.inject({ url: '/mine' })).statusCode, 401, 'no key')
  t.same((await app.inject({ url: '/mine', headers: { 'x-api-key': 'k' } })).json(), { id: 'land-1' })
  t.equal((await app.inject({ url: '/admins', headers: { 'x-api-key': 'k' } })).statusCode, 403, 'a sector client on an admin route')
  t.equal((await app.inject({ method: 'POST', url: '/post/land', headers: { 'x-api-key': 'k' } })).statusCode, 200, 'its own system')
  const other = await app.inject({ method: 'POST', url: '/post/civil-status', headers: { 'x-api-key': 'k' } })
  t.equal(other.statusCode, 403, 'another system')
  t.match(other.body, /FORBIDDEN_SYSTEM/)
})
