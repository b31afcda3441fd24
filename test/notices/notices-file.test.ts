/**
 * The notices file: the sample loads with the contract's defaults, the simulator's copy of it is
 * the same, and every fault is refused with the file and the entry named.
 */
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadNotices, parseNotices } from '../../src/adapters/notices/notices-file.js'
import { loadConfig } from '../../src/config.js'
import { SAMPLE_NOTICES_FILE } from '../../simulator/notice-samples.js'

const SAMPLE = 'config/notices.sample.json'
const sample = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { agencies: Array<Record<string, unknown>> }
const agency = sample.agencies[0] as Record<string, unknown>

function refusal (doc: unknown): string {
  try {
    parseNotices(doc)
  } catch (err) {
    return (err as Error).message
  }
  return 'accepted'
}

t.test('the sample loads; the simulator\'s copy is the same', async t => {
  const c = loadNotices(SAMPLE)
  const a = c.agencies.get('000.00.31.H42')
  t.ok(a)
  t.same(a?.channels, ['zns', 'sms', 'email'])
  t.equal(a?.zns?.templates.received?.id, '310001')
  t.equal(c.apologyGraceHours, 24)
  t.same(JSON.parse(JSON.stringify(SAMPLE_NOTICES_FILE)), sample)
})

t.test('defaults: every kind, ZNS then SMS then e-mail, 21:00–07:00, 24 h grace, 30 days', async t => {
  const { kinds: _k, channels: _c, quietHours: _q, ...rest } = agency
  const c = parseNotices({ agencies: [rest] })
  const a = c.agencies.get('000.00.31.H42')
  t.same(a?.kinds, ['received', 'supplement-requested', 'result-ready', 'apology', 'returned', 'refused'])
  t.same(a?.channels, ['zns', 'sms', 'email'])
  t.same(a?.quietHours, { start: '21:00', end: '07:00' })
  t.equal(c.apologyGraceHours, 24)
  t.equal(c.letterLinkDays, 30)
})

t.test('refusals name the entry', async t => {
  const zns = agency.zns as { templates: Record<string, Record<string, unknown>> }
  const sms = agency.sms as { templates: Record<string, string> }
  t.match(refusal({ agencies: [{ ...agency, agency: 'kyloi' }] }), /^NOTICES_FILE: agency 0 agency /)
  t.match(refusal({ agencies: [agency, agency] }), /agency 1 \(000\.00\.31\.H42\) is given twice/)
  t.match(refusal({ agencies: [{ ...agency, channels: ['fax'] }] }), /agency 0 \(000\.00\.31\.H42\) channels/)
  t.match(refusal({ agencies: [{ ...agency, quietHours: { start: '25:00', end: '07:00' } }] }), /agency 0 \(000\.00\.31\.H42\) quietHours\.start/)
  t.match(refusal({ agencies: [{ ...agency, email: undefined }] }), /sends by email but has no "email"/)
  const { received: _r, ...withoutReceived } = zns.templates
  t.match(refusal({ agencies: [{ ...agency, zns: { templates: withoutReceived } }] }), /zns\.templates has no template for received/)
  t.match(refusal({ agencies: [{ ...agency, zns: { templates: { ...zns.templates, received: { ...zns.templates.received, params: [{ name: 'ma_ho_so', type: 'TEXT', maxLength: 30 }] } } } }] }),
    /agency 0 \(000\.00\.31\.H42\) zns\.templates\.received\.params\.0\.type/)
  t.match(refusal({ agencies: [{ ...agency, zns: { templates: { ...zns.templates, received: { ...zns.templates.received, text: 'Hồ sơ <ma_ho_so>' } } } }] }),
    /zns\.templates\.received: the text's <parameters> \(ma_ho_so\) are not the declared ones/)
  t.match(refusal({ agencies: [{ ...agency, sms: { brandname: 'UBND-KYLOI', templates: { ...sms.templates, received: 'UBND xã Kỳ Lợi: {ma_ho_so}' } } }] }),
    /sms\.templates\.received: has characters outside GSM-7 or diacritics/)
  t.match(refusal({ agencies: [{ ...agency, centre: { name: 'UBND xã Kỳ Lợi' } }] }), /agency 0 \(000\.00\.31\.H42\) centre lacks/)
  t.match(refusal({ agencies: [{ ...agency, colour: 'red' }] }), /agency 0 \(000\.00\.31\.H42\).* has a field that is not known/)
  const dir = mkdtempSync(join(tmpdir(), 'lt-notices-'))
  writeFileSync(join(dir, 'bad.json'), '{"agencies": [ {"agency": "0912345678"')
  t.throws(() => loadNotices(join(dir, 'bad.json')), /NOTICES_FILE .*bad\.json cannot be read: not valid JSON$/)
})

t.test('provider settings from the environment, all optional', async t => {
  const c = loadConfig({})
  t.equal(c.ZNS_URL, undefined)
  t.equal(c.SMTP_PORT, 587)
  t.equal(c.SMTP_REQUIRE_TLS, true)
  const d = loadConfig({ ZNS_URL: 'https://zns.example/v3', SMS_SANDBOX: 'true', SMTP_HOST: 'mail.example', NOTICES_SECRET: 'x'.repeat(32) })
  t.equal(d.ZNS_URL, 'https://zns.example/v3')
  t.equal(d.SMS_SANDBOX, true)
  t.throws(() => loadConfig({ NOTICES_SECRET: 'short' }), /NOTICES_SECRET/)
})
