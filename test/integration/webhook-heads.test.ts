/**
 * Delivery tells the webhooks that a head moved through the `WebhookHeads` it is built with
 * (issue 18, item 5), not a callback assigned at run time. With the delivery sweep an hour away,
 * the `dossier.delivered` event reaches the sector only if that dependency queued its job: the
 * other tests sweep every 2 s, which would hide a lost head.
 */
import t from 'tap'
import { civilStatus, post } from '../../support/samples.js'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import { useStack } from '../helpers/fixture.js'

const key = newKey()
const secret = newWebhookSecret()
const { stub, gw } = useStack(t, {
  stub: { secret },
  env: { DELIVERY_SWEEP_INTERVAL_MS: '3600000' },
  extraClients: ({ stub }) => [{ id: 'hotich-heads', key, system: 'civil-status', agencies: ['000.00.31.H42'], webhook: { url: stub.url, secret } }]
})

t.test('an acknowledged delivery queues its webhook event without waiting for a sweep', async t => {
  const codes: string[] = []
  for (let i = 0; i < 3; i++) {
    const res = await post(gw.url, key, 'civil-status', civilStatus(`HEADS-${i}`))
    t.equal(res.status, 202)
    codes.push(res.json.maHoSo as string)
  }
  await stub.waitFor(rs => codes.every(c => rs.some(x => x.type === 'dossier.delivered' && (x.data as { maHoSo: string }).maHoSo === c)), 30_000)
  t.pass('each dossier.delivered arrived')
})
