/**
 * `/docs`: the OpenAPI document generated from the route schemas is valid, lists every route the
 * app serves with every status it declares, and Swagger UI loads from the gateway alone.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { Validator } from '@seriousme/openapi-schema-validator'
import { errorReplies, queryErrorReplies, readErrorReplies } from '../../src/http/schemas.js'
import { useStack } from '../helpers/fixture.js'

interface Content { schema: { $ref?: string, type?: string }, example?: unknown, examples?: Record<string, { value: unknown }> }
interface Operation {
  operationId?: string,
  tags?: string[],
  summary?: string,
  security?: Array<Record<string, string[]>>
  parameters?: Array<{ in: string, name: string, schema?: { enum?: string[] } }>
  requestBody?: { required?: boolean, content: Record<string, Content> }
  responses: Record<string, { $ref?: string, content?: Record<string, Content> }>
}
interface Doc { openapi: string, info: { title: string, version: string }, paths: Record<string, Record<string, Operation>>, components: { schemas: Record<string, unknown>, securitySchemes: Record<string, unknown> } }

const ERRORS = Object.keys(errorReplies)
const PUBLIC = { security: false, errors: [] as string[] }
const KEYED = { security: true, errors: ERRORS }
// A GET reads no body (no 413, 415) and changes nothing (no 409); 422 where it checks a query.
const READ = { security: true, errors: Object.keys(readErrorReplies) }
const QUERY = { security: true, errors: Object.keys(queryErrorReplies) }
/** Every API route, its success status, and whether it takes an API key. */
const EXPECTED: Array<{ method: string, path: string, ok: string[], security: boolean | 'portal', errors: string[] }> = [
  { method: 'GET', path: '/health/live', ok: ['200'], ...PUBLIC },
  { method: 'GET', path: '/health/ready', ok: ['200', '503'], ...PUBLIC },
  // 200: a SOAP system's reply envelope (SOAP 1.1 over HTTP answers 200).
  { method: 'POST', path: '/v1/inbound/:system', ok: ['200', '202'], ...KEYED },
  { method: 'POST', path: '/v1/portal/callbacks', ok: ['200'], security: 'portal', errors: ERRORS },
  { method: 'GET', path: '/v1/dossiers/:maHoSo', ok: ['200'], ...READ },
  { method: 'POST', path: '/v1/dossiers/:maHoSo/events', ok: ['202'], ...KEYED },
  { method: 'GET', path: '/v1/dossiers', ok: ['200'], ...QUERY },
  { method: 'GET', path: '/v1/stats', ok: ['200'], ...QUERY },
  { method: 'GET', path: '/v1/admin/dossiers', ok: ['200'], ...QUERY },
  { method: 'GET', path: '/v1/admin/dossiers/all', ok: ['200'], ...QUERY },
  { method: 'GET', path: '/v1/admin/dossiers/search', ok: ['200'], ...QUERY },
  { method: 'GET', path: '/v1/admin/dossiers/:maHoSo/payloads', ok: ['200'], security: true, errors: [...READ.errors, '410'] },
  { method: 'POST', path: '/v1/admin/dossiers/:maHoSo/review', ok: ['202'], ...KEYED },
  { method: 'POST', path: '/v1/admin/dossiers/:maHoSo/route', ok: ['202'], ...KEYED },
  { method: 'GET', path: '/v1/admin/callbacks/unmatched', ok: ['200'], ...QUERY },
  { method: 'GET', path: '/v1/admin/webhooks/failed', ok: ['200'], ...READ },
  { method: 'GET', path: '/v1/admin/audit', ok: ['200'], ...QUERY },
  { method: 'POST', path: '/v1/validate/:system', ok: ['200'], ...KEYED },
  { method: 'POST', path: '/v1/admin/dossiers/:maHoSo/replay', ok: ['202'], ...KEYED },
  { method: 'POST', path: '/v1/admin/dossiers/:maHoSo/discard', ok: ['200'], ...KEYED },
  { method: 'POST', path: '/v1/admin/dossiers/:maHoSo/edit', ok: ['202'], ...KEYED },
  { method: 'POST', path: '/v1/admin/webhooks/:maHoSo/replay', ok: ['202'], ...KEYED },
  { method: 'POST', path: '/v1/admin/webhooks/recover', ok: ['202'], ...KEYED },
  { method: 'GET', path: '/v1/admin/failed', ok: ['200'], ...QUERY },
  { method: 'GET', path: '/v1/admin/failed/counts', ok: ['200'], ...READ },
  { method: 'POST', path: '/v1/admin/replays', ok: ['202'], ...KEYED },
  { method: 'GET', path: '/v1/admin/replays/:id', ok: ['200'], ...READ },
  { method: 'POST', path: '/v1/admin/replays/:id/cancel', ok: ['202'], ...KEYED },
  { method: 'POST', path: '/v1/admin/webhooks/:maHoSo/discard', ok: ['200'], ...KEYED },
  { method: 'GET', path: '/v1/dossiers/:maHoSo/notices', ok: ['200'], ...READ },
  { method: 'GET', path: '/v1/notices/failed', ok: ['200'], ...QUERY },
  { method: 'POST', path: '/v1/notices/:id/resend', ok: ['202'], ...KEYED },
  { method: 'GET', path: '/v1/notices/channels', ok: ['200'], ...READ },
  { method: 'POST', path: '/v1/notices/channels/:name/resume', ok: ['200'], ...KEYED },
  { method: 'GET', path: '/v1/notices/apologies-owed', ok: ['200'], ...QUERY },
  { method: 'POST', path: '/v1/notices/opt-outs', ok: ['200'], ...KEYED },
  { method: 'POST', path: '/v1/notices/zns/authorise', ok: ['200'], ...KEYED },
  // Called by the providers and applicants: signed (ZNS), a MAC in the path (SMS), a signed link.
  { method: 'POST', path: '/v1/notices/zns-events', ok: ['200'], security: false, errors: ERRORS },
  { method: 'GET', path: '/v1/notices/sms-reports/:id/:mac', ok: ['200'], security: false, errors: ERRORS },
  { method: 'GET', path: '/v1/letters/:id', ok: ['200'], security: false, errors: [...ERRORS, '410'] }
]
/** Served but deliberately not documented. */
// The admin page (/admin, with bull-board under /admin/queues) serves pages, not API.
const UNDOCUMENTED = (path: string): boolean => path === '/metrics' || path === '/docs' || path.startsWith('/docs/') || path === '/admin' || path.startsWith('/admin/')

