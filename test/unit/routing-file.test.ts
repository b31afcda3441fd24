import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAX_ROUTES, Routing, loadRouting, type Route } from '../../src/services/routing/routing-file.js'

const dir = mkdtempSync(join(tmpdir(), 'lienthong-routing-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

/** Writes `content` (an object as JSON, or raw text) to a fresh file and returns its path. */
function file (content: unknown): string {
  const path = join(dir, `routing-${n++}.json`)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

const SYSTEMS = ['civil-status', 'land', 'business-registration', 'social-insurance'] as const

t.test('exact and prefix routes', async t => {
  const r = loadRouting(file({
    routes: [
      { procedure: '1.001193', system: 'civil-status' },
      { procedure: '1.004227*', system: 'land' },
      { procedure: '1.004227.000.00.00.H42', system: 'business-registration' },
      { procedure: '1.004*', system: 'social-insurance' },
      { procedure: '1.004227.000*', system: 'civil-status' }
    ]
  }), SYSTEMS)
  t.equal(r.size, 5)
  t.strictSame(r.systemFor('1.001193'), { system: 'civil-status', matched: '1.001193' })
  t.equal(r.systemFor('1.001193.000.00.00.H42'), undefined, 'an exact route does not cover local variants')
  t.strictSame(r.systemFor('1.004227'), { system: 'land', matched: '1.004227*' }, 'a prefix covers the code itself')
  t.strictSame(r.systemFor('1.004227.000.00.00.H42'), { system: 'business-registration', matched: '1.004227.000.00.00.H42' })
  t.strictSame(r.systemFor('1.004227.000.00.00.H43'), { system: 'civil-status', matched: '1.004227.000*' }, 'the longest prefix wins')
  t.strictSame(r.systemFor('1.004227.001'), { system: 'land', matched: '1.004227*' })
  t.strictSame(r.systemFor('1.004100'), { system: 'social-insurance', matched: '1.004*' })
  t.equal(r.systemFor('1.005000'), undefined)
  t.equal(r.systemFor(''), undefined)
  t.equal(r.systemFor('1.00'), undefined, 'shorter than every route')
})

t.test('on a tie an exact route beats a prefix route', async t => {
  const r = new Routing([{ procedure: '1.004227*', system: 'land' }, { procedure: '1.004227', system: 'civil-status' }])
  t.strictSame(r.systemFor('1.004227'), { system: 'civil-status', matched: '1.004227' })
  t.strictSame(r.systemFor('1.004227.000'), { system: 'land', matched: '1.004227*' })
})

t.test('empty routing', async t => {
  const r = Routing.empty()
  t.equal(r.size, 0)
  t.equal(r.systemFor('1.001193'), undefined)
  t.equal(loadRouting(file({ routes: [] })).size, 0)
})

t.test('a BOM at the start of the file is accepted', async t => {
  t.equal(loadRouting(file(`\uFEFF${JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }] })}`)).size, 1)
})

/** The message of the error `fn` throws. */
function failure (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('did not throw')
}

t.test('a file that cannot be read, or is not JSON, is named and not quoted', async t => {
  const missing = join(dir, 'nope.json')
  t.match(failure(() => loadRouting(missing)), new RegExp(`^ROUTING_FILE ${missing} cannot be read: .*ENOENT`))
  const broken = file('{"routes": [{"procedure": "1.001193", "system": "secret-value-0123456789"')
  const msg = failure(() => loadRouting(broken))
  t.match(msg, `ROUTING_FILE ${broken} cannot be read: not valid JSON`)
  t.notMatch(msg, 'secret-value')
  t.match(failure(() => loadRouting(dir)), `ROUTING_FILE ${dir} cannot be read`, 'a directory')
})

t.test('schema errors name the file, the entry and the field', async t => {
  const cases: Array<[unknown, string]> = [
    [[], 'the file must be object'],
    [{}, 'the file lacks routes'],
    [{ routes: {} }, 'routes'],
    [{ routes: [], extra: 1 }, 'extra is not a known field'],
    [{ routes: [{ procedure: '1.001193', system: 'civil-status' }, { procedure: '1.004227', system: 'Land' }] },
      'route 1 (procedure 1.004227) system is not a system name'],
    [{ routes: [{ procedure: '1.001193', system: 'civil-status' }, { procedure: '1.004227', system: 'land', owner: 'x' }] },
      'route 1 (procedure 1.004227) owner is not a known field'],
    [{ routes: [{ procedure: '1.04227', system: 'land' }] }, 'route 0 (procedure 1.04227) procedure is not a procedure code'],
    [{ routes: [{ procedure: '1.004227.*', system: 'land' }] }, 'route 0 (procedure 1.004227.*) procedure is not a procedure code'],
    [{ routes: [{ procedure: '*', system: 'land' }] }, 'route 0 (procedure *) procedure is not a procedure code'],
    [{ routes: [{ procedure: '1.004227.000.00.00.h42', system: 'land' }] }, 'route 0 procedure is not a procedure code'],
    [{ routes: [{ system: 'land' }] }, 'route 0 lacks procedure'],
    [{ routes: [{ procedure: 1004227, system: 'land' }] }, 'route 0 procedure'],
    [{ routes: [null] }, 'route 0 '],
    [{ routes: Array.from({ length: MAX_ROUTES + 1 }, (_, i) => ({ procedure: `1.${String(i).padStart(6, '0')}`, system: 'land' })) },
      `routes has more than ${MAX_ROUTES} routes`]
  ]
  for (const [content, expected] of cases) {
    const path = file(content)
    const msg = failure(() => loadRouting(path))
    t.ok(msg.startsWith(`ROUTING_FILE ${path}: `), msg)
    t.ok(msg.includes(expected), `${msg} ~ ${expected}`)
  }
})

t.test('a system that is not known, when the known ones are given', async t => {
  const path = file({ routes: [{ procedure: '1.001193', system: 'civil-status' }, { procedure: '1.004227*', system: 'cadastre' }] })
  t.equal(loadRouting(path).size, 2, 'without known systems any name is taken')
  const msg = failure(() => loadRouting(path, SYSTEMS))
  t.match(msg, `ROUTING_FILE ${path}: route 1 (procedure 1.004227*): system cadastre is not a known system`)
  t.match(msg, 'known: business-registration, civil-status, land, social-insurance')
})

t.test('the same procedure twice', async t => {
  const path = file({
    routes: [
      { procedure: '1.001193', system: 'civil-status' }, { procedure: '1.004227*', system: 'land' },
      { procedure: '1.004227', system: 'land' }, { procedure: '1.004227*', system: 'civil-status' }
    ]
  })
  t.match(failure(() => loadRouting(path)), `ROUTING_FILE ${path}: route 3 (procedure 1.004227*): the same procedure as route 1`)
  t.throws(() => new Routing([{ procedure: '1.001193', system: 'a' }, { procedure: '1.001193', system: 'b' }]), RangeError)
})

/** A tiny seeded generator: the same cases on every run. */
function rng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** The rule as written: the longest matching route; on a tie, the exact one. */
function reference (routes: readonly Route[], code: string): { system: string, matched: string } | undefined {
  let best: { system: string, matched: string, len: number, exact: boolean } | undefined
  for (const r of routes) {
    const exact = !r.procedure.endsWith('*')
    const key = exact ? r.procedure : r.procedure.slice(0, -1)
    if (exact ? code !== key : !code.startsWith(key)) continue
    if (best === undefined || key.length > best.len || (key.length === best.len && exact && !best.exact)) {
      best = { system: r.system, matched: r.procedure, len: key.length, exact }
    }
  }
  return best === undefined ? undefined : { system: best.system, matched: best.matched }
}

t.test('10,000 routes: the same answers as a scan, without scanning', async t => {
  const rand = rng(42)
  const digits = (k: number): string => Array.from({ length: k }, () => String(Math.floor(rand() * 3))).join('')
  const suffix = (): string => rand() < 0.5 ? '' : `.${digits(3)}${rand() < 0.5 ? '' : '.H4' + digits(1)}`
  // The first digit from 0..9, the others from 0..2: codes collide with routes often, but the
  // short prefixes (first digit 0..4 only) leave half the codes to exact routes or none.
  const code = (): string => `1.${Math.floor(rand() * 10)}${digits(5)}${suffix()}`
  const seen = new Set<string>()
  const routes: Route[] = []
  while (routes.length < MAX_ROUTES) {
    const kind = rand()
    const procedure = kind < 0.6 ? code() : kind < 0.9 ? `${code()}*` : `1.${Math.floor(rand() * 5)}${digits(1 + Math.floor(rand() * 4))}*`
    if (seen.has(procedure)) continue
    seen.add(procedure)
    routes.push({ procedure, system: `s-${routes.length % 7}` })
  }
  const routing = loadRouting(file({ routes }))
  t.equal(routing.size, MAX_ROUTES)
  const codes = Array.from({ length: 2000 }, code)
  let differences = 0
  for (const c of codes) if (JSON.stringify(routing.systemFor(c)) !== JSON.stringify(reference(routes, c))) differences++
  t.equal(differences, 0, 'agrees with the rule on 2000 codes')
  t.ok(codes.some(c => routing.systemFor(c) !== undefined) && codes.some(c => routing.systemFor(c) === undefined), 'both hits and misses')
  // A scan would be 200,000 × 10,000 comparisons: minutes. Map look-ups take milliseconds; the
  // bound is generous so that a slow machine does not fail it.
  const started = performance.now()
  for (let i = 0; i < 200_000; i++) routing.systemFor(codes[i % codes.length] ?? '')
  const ms = performance.now() - started
  t.ok(ms < 2000, `200,000 look-ups in ${Math.round(ms)} ms`)
})
