/**
 * Golden scenarios for every sector mapping: `fixtures/<system>/<scenario>.input.(json|xml)`
 * next to `<scenario>.expected.json`. Each input goes through the same parse + map + schema
 * check the app runs (`IntakeService.normalize`, which does no I/O besides parsing), and its
 * result is compared with the expected canonical record, the portal HoSo made from it, the
 * review items, or the refusal (status, code and the fields in the sender's own terms).
 *
 * Expected files are written by hand from the input and sector-formats.md; they are never
 * regenerated from the current output (that would only prove the code agrees with itself).
 */
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { loadMappings } from '../../src/mappings/registry.js'
import { loadAdminUnits } from '../../src/domain/admin-units/index.js'
import { IntakeService, codeDay } from '../../src/services/intake/intake-service.js'
import { defaultXmlLimits, parseXml } from '../../src/adapters/xml.js'
import { unwrapSoap } from '../../src/adapters/soap.js'
import { GatewayError } from '../../src/domain/errors.js'
import { Reader } from '../../src/mappings/reader.js'
import { toPortalHoSo, type PortalHoSo } from '../../src/mappings/to-portal.js'
import type { ReviewItem } from '../../src/mappings/types.js'
import type { CanonicalDossier, CanonicalInput } from '../../src/domain/canonical-dossier.js'
import { findNullOrNonNfc, validateData, validateHoSo } from '../../simulator/validate.js'

interface Expected {
  /** What the scenario shows; not compared. */
  about?: string
  canonical: CanonicalInput | null
  portal: PortalHoSo | null
  review?: ReviewItem[]
  refused?: { status: number, code: string, fields: string[] }
}

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url))
/** Every folder but `samples` is a system's scenarios: a new sector needs no change here. */
const SYSTEMS = readdirSync(FIXTURES, { withFileTypes: true }).filter(d => d.isDirectory() && !['samples', 'portal'].includes(d.name)).map(d => d.name).sort()
const MIN_SCENARIOS = 10
/** The contract samples, which the `sample` scenario of each system must be a copy of. */
const SAMPLES: Record<string, string> = {
  'civil-status': 'civil-status.json',
  land: 'land-registration.xml',
  'social-insurance': 'social-insurance.xml'
}

const registry = await loadMappings()
const adminUnits = loadAdminUnits()
// No store and no queues: normalize() only parses and maps, and must not touch them.
const intake = new IntakeService(registry, undefined as never, undefined as never, { adminUnits }, defaultXmlLimits)

/** The record the store would hold: the maHoSo and provenance are fixed, as the runner's own choice. */
function stored (system: string, d: CanonicalInput): CanonicalDossier {
  const mapping = registry.get(system)
  return {
    schemaVersion: 1,
    maHoSo: `${d.agency.code}-${codeDay(d.receivedAt)}-00001`,
    ...d,
    provenance: {
      system,
      clientId: `client-${system}`,
      sourceId: d.sourceId,
      payloadSha256: '0'.repeat(64),
      mappingVersion: `${system}@${mapping?.version ?? '?'}`,
      contentType: 'application/octet-stream',
      receivedAt: '2025-07-01T00:00:00+07:00'
    }
  }
}

function scenarios (system: string): Array<{ name: string, input: string }> {
  const files = readdirSync(join(FIXTURES, system))
  const inputs = files.filter(f => /\.input\.(json|xml)$/.test(f)).sort()
  const names = inputs.map(f => f.replace(/\.input\.(json|xml)$/, ''))
  for (const f of files) {
    const base = f.replace(/\.(input\.(json|xml)|expected\.json)$/, '')
    if (base === f) throw new Error(`fixtures/${system}/${f}: not a scenario file`)
    if (!names.includes(base)) throw new Error(`fixtures/${system}/${f}: no input for scenario ${base}`)
    if (f.endsWith('.input.json') || f.endsWith('.input.xml')) {
      if (!files.includes(`${base}.expected.json`)) throw new Error(`fixtures/${system}/${f}: no ${base}.expected.json`)
    }
  }
  return inputs.map((f, i) => ({ name: names[i] ?? f, input: f }))
}