const openapiPath = (p: string): string => p.replace(/:(\w+)/g, '{$1}')

/** Method and full path of every route, read from Fastify's own route tree. */
function servedRoutes (tree: string): Array<{ method: string, path: string }> {
  const out: Array<{ method: string, path: string }> = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (m === null) continue
    const depth = (m[1] ?? '').length / 4
    const path = (depth === 0 ? '' : stack[depth - 1] ?? '') + (m[2] ?? '')
    stack[depth] = path
    stack.length = depth + 1
    for (const method of (m[3] ?? '').split(', ')) {
      if (method !== '' && method !== 'HEAD') out.push({ method, path })
    }
  }
  return out
}

let doc: Doc

// No portal is called: nothing is submitted.
const { gw } = useStack(t, { simulator: false })
t.before(async () => {
  const res = await fetch(`${gw.url}/docs/json`)
  t.equal(res.status, 200)
  doc = await res.json() as Doc
})

t.test('the document is valid OpenAPI', async t => {
  const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0])
  t.same(result.errors, undefined, 'no validation errors')
  t.equal(result.valid, true)
  t.match(doc.openapi, /^3\.1\./)
  t.equal(doc.info.title, 'Liên Thông gateway API')
  t.equal(doc.info.version, (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version)
  t.same(Object.keys(doc.components.securitySchemes).sort(), ['apiKey', 'portalSignature', 'portalTimestamp'])
  t.ok(doc.components.schemas.ErrorReply, 'the shared error reply is a named component')
})

t.test('every served route is documented with its statuses; hidden ones are not', async t => {
  const served = servedRoutes(gw.app.printRoutes({ commonPrefix: false }))
  t.ok(served.length >= EXPECTED.length, 'the route tree was read')
  const documented = served.filter(r => !UNDOCUMENTED(r.path))
  t.same(documented.map(r => `${r.method} ${r.path}`).sort(), EXPECTED.map(r => `${r.method} ${r.path}`).sort(), 'the expected list is the served list')
  t.same(Object.keys(doc.paths).sort(), [...new Set(EXPECTED.map(r => openapiPath(r.path)))].sort(), 'no more, no fewer paths')
  t.notOk(doc.paths['/metrics'], '/metrics is hidden')

  for (const r of EXPECTED) {
    const op = doc.paths[openapiPath(r.path)]?.[r.method.toLowerCase()]
    if (op === undefined) { t.fail(`${r.method} ${r.path} missing`); continue }
    t.same(Object.keys(op.responses).sort(), [...r.ok, ...r.errors].sort(), `${r.method} ${r.path} statuses`)
    t.equal(op.tags?.length, 1, `${r.method} ${r.path} has a tag`)
    t.ok(op.summary, `${r.method} ${r.path} has a summary`)
    const security = r.security === 'portal' ? [{ portalSignature: [], portalTimestamp: [] }] : r.security ? [{ apiKey: [] }] : []
    t.same(op.security, security, `${r.method} ${r.path} security`)
    t.match(op.operationId, /^[a-z][A-Za-z]+$/, `${r.method} ${r.path} has an operation id`)
    for (const s of r.errors) {
      t.equal(op.responses[s]?.content?.['application/json']?.schema.$ref, '#/components/schemas/ErrorReply', `${r.method} ${r.path} ${s} is an ErrorReply`)
    }
  }
})

