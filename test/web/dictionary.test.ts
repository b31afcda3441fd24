/**
 * The one dictionary (src/web/i18n.ts): every word and value has Vietnamese and English, and
 * every code the gateway can put on a page or a CLI line has an entry: systems, channels, ID
 * types, timeline entries, attempt outcomes and operations, event types, audit actions, statuses.
 * A new code added in the source without its words fails here.
 */
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { ALL_WORDS, countText, fieldLabel, fieldValue, hasValue, parseTyped, registerSectorWords, registerSystemTitles, statusName } from '../../src/web/i18n.js'
import { FIELD_KINDS, FIELD_LABELS, VALUES, type ValueKind } from '../../src/web/i18n-values.js'
import { loadMappings } from '../../src/mappings/registry.js'
import { EVENT_TYPES } from '../../src/domain/lifecycle/schemas.js'
import { CALLBACK_TYPES } from '../../src/mappings/schemas/portal-callback.js'

const src = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8')
/** The string literals of a TypeScript union member `name: 'a' | 'b'` in a source file. */
const union = (file: string, name: string): string[] => {
  const m = new RegExp(`${name}\\??: ((?:'[^']+'\\s*\\|?\\s*)+)`).exec(src(file))
  return m === null ? [] : [...(m[1] ?? '').matchAll(/'([^']+)'/g)].map(x => x[1] ?? '')
}

