/**
 * The loader's promises (src/store/lua-script.ts): every script loads with its includes, names on
 * the two sides cannot drift apart, a group has the length its spec says, and every script has a
 * test of its own in this folder.
 */
import t from 'tap'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { LUA_DIR, luaScript, readLua } from '../../../src/store/lua-script.js'
import { ALL_SCRIPTS } from './harness.js'

const dir = fileURLToPath(LUA_DIR)
const scratch = join(dir, '__spec-test')
t.before(() => { mkdirSync(scratch, { recursive: true }) })
t.teardown(() => { rmSync(scratch, { recursive: true, force: true }) })
const write = (name: string, text: string): string => { writeFileSync(join(scratch, name), text); return `__spec-test/${name}` }

t.test('every .lua file outside shared/ is one script, with one command each', async t => {
  const files: string[] = []
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) { if (e.name !== 'shared' && e.name !== '__spec-test') walk(join(d, e.name), `${rel}${e.name}/`) } else if (e.name.endsWith('.lua')) files.push(`${rel}${e.name}`)
    }
  }
  walk(dir, '')
  const snippets = ['doctor/record.lua']
  t.same(files.filter(f => !snippets.includes(f)).sort(), ALL_SCRIPTS.map(s => s.file).sort())
  t.equal(new Set(ALL_SCRIPTS.map(s => s.command)).size, ALL_SCRIPTS.length)
})

t.test('every script has a test of its own here', async t => {
  const tests = readdirSync(fileURLToPath(new URL('.', import.meta.url))).filter(f => f.endsWith('.test.ts')).map(f => readFileSync(new URL(f, import.meta.url), 'utf8')).join('\n')
  const missing = ALL_SCRIPTS.filter(s => !tests.includes(`t.test('${s.command}`)).map(s => s.command)
  t.same(missing, [])
})

t.test('includes are expanded once, in place', async t => {
  const inc = write('inc.lua', 'local function one () return 1 end')
  const main = write('main.lua', `--!include ${inc}\n--!include ${inc}\nreturn one()`)
  const text = readLua(main)
  t.equal(text.split('local function one').length, 2, 'defined once')
  t.match(text, /included above/)
  t.notMatch(text, /--!include/)
})

t.test('a name read but not in the spec, or in the spec but never read, refuses to load', async t => {
  const f = write('names.lua', 'return {K.a, A.x}')
  t.ok(luaScript('ltSpecOk', f, ['a'], ['x']))
  t.throws(() => luaScript('ltSpecBad', f, ['a'], ['y']), /reads A\.x, not in its spec/)
  t.throws(() => luaScript('ltSpecBad', f, ['a', 'b'], ['x']), /names K\.b, never read/)
  t.throws(() => luaScript('ltSpecBad', f, ['a', 'a'], ['x']), /named twice/)
  // A name in a comment is not a read.
  const c = write('comment.lua', '-- K.b is described here\nreturn {K.a, A.x}')
  t.throws(() => luaScript('ltSpecBad', c, ['a', 'b'], ['x']), /never read/)
})

t.test('arguments come out in the spec\'s order, groups checked for length', async t => {
  const f = write('order.lua', 'return {K.a, K.g, K.z, A.x, A.rest}')
  const s = luaScript('ltSpecOrder', f, ['a', ['g', 2], 'z'], ['x', ['rest', '*']])
  t.equal(s.numberOfKeys, 4)
  t.same(s.argv({ z: 'kz', g: ['g1', 'g2'], a: 'ka' }, { rest: [1, 2], x: 'vx' }), ['ka', 'g1', 'g2', 'kz', 'vx', 1, 2])
  t.throws(() => s.argv({ z: 'kz', g: ['g1'], a: 'ka' }, { rest: [], x: 'vx' }), /2 values expected/)
  t.match(s.lua, 'local K_a, K_g, K_z = KEYS[1], {KEYS[2], KEYS[3]}, KEYS[4]\n')
  t.match(s.lua, 'local A_x, A_rest = ARGV[1], {unpack(ARGV, 2)}\n')
  t.match(s.lua, 'return {K_a, K_g, K_z, A_x, A_rest}', 'the names are the locals')
  // An open-ended key group: the number of keys goes first, as ioredis expects without numberOfKeys.
  const o = write('open.lua', 'return {K.a, K.more}')
  const v = luaScript('ltSpecOpen', o, ['a', ['more', '*']], [])
  t.equal(v.numberOfKeys, undefined)
  t.same(v.argv({ a: 'ka', more: ['m1', 'm2'] }, {}), [3, 'ka', 'm1', 'm2'])
})
