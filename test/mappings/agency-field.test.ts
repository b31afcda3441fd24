/**
 * Each mapping's `agencyField` (where its format carries the agency code; the field a
 * FORBIDDEN_AGENCY refusal names) must be where the mapping really reads `agency.code` from.
 * Checked on every accepted golden scenario: a mapping that moves its read, or a new sector that
 * forgets to declare it, fails here.
 */
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { loadMappings } from '../../src/mappings/registry.js'
import { loadAdminUnits } from '../../src/domain/admin-units/index.js'
import { IntakeService } from '../../src/services/intake/intake-service.js'
import { defaultXmlLimits, parseXml } from '../../src/adapters/xml.js'
import { unwrapSoap } from '../../src/adapters/soap.js'
import { Reader } from '../../src/mappings/reader.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const registry = await loadMappings()
const intake = new IntakeService(registry, undefined as never, undefined as never, { adminUnits: loadAdminUnits() }, defaultXmlLimits)

/** The field named in the sender's terms for the systems of today (a new sector needs no entry). */
const EXPECTED: Record<string, string> = {
  canonical: 'agency.code',
  'civil-status': 'coQuanDangKy.maDinhDanh',
  land: 'HoSoDangKyDatDai/DonViTiepNhan/@maDinhDanh',
  'social-insurance': 'HoSo/MaCoQuan',
  'business-registration': 'coQuan.maDinhDanh'
}

async function readerOf (format: string, body: string): Promise<Reader> {
  if (format === 'json') return Reader.json(JSON.parse(body.replace(/^\uFEFF/, '')))
  const xml = await parseXml(body)
  return Reader.xml(format === 'soap' ? unwrapSoap(xml).payload : xml.root)
}

for (const system of registry.systems()) {
  t.test(system, async t => {
    const mapping = registry.get(system)
    if (mapping === undefined) throw new Error(`no mapping for ${system}`)
    // canonical has no fixtures of its own: the civil-status sample's canonical record is one.
    const inputs = system === 'canonical'
      ? [JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, 'civil-status', 'sample.expected.json'), 'utf8')).canonical)]
      : readdirSync(join(FIXTURES, system)).filter(f => /\.input\.(json|xml)$/.test(f)).map(f => readFileSync(join(FIXTURES, system, f), 'utf8'))
    let checked = 0
    for (const body of inputs) {
      let out
      try {
        out = await intake.normalize(mapping, body)
      } catch {
        continue // a refused scenario maps no agency
      }
      if (EXPECTED[system] !== undefined) t.equal(out.agencyField, EXPECTED[system])
      const raw = (await readerOf(mapping.format, body)).raw(mapping.agencyField ?? 'agency/code')
      t.equal(raw?.trim().toUpperCase(), out.dossier.agency.code, 'the declared field holds the mapped agency code')
      checked++
    }
    t.ok(checked > 0, 'at least one accepted input')
  })
}