t.test('every sector system has golden scenarios, and every fixture folder is a system', async t => {
  // `canonical` included: its input goes through the same converters and checks as the sectors'.
  t.strictSame(SYSTEMS, registry.systems())
  for (const system of SYSTEMS) {
    t.ok(registry.get(system), `${system} is registered`)
    const list = scenarios(system)
    t.ok(list.length >= MIN_SCENARIOS, `${system}: ${list.length} scenarios`)
    t.ok(list.some(s => s.name === 'sample'), `${system} has the sample scenario`)
    const sample = SAMPLES[system]
    if (sample !== undefined) {
      const copy = list.find(s => s.name === 'sample')
      t.equal(readFileSync(join(FIXTURES, system, copy?.input ?? ''), 'utf8'), readFileSync(join(FIXTURES, 'samples', sample), 'utf8'),
        `${system}: the sample scenario is the contract sample unchanged`)
    }
  }
})

for (const system of SYSTEMS) {
  t.test(system, async t => {
    const mapping = registry.get(system)
    if (mapping === undefined) throw new Error(`no mapping for ${system}`)
    for (const s of scenarios(system)) {
      t.test(s.name, async t => {
        const body = readFileSync(join(FIXTURES, system, s.input), 'utf8')
        const expected = JSON.parse(readFileSync(join(FIXTURES, system, `${s.name}.expected.json`), 'utf8')) as Expected
        let out: Awaited<ReturnType<IntakeService['normalize']>> | undefined
        let err: unknown
        try {
          out = await intake.normalize(mapping, body)
        } catch (e) {
          err = e
        }
        if (expected.refused !== undefined) {
          t.equal(out, undefined, 'refused')
          if (!(err instanceof GatewayError)) throw err
          t.equal(err.statusCode, expected.refused.status, 'status')
          t.equal(err.code, expected.refused.code, 'code')
          const issues = err.issues ?? []
          const fields = issues.length > 0 ? issues.map(i => i.field) : err.field === undefined ? [] : [err.field]
          t.strictSame([...fields].sort(), [...expected.refused.fields].sort(), 'fields, in the sender\'s terms')
          for (const i of issues) {
            t.ok(i.message.vi.startsWith(i.field) && i.message.en.startsWith(i.field), `${i.field}: both messages name the field`)
          }
          t.equal(expected.canonical, null)
          t.equal(expected.portal, null)
          return
        }
        if (out === undefined) throw err
        t.strictSame(out.dossier, expected.canonical, 'canonical record')
        t.strictSame(out.review, expected.review ?? [], 'review items')
        const portal = toPortalHoSo(stored(system, out.dossier))
        t.strictSame(portal, expected.portal, 'portal HoSo')
        t.equal(validateData([portal], validateHoSo), undefined, 'the portal simulator accepts the HoSo')
        t.equal(findNullOrNonNfc(portal), undefined, 'no null, all text NFC')
      })
    }
  })
}

// Intake hands the SOAP Header to the mapping as `ctx.soapHeader`; this pins that contract on the
// sample, apart from the parsing path the scenarios above go through.
t.test('social-insurance reads DonViGui from the SOAP header handed in the context', async t => {
  const mapping = registry.get('social-insurance')
  if (mapping === undefined) throw new Error('no social-insurance mapping')
  const { header, payload } = unwrapSoap(await parseXml(readFileSync(join(FIXTURES, 'samples', 'social-insurance.xml'), 'utf8')))
  if (header === undefined) throw new Error('the sample has a header')
  const ctx = { adminUnits, soapHeader: Reader.xml(header) }
  const out = registry.run(mapping, Reader.xml(payload), ctx)
  t.ok(out.ok)
  if (out.ok) t.strictSame(out.dossier.details?.['social-insurance'], { insuranceNumber: '4201234567', reason: 'Thẻ bị hỏng', sender: 'BHXH-42-CAMXUYEN' })
})
