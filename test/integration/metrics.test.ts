/**
 * /metrics after real traffic: the listed series exist with real values, and no label carries a
 * dossier code or anything personal.
 */
import t from 'tap'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import { waitFor } from '../../support/wait.js'
import { useStack } from '../helpers/fixture.js'

const key = newKey()
const secret = newWebhookSecret()
const { sim, stub, gw } = useStack(t, {
  stub: { secret },
  env: { PORTAL_CALLBACK_SECRET: 'lienthong-callback-dev' },
  extraClients: ({ stub }) => [{ id: 'hotich-metrics', key, system: 'civil-status', agencies: ['000.00.31.H42'], webhook: { url: stub.url, secret } }]
})

/** The value of one series (labels in any order), or undefined. */
function value (text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line)
    if (m === null || m[1] !== name) continue
    const have = Object.fromEntries((m[2] ?? '').split(',').filter(Boolean).map(kv => { const [k, v] = kv.split('='); return [k, v?.replace(/"/g, '')] }))
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3])
  }
  return undefined
}

t.test('the listed series show real values after traffic', async t => {
  const ok = await post(gw.url, key, 'civil-status', civilStatus('M-1'))
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, ok.json.maHoSo)).json.sync.state === 'delivered')
  await post(gw.url, key, 'civil-status', { ...civilStatus('M-2'), nguoiYeuCau: {} })
  sim.setFaults({ script: [{ kind: 'error', code: '-1', message: 'MaXa không hợp lệ' }] })
  const bad = await post(gw.url, key, 'civil-status', civilStatus('M-3'))
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, bad.json.maHoSo)).json.sync.state === 'failed')
  await sim.sendCallback({ url: `${gw.url}/v1/portal/callbacks`, event: { LoaiSuKien: 'DanhGia', MaHoSo: ok.json.maHoSo, DuLieu: { DiemDanhGia: 5 } } })
  await stub.waitFor(rs => rs.some(r => r.type === 'dossier.rated'))

  const text = await (await fetch(`${gw.url}/metrics`)).text()
  t.ok((value(text, 'lienthong_intake_total', { system: 'civil-status', outcome: 'new' }) ?? 0) >= 2, 'intake by system and outcome')
  t.ok((value(text, 'lienthong_intake_refused_total', { system: 'civil-status', status: '422' }) ?? 0) >= 1, 'refusals by system and status')
  t.ok((value(text, 'lienthong_delivery_latency_seconds_count') ?? 0) >= 1, 'delivery latency histogram')
  t.ok((value(text, 'lienthong_delivery_failed_total', { reason: 'PORTAL_REJECTED' }) ?? 0) >= 1, 'failed by reason')
  t.ok((value(text, 'lienthong_portal_replies_total', { operation: 'create', code: '0' }) ?? 0) >= 1, 'portal replies by code')
  t.ok((value(text, 'lienthong_portal_replies_total', { operation: 'create', code: '-1' }) ?? 0) >= 1)
  t.equal(value(text, 'lienthong_portal_breaker_state'), 0, 'breaker closed')
  t.equal(value(text, 'lienthong_outbox_depth'), 0, 'outboxes drained')
  t.ok(value(text, 'lienthong_outbox_oldest_age_seconds') !== undefined)
  t.ok(value(text, 'lienthong_queue_jobs', { queue: 'delivery', state: 'waiting' }) !== undefined, 'queue depths')
  t.ok((value(text, 'lienthong_webhook_attempts_total', { type: 'dossier.rated', client: 'hotich-metrics', outcome: 'delivered' }) ?? 0) >= 1, 'webhook outcomes by client')
  t.ok((value(text, 'lienthong_portal_callbacks_total', { type: 'DanhGia', result: 'applied' }) ?? 0) >= 1, 'callbacks by type and verdict')
  t.notOk(text.includes(ok.json.maHoSo as string), 'no dossier code in any label')
  t.notOk(/042090004321|Trần Văn Bình/.test(text), 'nothing personal')
})

t.test('/health/ready shows the workers, here and fleet-wide, and stays ready while the portal is down', async t => {
  sim.setFaults({ outage: { status: 503 } })
  const body = await (await fetch(`${gw.url}/health/ready`)).json() as { status: string, workers: { delivery: { here: boolean, fleet?: number }, webhooks: { here: boolean, fleet?: number } } }
  t.equal(body.status, 'ready')
  t.equal(body.workers.delivery.here, true)
  t.ok((body.workers.delivery.fleet ?? 0) >= 1, 'fleet-wide count')
  t.ok((body.workers.webhooks.fleet ?? 0) >= 1)
  sim.setFaults({}, { replace: true })
})
