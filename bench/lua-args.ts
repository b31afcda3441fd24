// Lua-side cost per call of intake's arguments: (0) the loop alone, reading ARGV by position as the
// scripts did; (a) the generated header (locals: lua-script.ts); (b) cjson.decode of the same fields as one JSON
// argument; (c) cmsgpack.unpack of them. Loops inside one EVAL so the
// round trip does not count. Run: node --import tsx bench/lua-args.ts (docs/architecture.md, "Lua scripts").
import { Redis } from 'ioredis'
import { RedisServer } from '../support/redis-server.js'
import { INTAKE } from '../src/store/scripts-intake.js'

const server = await RedisServer.start()
const r = new Redis(server.url)
const N = 200_000
const names = INTAKE.args.map(a => typeof a === 'string' ? a : a[0])
const values: Record<string, string> = {}
for (const n of names) values[n] = n === 'stepJson' ? '{"status":"2","at":"2025-06-15T10:00:00+07:00","note":"Tiếp nhận hồ sơ"}' : n.length > 6 ? 'x'.repeat(32) : '1750000000000'
const argv = names.map(n => values[n] as string)
const [kHeader, header] = INTAKE.lua.split('\n') as [string, string]
const keys = Array.from({ length: INTAKE.numberOfKeys ?? 0 }, (_, i) => `t:{A}:k${i}`)
const loop = (body: string): string => `local t0 = redis.call('TIME') for i = 1, ${N} do ${body} end local t1 = redis.call('TIME') return (t1[1] - t0[1]) * 1000000 + (t1[2] - t0[2])`
const run = async (lua: string, args: Array<string | Buffer>, k: string[] = []): Promise<number> => Number(await r.eval(lua, k.length, ...k, ...args)) / N * 1000
for (let round = 0; round < 3; round++) {
  const p = await run(loop('if ARGV[1] == nil or KEYS[1] == nil then return 0 end'), argv, keys)
  const h = await run(loop(`${kHeader} ${header} if A_ref == nil or K_dossier == nil then return 0 end`), argv, keys)
  const j = await run(loop('local A = cjson.decode(ARGV[1]) if A.ref == nil then return 0 end'), [JSON.stringify(values)])
  const m = await run(loop('local A = cmsgpack.unpack(ARGV[1]) if A.ref == nil then return 0 end'), [await r.callBuffer('EVAL', 'return cmsgpack.pack(cjson.decode(ARGV[1]))', 0, JSON.stringify(values)) as Buffer])
  console.log(`round ${round + 1}: positional ${p.toFixed(0)} ns/call, header ${h.toFixed(0)} ns/call, cjson.decode ${j.toFixed(0)} ns/call, cmsgpack.unpack ${m.toFixed(0)} ns/call`)
}
r.disconnect()
await server.close()
