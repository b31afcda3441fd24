/**
 * Admin identities: viewers read, operators act, each within its agencies and systems; every
 * action, and every read of payloads, is in the audit log.
 */
import t from 'tap'
import { RedisServer } from '../../support/redis-server.js'
import { startGateway, type InProcessGateway } from '../helpers/gateway.js'
import { civilStatus, post, sample } from '../../support/samples.js'
import { newKey } from '../../support/clients-file.js'

let redis: RedisServer
let gw: InProcessGateway
const keys = { viewer: newKey(), op31: newKey(), opLand: newKey() }
let civil = ''
let land = ''

t.before(async () => {
  redis = await RedisServer.start()
  gw = await startGateway({
    redisUrl: redis.url,
    portalUrl: 'http://127.0.0.1:9',
    env: { ROLE: 'api' },
    extraClients: [
      { id: 'viewer', key: keys.viewer, role: 'viewer' },
      { id: 'op-31', key: keys.op31, role: 'operator', agencies: ['000.00.31.H42'] },
      { id: 'op-land', key: keys.opLand, role: 'operator', systems: ['land'] } as never
    ]
  })
  civil = (await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus('ROLE-1'))).json.maHoSo as string
  land = (await post(gw.url, gw.keys.land as string, 'land', sample('land-registration.xml'), 'application/xml')).json.maHoSo as string
})
t.teardown(async () => {
  await gw.close()
  await redis.close()
})