t.test('every operation id is unique', async t => {
  const ids = Object.values(doc.paths).flatMap(ops => Object.values(ops).map(op => op.operationId))
  t.equal(new Set(ids).size, ids.length)
})

t.test('intake and validate: the systems, a body and an example per system, the header, the SOAP reply', async t => {
  const systems = gw.app.registry.systems()
  t.ok(systems.length >= 4, 'the registry lists the systems')
  for (const path of ['/v1/inbound/{system}', '/v1/validate/{system}']) {
    const op = doc.paths[path]?.post
    if (op === undefined) { t.fail(`${path} missing`); continue }
    t.same(op.parameters?.find(p => p.in === 'path' && p.name === 'system')?.schema?.enum, systems, `${path}: the systems as an enum`)
    t.equal(op.requestBody?.required, true, `${path}: a body is required`)
    const content = op.requestBody?.content ?? {}
    t.same(Object.keys(content).sort(), ['application/json', 'application/soap+xml', 'application/xml', 'text/xml'], `${path}: JSON and XML/SOAP types`)
    const examples = new Map<string, unknown>()
    for (const c of Object.values(content)) for (const [k, v] of Object.entries(c.examples ?? {})) examples.set(k, v.value)
    t.same([...examples.keys()].sort(), systems, `${path}: an example for every system`)
    for (const system of systems) {
      const mapping = gw.app.registry.get(system)
      const value = examples.get(system)
      const file = mapping?.format === 'json' ? 'sample.input.json' : 'sample.input.xml'
      const raw = readFileSync(new URL(`../../fixtures/${system}/${file}`, import.meta.url), 'utf8')
      t.same(value, mapping?.format === 'json' ? JSON.parse(raw) : raw, `${path}: ${system}'s example is its fixture`)
    }
  }
  const inbound = doc.paths['/v1/inbound/{system}']?.post
  t.ok(inbound?.parameters?.some(p => p.in === 'header' && p.name === 'X-Ma-Ho-So'), 'X-Ma-Ho-So is described')
  t.match(inbound?.responses['200']?.content?.['text/xml']?.example, /Envelope[\s\S]*GuiHoSoResponse[\s\S]*MaHoSo/, 'the SOAP reply, with an example envelope')
  t.notOk(doc.paths['/v1/validate/{system}']?.post?.parameters?.some(p => p.name === 'X-Ma-Ho-So'), 'validate links nothing')
})

t.test('portal callbacks: the envelope and an example', async t => {
  const body = doc.paths['/v1/portal/callbacks']?.post?.requestBody
  t.equal(body?.required, true)
  const json = body?.content['application/json']
  t.match(json?.schema, { type: 'object', required: ['MaSuKien', 'LoaiSuKien', 'MaHoSo', 'ThoiDiem', 'DuLieu'] })
  t.match(json?.examples?.HoSoMoi?.value, { LoaiSuKien: 'HoSoMoi' })
})

t.test('Swagger UI is served from the package, with nothing from another host', async t => {
  const page = await fetch(`${gw.url}/docs/`)
  t.equal(page.status, 200)
  t.match(page.headers.get('content-type'), /text\/html/)
  const html = await page.text()
  const external = (text: string): string[] => (text.match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"')]*/gi) ?? [])
  t.same(external(html), [], 'no absolute URL in the page')
  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(m => m[1] ?? '')
  t.ok(assets.includes('./static/swagger-ui-bundle.js'), 'the bundle is local')
  for (const asset of assets) {
    t.notMatch(asset, /^(https?:)?\/\//, `${asset} is relative`)
    const res = await fetch(new URL(asset, `${gw.url}/docs/`))
    t.equal(res.status, 200, `${asset} loads`)
    await res.arrayBuffer()
  }
  const init = await (await fetch(`${gw.url}/docs/static/swagger-initializer.js`)).text()
  // Only string literals: a link in a comment is not fetched.
  const literals = init.match(/(["'`])(?:https?:)?\/\/[^"'`]*\1/g) ?? []
  t.same(literals, [], 'the initializer fetches nothing from another host')
  t.match(init, /json/)
  // Over plain http on a LAN address the policy must not send the assets to https, nor allow internet hosts.
  const csp = page.headers.get('content-security-policy') ?? ''
  t.notMatch(csp, /upgrade-insecure-requests/, 'no upgrade to https')
  t.notMatch(csp, /https:|validator\.swagger\.io/, 'no internet host allowed')
  t.match(csp, /script-src 'self'/)
})
