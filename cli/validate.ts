/**
 * `lienthong validate <system> <file>`: the intake check of POST /v1/validate/:system, offline.
 * The mappings and administrative units are the gateway's own; no Redis, nothing stored or sent.
 */
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { loadConfig } from '../src/config.js'
import { loadMappings } from '../src/mappings/registry.js'
import { loadAdminUnits } from '../src/domain/admin-units/index.js'
import { IntakeService, codeDay } from '../src/services/intake/intake-service.js'
import { closeXmlPool, xmlLimitsFrom } from '../src/adapters/xml.js'
import { firstInvalidUtf8 } from '../src/adapters/utf8.js'
import { Errors, GatewayError } from '../src/domain/errors.js'
import { toPortalHoSo } from '../src/mappings/to-portal.js'
import type { DossierStore } from '../src/store/dossier-store.js'
import type { JobQueues } from '../src/queue/jobs.js'
import type { CanonicalDossier } from '../src/domain/canonical-dossier.js'
import { refusalLines } from './api.js'
import { readFailure, say } from './lang.js'

const TYPES: Record<string, string> = { '.json': 'application/json', '.xml': 'application/xml' }

/** Exit code: 0 with the canonical record and the portal's HoSo on stdout, 1 with the errors on stderr. */
export async function validateFile (system: string, file: string): Promise<number> {
  try {
    const c = loadConfig(process.env)
    const registry = await loadMappings()
    const mapping = registry.get(system)
    if (mapping === undefined) throw Errors.unknownSystem(system, registry.systems())
    const contentType = TYPES[extname(file).toLowerCase()]
    if (contentType === undefined) throw new Error(say('cli_fileType', { file }))
    if ((mapping.format === 'json') !== (contentType === 'application/json')) {
      throw Errors.unsupportedMediaType(contentType, mapping.format === 'json' ? 'application/json' : 'application/xml')
    }
    let bytes: Buffer
    try {
      bytes = readFileSync(file)
    } catch (err) {
      throw readFailure(file, err)
    }
    const bad = firstInvalidUtf8(bytes)
    if (bad >= 0) throw Errors.badEncoding(bad, bytes[bad])
    // normalize() parses and maps only: the store and the queues are never touched.
    const intake = new IntakeService(registry, null as unknown as DossierStore, null as unknown as JobQueues, { adminUnits: loadAdminUnits(c.ADMIN_UNITS_DIR) }, xmlLimitsFrom(c))
    const { dossier, review } = await intake.normalize(mapping, bytes.toString('utf8'))
    // As POST /v1/validate/:system shows it: no number is taken, so the sequence is 00000.
    const { sourceId: _s, ...rest } = dossier
    const canonical: CanonicalDossier = {
      schemaVersion: 1,
      maHoSo: `${dossier.agency.code}-${codeDay(dossier.receivedAt)}-00000`,
      ...rest,
      provenance: {
        system: mapping.system,
        clientId: 'lienthong-cli',
        sourceId: dossier.sourceId,
        payloadSha256: '0'.repeat(64),
        mappingVersion: `${mapping.system}@${mapping.version}`,
        contentType,
        receivedAt: dossier.receivedAt
      }
    }
    process.stdout.write(JSON.stringify({ canonical, hoSo: toPortalHoSo(canonical), ...(review.length > 0 ? { review } : {}) }, null, 2) + '\n')
    return 0
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err
    process.stderr.write(refusalLines(err.statusCode, err.code, err.field, err.messages, err.issues ?? []) + '\n')
    return 1
  } finally {
    await closeXmlPool()
  }
}