async function call (method: string, path: string, key: string | undefined, body?: object): Promise<{ status: number, json: any }> {
  const headers: Record<string, string> = {}
  if (key !== undefined) headers['x-api-key'] = key
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${gw.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  return { status: res.status, json: await res.json() }
}

const at = (): string => `${new Date(Date.now() + 7 * 3_600_000 - 60_000).toISOString().slice(0, 19)}+07:00`

t.test('no key, a wrong key, a sector key: refused on every admin route, with no effect', async t => {
  const routes: Array<[string, string, object?]> = [
    ['GET', '/v1/admin/dossiers?state=failed'],
    ['GET', '/v1/admin/dossiers/all'],
    ['GET', `/v1/admin/dossiers/search?q=${civil}`],
    ['GET', `/v1/admin/dossiers/${civil}/payloads`],
    ['POST', `/v1/admin/dossiers/${civil}/review`, { communeCode: '18754' }],
    ['POST', `/v1/admin/dossiers/${civil}/route`, { clientId: 'x' }],
    ['GET', '/v1/admin/callbacks/unmatched'],
    ['GET', '/v1/admin/webhooks/failed'],
    ['GET', '/v1/admin/audit']
  ]
  for (const [method, path, body] of routes) {
    t.equal((await call(method, path, undefined, body)).status, 401, `${method} ${path} without a key`)
    t.equal((await call(method, path, newKey(), body)).status, 401, `${method} ${path} with a wrong key`)
    t.equal((await call(method, path, gw.keys['civil-status'], body)).status, 403, `${method} ${path} with a sector key`)
  }
  t.same((await call('GET', '/v1/admin/audit', gw.keys.admin)).json.items, [], 'nothing was done, nothing audited')
})

t.test('a viewer reads, payloads too (audited), but may not act', async t => {
  t.equal((await call('GET', '/v1/admin/dossiers?state=failed', keys.viewer)).status, 200)
  t.equal((await call('GET', '/v1/admin/dossiers/all', keys.viewer)).status, 200)
  t.equal((await call('GET', `/v1/admin/dossiers/search?q=${civil}`, keys.viewer)).json.items[0]?.maHoSo, civil, 'a viewer finds a dossier by its code')
  t.equal((await call('GET', `/v1/admin/dossiers/${civil}/payloads`, keys.viewer)).status, 200)
  for (const [method, path, body] of [
    ['POST', `/v1/admin/dossiers/${civil}/review`, { communeCode: '18754' }],
    ['POST', `/v1/admin/dossiers/${civil}/route`, { clientId: 'x' }],
    ['POST', `/v1/dossiers/${civil}/events`, { type: 'step', at: at(), content: 'x' }]
  ] as Array<[string, string, object]>) {
    const r = await call(method, path, keys.viewer, body)
    t.equal(r.status, 403, `${path}`)
    t.equal(r.json.code, 'FORBIDDEN_ROLE')
  }
  const audit = (await call('GET', '/v1/admin/audit', gw.keys.admin)).json.items as Array<{ actor: string, action: string, target: string }>
  t.ok(audit.some(a => a.actor === 'viewer' && a.action === 'payloads.read' && a.target === civil), 'the read is audited')
})

t.test('operators act within their agencies and systems only', async t => {
  t.equal((await call('GET', `/v1/dossiers/${civil}`, keys.op31)).status, 200)
  t.equal((await call('GET', `/v1/dossiers/${land}`, keys.op31)).status, 404, 'another agency is not there')
  t.equal((await call('GET', `/v1/admin/dossiers/${land}/payloads`, keys.op31)).status, 404)
  t.equal((await call('POST', `/v1/dossiers/${land}/events`, keys.op31, { type: 'step', at: at(), content: 'x' })).status, 404)
  t.equal((await call('GET', '/v1/stats?agency=000.00.12.H42', keys.op31)).status, 403)
  t.equal((await call('GET', `/v1/dossiers/${civil}`, keys.opLand)).status, 404, 'another system is not there')
  t.equal((await call('GET', `/v1/dossiers/${land}`, keys.opLand)).status, 200)
  const ev = await call('POST', `/v1/dossiers/${civil}/events`, keys.op31, { type: 'step', at: at(), content: 'Đã kiểm tra hồ sơ' })
  t.equal(ev.status, 202)
  const audit = (await call('GET', '/v1/admin/audit?limit=1', gw.keys.admin)).json as { items: Array<{ actor: string, action: string }>, next?: string }
  t.equal(audit.items[0]?.actor, 'op-31')
  t.equal(audit.items[0]?.action, 'event.step')
  t.ok(audit.next !== undefined, 'paginated')
  const older = (await call('GET', `/v1/admin/audit?limit=1&before=${audit.next ?? ''}`, gw.keys.admin)).json as { items: Array<{ action: string }> }
  t.equal(older.items[0]?.action, 'payloads.read', 'the next page goes back in time')
})

t.test('POST /v1/validate/:system: the field errors, or what the payload would become; nothing stored', async t => {
  const before = (await call('GET', '/v1/admin/audit', gw.keys.admin)).json.items.length as number
  const good = await fetch(`${gw.url}/v1/validate/land`, { method: 'POST', headers: { 'content-type': 'application/xml', 'x-api-key': gw.keys.land as string }, body: sample('land-registration.xml').replace('VPDK-HT-2025-004512', 'VALIDATE-ONLY') })
  t.equal(good.status, 200)
  const body = await good.json() as { canonical: { agency: { code: string } }, hoSo: { MaHoSo: string, MaTTHC: string } }
  t.match(body.hoSo.MaHoSo, /-00000$/)
  t.equal(body.canonical.agency.code, '000.00.12.H42')
  const bad = await fetch(`${gw.url}/v1/validate/civil-status`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': gw.keys['civil-status'] as string }, body: JSON.stringify(civilStatus('V-1')).replace('042090004321', '04209000432') })
  t.equal(bad.status, 422)
  t.ok(((await bad.json()) as { errors: Array<{ field: string }> }).errors.some(e => e.field.startsWith('nguoiYeuCau')))
  t.equal((await fetch(`${gw.url}/v1/validate/land`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<x/>' })).status, 401)
  const { Redis } = await import('ioredis')
  const c = new Redis(redis.url)
  t.equal((await c.keys('*VALIDATE-ONLY*')).length, 0, 'nothing stored')
  c.disconnect()
  t.equal((await call('GET', '/v1/admin/audit', gw.keys.admin)).json.items.length, before)
})

t.test('every operator route refuses viewers, sector keys and strangers, with no effect', async t => {
  const id = '00000000-0000-4000-8000-000000000000'
  const operatorRoutes: Array<[string, object]> = [
    [`/v1/admin/dossiers/${civil}/replay`, {}],
    [`/v1/admin/dossiers/${civil}/discard`, { reason: 'thử quyền' }],
    [`/v1/admin/dossiers/${civil}/edit`, { revision: 1, reason: 'thử quyền', dossier: {} }],
    [`/v1/admin/webhooks/${civil}/replay`, {}],
    [`/v1/admin/webhooks/${civil}/discard`, { reason: 'thử quyền' }],
    ['/v1/admin/webhooks/recover', { client: 'x', since: new Date().toISOString() }],
    ['/v1/admin/replays', { filter: {} }],
    [`/v1/admin/replays/${id}/cancel`, {}],
    [`/v1/admin/dossiers/${civil}/review`, { communeCode: '18754' }],
    [`/v1/admin/dossiers/${civil}/route`, { clientId: 'x' }]
  ]
  const before = (await call('GET', '/v1/admin/audit?limit=500', gw.keys.admin)).json.items.length as number
  for (const [path, body] of operatorRoutes) {
    t.equal((await call('POST', path, undefined, body)).status, 401, `${path} without a key`)
    t.equal((await call('POST', path, gw.keys['civil-status'], body)).status, 403, `${path} with a sector key`)
    const v = await call('POST', path, keys.viewer, body)
    t.equal(v.status, 403, `${path} as a viewer`)
    t.equal(v.json.code, 'FORBIDDEN_ROLE')
  }
  t.equal((await call('GET', '/v1/admin/audit?limit=500', gw.keys.admin)).json.items.length, before, 'nothing was done')
  for (const path of ['/v1/admin/failed', '/v1/admin/audit', `/v1/admin/replays/${id}`]) {
    const r = await call('GET', path, keys.viewer)
    t.ok(r.status === 200 || r.status === 404, `${path} is readable by a viewer (${r.status})`)
  }
  // An operator limited to an agency: its lists hold that agency only, and its scope's dossiers only.
  const listed = (await call('GET', '/v1/admin/failed?limit=500', keys.op31)).json.items as Array<{ agency: string }>
  t.ok(listed.every(i => i.agency === '000.00.31.H42'), 'the failed list keeps to the scope')
  t.equal((await call('POST', `/v1/admin/dossiers/${land}/discard`, keys.op31, { reason: 'ngoài phạm vi' })).status, 404, 'outside the scope: as absent')
})
