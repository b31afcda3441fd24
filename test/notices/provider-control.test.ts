/** The `/_sim/zns` and `/_sim/sms` control routes over HTTP: faults set, bad values refused (400). */
import t from 'tap'
import { startSimulator } from '../../simulator/index.js'

const sim = await startSimulator()
t.teardown(sim.close)
const put = async (path: string, body: unknown): Promise<{ status: number, json: Record<string, unknown> }> => {
  const r = await fetch(`${sim.url}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: r.status, json: await r.json() as Record<string, unknown> }
}

t.test('ZNS faults and tokens', async t => {
  t.match(await put('/_sim/zns/faults', { remainingQuota: 0, noZalo: ['84912345678'] }), { status: 200, json: { remainingQuota: 0 } })
  t.equal((await put('/_sim/zns/faults', { remainingQuota: -1 })).status, 400)
  t.equal((await put('/_sim/zns/faults', { unknown: true })).status, 400)
  const pair = await (await fetch(`${sim.url}/_sim/zns/authorise`, { method: 'POST' })).json() as { accessToken: string }
  const send = async (): Promise<unknown> => await (await fetch(`${sim.url}/zns/message/template`, {
    method: 'POST', headers: { 'content-type': 'application/json', access_token: pair.accessToken }, body: JSON.stringify({ phone: '84912345678', template_id: '310005', template_data: { ma_ho_so: 'A', ngay_tra: '05/07/2025' }, tracking_id: 't' })
  })).json()
  t.match(await send(), { error: -118 })
  await fetch(`${sim.url}/_sim/zns/expire-tokens`, { method: 'POST' })
  t.match(await send(), { error: -124 })
  t.match(await (await fetch(`${sim.url}/_sim/zns`)).json(), { sent: 0 })
})

t.test('SMS faults', async t => {
  t.match(await put('/_sim/sms/faults', { balance: 0, report: 'failed', script: ['103'] }), { status: 200, json: { balance: 0 } })
  t.equal((await put('/_sim/sms/faults', { report: 'lost' })).status, 400)
  t.equal((await put('/_sim/sms/faults', { script: ['abc'] })).status, 400, 'CodeResults are numbers')
})
