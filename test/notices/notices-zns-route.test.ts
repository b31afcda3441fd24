/**
 * POST /v1/notices/zns/authorise: an admin of every agency stores a ZNS token pair from the
 * simulator's consent step; ZNS sends with it; other callers are refused; the pair is never logged.
 */
import t from 'tap'
import { useStack } from '../helpers/fixture.js'
import { newKey } from '../../support/clients-file.js'
import { DEV_ZNS } from '../../simulator/index.js'

const scopedKey = newKey()
const viewerKey = newKey()

const { sim, gw, addGateway } = useStack(t, {
  env: ({ sim }) => ({
    ZNS_URL: `${sim.url}/zns`,
    ZNS_OAUTH_URL: `${sim.url}/zns-oauth`,
    ZNS_APP_ID: DEV_ZNS.appId,
    ZNS_APP_SECRET: DEV_ZNS.appSecret
  }),
  extraClients: [
    { id: 'operator-one-agency', key: scopedKey, role: 'operator', agencies: ['000.00.31.H42'] },
    { id: 'viewer', key: viewerKey, role: 'viewer' }
  ]
})

async function authorise (url: string, key: string, body: unknown): Promise<{ status: number, json: any }> {
  const res = await fetch(`${url}/v1/notices/zns/authorise`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

t.test('an admin of every agency stores the pair: ZNS sends with it, and a refresh rotates from it', async t => {
  // The simulator's HTTP consent step, as the demo uses it.
  const pair = await (await fetch(`${sim.url}/_sim/zns/authorise`, { method: 'POST' })).json() as { accessToken: string, refreshToken: string, expiresInS: number }
  const r = await authorise(gw.url, gw.keys.admin, pair)
  t.equal(r.status, 200)
  t.same(r.json, { authorised: true, generation: 1 })
  const tokens = gw.app.notices.tokens
  if (tokens === undefined) throw new Error('ZNS is configured: the token store exists')
  const cur = await tokens.current()
  t.ok(cur.ok && cur.token.accessToken === pair.accessToken, 'the stored access token is the one sent')
  const refreshes = sim.zns.refreshes
  const next = await tokens.refreshAfterExpired(1)
  t.ok(next.ok, 'the stored refresh token is the simulator\'s one in force')
  t.equal(sim.zns.refreshes - refreshes, 1)
  const logs = gw.logs()
  t.notOk(logs.includes(pair.accessToken) || logs.includes(pair.refreshToken), 'neither token in the log')
  const audit = await (await fetch(`${gw.url}/v1/admin/audit?limit=5`, { headers: { 'x-api-key': gw.keys.admin } })).json()
  t.ok(JSON.stringify(audit).includes('notice.zns-authorise'), 'audited')
  t.notOk(JSON.stringify(audit).includes(pair.refreshToken), 'the audit names the action, not the pair')
})

t.test('callers scoped to some agencies, viewers and sector keys are refused; a body without the pair is 422', async t => {
  const pair = { accessToken: 'at-x', refreshToken: 'rt-x', expiresInS: 3600 }
  t.match(await authorise(gw.url, scopedKey, pair), { status: 403, json: { code: 'FORBIDDEN' } })
  t.equal((await authorise(gw.url, viewerKey, pair)).status, 403)
  t.equal((await authorise(gw.url, gw.keys['civil-status'] as string, pair)).status, 403)
  t.equal((await authorise(gw.url, gw.keys.admin, { accessToken: 'at-x' })).status, 422)
  t.equal((await authorise(gw.url, 'not-a-key', pair)).status, 401)
})

t.test('without ZNS configured: 409 ZNS_NOT_CONFIGURED', async t => {
  const bare = await addGateway()
  t.match(await authorise(bare.url, bare.keys.admin, { accessToken: 'at-x', refreshToken: 'rt-x', expiresInS: 3600 }), { status: 409, json: { code: 'ZNS_NOT_CONFIGURED' } })
})