/** The `Type.Literal('x')` values of the declaration starting at `marker`, up to its closing `])`. */
const literals = (file: string, marker: string): string[] => {
  const text = src(file)
  const from = text.indexOf(marker)
  const decl = text.slice(from, text.indexOf('])', from))
  return from < 0 ? [] : [...decl.matchAll(/Type\.Literal\('([^']+)'\)/g)].map(m => m[1] ?? '')
}

t.test('every word and value in both languages', async t => {
  const pairs: Array<[string, readonly [string, string]]> = [
    ...Object.entries(ALL_WORDS).map(([k, v]) => [`word ${k}`, v] as [string, readonly [string, string]]),
    ...Object.entries(VALUES).flatMap(([kind, vs]) => Object.entries(vs).map(([k, v]) => [`${kind} ${k}`, v] as [string, readonly [string, string]])),
    ...Object.entries(FIELD_LABELS).map(([k, v]) => [`field ${k}`, v] as [string, readonly [string, string]])
  ]
  const missing = pairs.filter(([, v]) => v.length !== 2 || v[0].trim() === '' || v[1].trim() === '').map(([k]) => k)
  t.same(missing, [], 'no empty translation')
  // A Vietnamese entry copied from English is a missing translation (a few words are the same in both).
  const SAME = new Set(['word language', 'nationality VN'])
  const untranslated = pairs.filter(([k, v]) => v[0] === v[1] && !SAME.has(k) && !/^[A-Z0-9 ()./-]+$/.test(v[0])).map(([k]) => k)
  t.same(untranslated, [], 'Vietnamese is not the English copied')
})

t.test('every code the gateway produces has words', async t => {
  const registry = await loadMappings()
  // Sector systems name themselves in their mapping, in both languages.
  for (const [system, title] of Object.entries(registry.titles())) t.ok(title.vi !== '' && title.en !== '' && title.vi !== title.en, `${system} has a name in words`)
  const need: Array<[ValueKind, string[]]> = [
    ['channel', literals('src/domain/canonical-dossier.ts', 'export const Channel')],
    ['holderKind', literals('src/domain/canonical-dossier.ts', 'export const HolderKind')],
    ['idType', literals('src/domain/canonical-dossier.ts', 'export const IdType')],
    ['collectedAt', literals('src/domain/canonical-dossier.ts', 'collectedAt:')],
    ['history', union('src/store/records.ts', 'kind')],
    ['attemptOutcome', union('src/store/records.ts', 'outcome')],
    ['operation', union('src/store/records.ts', 'operation')],
    ['eventType', [...EVENT_TYPES, ...CALLBACK_TYPES]],
    ['eventType', [...src('src/domain/webhook-events.ts').matchAll(/'(dossier\.[a-z-]+)'/g)].map(m => m[1] ?? '')],
    ['routingState', union('src/store/records.ts', 'state')]
  ]
  // Audit actions: every literal the source appends, and the page's own.
  const files = ['src/http/routes', 'src/web', 'src/queue'].flatMap(d => readdirSync(new URL(`../../${d}`, import.meta.url)).filter(f => f.endsWith('.ts')).map(f => `${d}/${f}`))
  const actions = new Set(files.flatMap(f => [...src(f).matchAll(/action: '([a-z.-]+)'|audit\(req, '([a-z.-]+)'/g)].map(m => m[1] ?? m[2] ?? '')))
  need.push(['auditAction', [...actions]])
  t.ok(actions.size >= 10, `audit actions found in the source (${actions.size})`)
  for (const [kind, codes] of need) {
    t.ok(codes.length > 0, `${kind}: codes read from the source`)
    t.same(codes.filter(c => !hasValue(kind, c)), [], `${kind}: every code has words`)
  }
  for (const code of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']) t.not(statusName(code, 'vi'), code, `status ${code}`)
})

t.test('every field of the sample records has a name, every coded value words', async t => {
  // As the page's plugin does at start-up: each sector brings its own words.
  const registry = await loadMappings()
  registerSystemTitles(registry.titles())
  registerSectorWords(registry.words())
  const seen = new Map<string, Set<string>>()
  const walk = (v: unknown, p: string): void => {
    if (Array.isArray(v)) { v.forEach(x => { walk(x, p) }); return }
    if (v !== null && typeof v === 'object') { for (const [k, x] of Object.entries(v)) walk(x, p === '' ? k : `${p}.${k}`); return }
    const set = seen.get(p) ?? new Set<string>()
    set.add(String(v))
    seen.set(p, set)
  }
  for (const dir of readdirSync(new URL('../../fixtures', import.meta.url))) {
    if (dir === 'samples' || dir.includes('.')) continue
    for (const f of readdirSync(new URL(`../../fixtures/${dir}`, import.meta.url)).filter(x => x.endsWith('.expected.json'))) {
      const j = JSON.parse(src(`fixtures/${dir}/${f}`)) as { canonical?: unknown }
      if (j.canonical !== undefined) walk(j.canonical, '')
    }
  }
  t.same([...seen.keys()].filter(p => p !== '' && fieldLabel(p, 'vi') === undefined), [], 'every field has a label')
  const raw: string[] = []
  for (const [path, kind] of Object.entries(FIELD_KINDS)) {
    for (const v of seen.get(path) ?? []) if (!hasValue(kind, v)) raw.push(`${path}=${v}`)
  }
  t.same(raw, [], 'every coded value in the fixtures has words')
  t.equal(fieldValue('holder.ids.0.type', 'cccd', 'vi'), 'Căn cước công dân')
  t.equal(fieldValue('holder.birthDate', '1990-05-01', 'vi'), '01/05/1990')
  t.equal(fieldValue('dueAt', '2025-07-02T23:59:59+07:00', 'vi'), '02/07/2025 23:59')
})

t.test('counts and typed dates', async t => {
  t.equal(countText(1, 'en'), '1 result')
  t.equal(countText(3, 'en'), '3 results')
  t.equal(countText(1, 'vi'), '1 kết quả')
  t.equal(parseTyped('02/07/2025'), '2025-07-02')
  t.equal(parseTyped('2/7/2025 08:05'), '2025-07-02T08:05:00+07:00')
  t.equal(parseTyped('31/02/2025'), undefined)
  t.equal(parseTyped('2025-07-02'), '2025-07-02')
  t.equal(parseTyped('hôm qua'), undefined)
})
