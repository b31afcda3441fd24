/**
 * A document that repeats one bad item is refused with a bounded list of problems: 50,000
 * attachments without names once made a 15 MB 422 reply and held 170 MB of the gateway's memory
 * for that one request (docs/benchmarks.md, "Memory").
 */
import t from 'tap'
import { loadMappings } from '../../src/mappings/registry.js'
import { MAX_READER_ISSUES, Reader } from '../../src/mappings/reader.js'
import { loadAdminUnits } from '../../src/domain/admin-units/index.js'
import { IntakeService } from '../../src/services/intake/intake-service.js'
import { defaultXmlLimits } from '../../src/adapters/xml.js'
import { ValidationError } from '../../src/domain/errors.js'
import { sample } from '../../support/samples.js'

const registry = await loadMappings()
const intake = new IntakeService(registry, undefined as never, undefined as never, { adminUnits: loadAdminUnits() }, defaultXmlLimits)

t.test('50,000 attachments without a name: 50 problems reported, the first ones, in order', async t => {
  const doc = { ...JSON.parse(sample('civil-status.json')) as object, tepDinhKem: Array.from({ length: 50_000 }, (_, i) => ({ ma: `T${i}` })) }
  const mapping = registry.get('civil-status')
  if (mapping === undefined) throw new Error('no civil-status mapping')
  const err = await intake.normalize(mapping, JSON.stringify(doc)).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof ValidationError, 'refused with VALIDATION_FAILED')
  const issues = (err as ValidationError).issues ?? []
  t.equal(issues.length, 50)
  t.equal(issues[0]?.field, 'tepDinhKem[0].ten')
  t.equal((err as ValidationError).field, 'tepDinhKem[0].ten', 'the message names the first problem, as before')
})

t.test('the reader stops recording past its cap', async t => {
  const r = Reader.json({})
  for (let i = 0; i < MAX_READER_ISSUES + 10; i++) r.fail(`x${i}`, 'REQUIRED', 'thiếu', 'missing')
  t.equal(r.issues.length, MAX_READER_ISSUES)
  t.equal(r.issues.at(-1)?.field, `x${MAX_READER_ISSUES - 1}`)
})
