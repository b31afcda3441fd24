/** The clients file: what start-up (and a reload) accepts. How a client's agencies match: test/unit/access.test.ts. */
import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashKey, loadClients } from '../../src/http/plugins/clients.js'

const dir = mkdtempSync(join(tmpdir(), 'lt-clients-'))
let n = 0
const hash = (): string => hashKey(`key-${++n}`).toString('hex')

function file (content: unknown): string {
  const path = join(dir, `clients-${++n}.json`)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

t.test('sector clients carry their agencies; admins none', async t => {
  const loaded = loadClients(file({
    clients: [
      { id: 'hotich-hatinh', system: 'civil-status', agencies: ['*.H42', '000.00.12.H44'], keySha256: hash() },
      { id: 'ops-admin', role: 'admin', keySha256: hash() }
    ]
  }))
  t.strictSame(loaded.map(c => ({ id: c.id, role: c.role, agencies: c.agencies })), [
    { id: 'hotich-hatinh', role: 'sector', agencies: ['*.H42', '000.00.12.H44'] },
    { id: 'ops-admin', role: 'admin', agencies: [] }
  ])
})

t.test('a file that cannot be used is refused with a message that names the client', async t => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['no agencies', { clients: [{ id: 'hotich-a', system: 'civil-status', keySha256: hash() }] }, /client hotich-a has no agencies/],
    ['an empty list', { clients: [{ id: 'hotich-b', system: 'civil-status', agencies: [], keySha256: hash() }] }, /client hotich-b has no agencies/],
    ['a bad pattern', { clients: [{ id: 'hotich-c', system: 'civil-status', agencies: ['000.00.12.H42', 'H42.*'], keySha256: hash() }] },
      /client hotich-c \(clients\[0\]\) agencies\[1\] is neither an agency code/],
    ['lower case', { clients: [{ id: 'hotich-d', system: 'civil-status', agencies: ['*.h42'], keySha256: hash() }] }, /client hotich-d .*agencies\[0\]/],
    ['a bare star', { clients: [{ id: 'hotich-e', system: 'civil-status', agencies: ['*'], keySha256: hash() }] }, /client hotich-e .*agencies\[0\]/],
    ['a webhook on an admin', { clients: [{ id: 'ops', role: 'operator', webhook: { url: 'https://x.vn/h', secret: `whsec_${Buffer.alloc(32).toString('base64')}` }, keySha256: hash() }] }, /client ops is an admin: "webhook"/],
    ['systems on a sector client', { clients: [{ id: 'hotich-s', system: 'civil-status', systems: ['land'], agencies: ['*.H42'], keySha256: hash() }] }, /client hotich-s is a sector client: "systems"/],
    ['an unknown role', { clients: [{ id: 'ops2', role: 'root', keySha256: hash() }] }, /client ops2 \(clients\[0\]\) role/],
    ['an unknown field', { clients: [{ id: 'hotich-f', system: 'civil-status', agencies: ['*.H42'], agency: 'x', keySha256: hash() }] },
      /client hotich-f \(clients\[0\]\) agency is not a known field/],
    ['a sector client without system', { clients: [{ id: 'hotich-g', agencies: ['*.H42'], keySha256: hash() }] }, /client hotich-g has no system/],
    ['the same id twice', { clients: [{ id: 'x', role: 'admin', keySha256: hash() }, { id: 'x', role: 'admin', keySha256: hash() }] }, /client x appears twice/],
    ['not JSON', '{ "clients": [ { "id": "x", "keySha256": "abc" ', /cannot be read: not valid JSON/]
  ]
  for (const [what, content, message] of cases) t.throws(() => loadClients(file(content)), { message }, what)
  const shared = hash()
  t.throws(() => loadClients(file({ clients: [{ id: 'a', role: 'admin', keySha256: shared }, { id: 'b', role: 'admin', keySha256: shared }] })),
    { message: /client b has the same key as another client/ })
})

t.test('the reason never quotes the file (it holds key hashes)', async t => {
  const h = hash()
  const path = file(`{ "clients": [ { "id": "x", "role": "admin", "keySha256": "${h}" } oops ] }`)
  try {
    loadClients(path)
    t.fail('refused')
  } catch (err) {
    t.notMatch((err as Error).message, h)
  }
})
