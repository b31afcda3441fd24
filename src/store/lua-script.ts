/**
 * The gateway's Lua scripts: one `.lua` file each under src/store/lua/, read once when this
 * process starts, with KEYS and ARGV by name on both sides.
 *
 * A script's spec names its KEYS and its ARGV in order. The TS side builds the command's
 * arguments from two objects (`argv`), so no caller writes a position. The Lua side reads
 * `K.dossier` and `A.ref`; when the script is read these become locals, `K_dossier` and `A_ref`,
 * set by a generated first line (`local K_dossier, … = KEYS[1], …`), so a call pays nothing for
 * the names. Loading refuses a script that reads a name its spec lacks or whose spec names
 * something it never reads, so the two cannot drift apart (a start-up error; and
 * test/store/lua/specs.test.ts loads every script).
 *
 * Why not one encoded argument (cjson or cmsgpack)? Intake, the hot path, carries the compressed
 * document as a binary ARGV, which JSON cannot hold, and decoding costs on every call where
 * locals cost nothing; docs/architecture.md ("Lua scripts") has the figures (bench/lua-args.ts).
 *
 * A group of keys (`['stats', 10]`) is a Lua list, `K.stats`; a last group `['refIndexes', '*']`
 * takes every key left (the command then takes the number of keys first). Same for ARGV.
 *
 * Shared snippets: Redis Lua has no `require`, so a line `--!include shared/<name>.lua` is
 * replaced by that file (once per script, relative to src/store/lua/), when the script is read.
 */
import { readFileSync } from 'node:fs'
import type { Cluster, Redis } from 'ioredis'

/** The folder of the .lua files, next to this module in src/ and in dist/ alike (the build copies it). */
export const LUA_DIR = new URL('./lua/', import.meta.url)

export type NameSpec = string | readonly [name: string, count: number | '*']
type Plain<S> = S extends string ? S : never
type Group<S> = S extends readonly [infer N extends string, number | '*'] ? N : never
export type Value = string | number | Buffer
export type KeysOf<K extends readonly NameSpec[]> = { [N in Plain<K[number]>]: string } & { [N in Group<K[number]>]: readonly string[] }
export type ArgsOf<A extends readonly NameSpec[]> = { [N in Plain<A[number]>]: Value } & { [N in Group<A[number]>]: readonly Value[] }

export interface LuaScript<K extends readonly NameSpec[] = readonly NameSpec[], A extends readonly NameSpec[] = readonly NameSpec[]> {
  /** The ioredis command (`redis.<command>(...)`). */
  readonly command: string
  /** Under src/store/lua/. */
  readonly file: string
  readonly keys: K
  readonly args: A
  /** The script as Redis runs it: the generated header, then the file with its includes. */
  readonly lua: string
  /** Undefined when the last key group is open-ended: the number of keys comes first. */
  readonly numberOfKeys: number | undefined
  /** The command's arguments: KEYS then ARGV, in the spec's order. */
  argv(keys: KeysOf<K>, args: ArgsOf<A>): Value[]
}

const INCLUDE = /^--!include (\S+)\s*$/gm

/** The file with its includes expanded (an included file may include another, each once). */
export function readLua (file: string, seen = new Set<string>()): string {
  seen.add(file)
  const text = readFileSync(new URL(file, LUA_DIR), 'utf8')
  return text.replace(INCLUDE, (_line, inc: string) => {
    if (seen.has(inc)) return `-- (${inc}: included above)`
    return `-- begin ${inc}\n${readLua(inc, seen)}\n-- end ${inc}`
  })
}

function luaName (n: string): string {
  if (!/^[A-Za-z_]\w*$/.test(n)) throw new Error(`not a Lua name: ${n}`)
  return n
}

/**
 * `local T_a, T_grp, T_rest = V[1], {V[2], V[3]}, {unpack(V, 4)}`: locals, not a table, so a call
 * pays nothing for the names (bench/lua-args.ts); also returns the count (undefined when open-ended).
 */
function header (table: string, src: string, spec: readonly NameSpec[]): { lua: string, count: number | undefined } {
  const names: string[] = []
  const values: string[] = []
  let i = 1
  let open = false
  for (const s of spec) {
    if (open) throw new Error(`${table}: an open-ended group must come last`)
    const name = typeof s === 'string' ? s : s[0]
    names.push(`${table}_${luaName(name)}`)
    if (typeof s === 'string') { values.push(`${src}[${i++}]`); continue }
    const count = s[1]
    if (count === '*') { values.push(`{unpack(${src}, ${i})}`); open = true; continue }
    values.push(`{${Array.from({ length: count }, () => `${src}[${i++}]`).join(', ')}}`)
  }
  return { lua: names.length === 0 ? '' : `local ${names.join(', ')} = ${values.join(', ')}`, count: open ? undefined : i - 1 }
}

function names (spec: readonly NameSpec[]): string[] {
  return spec.map(s => typeof s === 'string' ? s : s[0])
}

/** Names read as `T.name` in the body, minus comments. */
function used (body: string, table: string): Set<string> {
  const code = body.replace(/--.*$/gm, '')
  return new Set([...code.matchAll(new RegExp(`\\b${table}\\.([A-Za-z_]\\w*)`, 'g'))].map(m => m[1] as string))
}

function checkNames (file: string, table: string, spec: readonly NameSpec[], body: string): void {
  const declared = names(spec)
  const dup = declared.find((n, i) => declared.indexOf(n) !== i)
  if (dup !== undefined) throw new Error(`${file}: ${table}.${dup} named twice`)
  const reads = used(body, table)
  const unknown = [...reads].filter(n => !declared.includes(n))
  const unread = declared.filter(n => !reads.has(n))
  if (unknown.length > 0) throw new Error(`${file}: reads ${unknown.map(n => `${table}.${n}`).join(', ')}, not in its spec`)
  if (unread.length > 0) throw new Error(`${file}: its spec names ${unread.map(n => `${table}.${n}`).join(', ')}, never read`)
}

/** A spec as flatten walks it: names, and for each its group length (-1 one value, 0 open-ended). */
interface Plan { names: string[], counts: number[] }
function plan (spec: readonly NameSpec[]): Plan {
  return { names: names(spec), counts: spec.map(s => typeof s === 'string' ? -1 : s[1] === '*' ? 0 : s[1]) }
}

/** On every call: plain loops over the plan (intake is the hot path). */
function flatten (table: string, p: Plan, values: Record<string, Value | readonly Value[] | undefined>, out: Value[]): void {
  const { names, counts } = p
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    const count = counts[i] as number
    const v = values[name]
    if (count < 0) {
      if (v === undefined || (typeof v === 'object' && !Buffer.isBuffer(v))) throw new TypeError(`${table}.${name}: one value expected`)
      out.push(v as Value)
      continue
    }
    if (!Array.isArray(v)) throw new TypeError(`${table}.${name}: a list expected`)
    if (count > 0 && v.length !== count) throw new TypeError(`${table}.${name}: ${count} values expected, got ${v.length}`)
    for (let j = 0; j < v.length; j++) out.push(v[j] as Value)
  }
}

/** Reads and checks the script now (at import: once per process). */
export function luaScript<const K extends readonly NameSpec[], const A extends readonly NameSpec[]> (command: string, file: string, keys: K, args: A): LuaScript<K, A> {
  const body = readLua(file)
  checkNames(file, 'K', keys, body)
  checkNames(file, 'A', args, body)
  const k = header('K', 'KEYS', keys)
  const a = header('A', 'ARGV', args)
  // `K.name` and `A.name` are the generated locals `K_name` and `A_name`.
  const lua = `${k.lua}\n${a.lua}\n${body.replace(/\b([KA])\.([A-Za-z_]\w*)/g, '$1_$2')}`
  const numberOfKeys = k.count
  const keyPlan = plan(keys)
  const argPlan = plan(args)
  return {
    command,
    file,
    keys,
    args,
    lua,
    numberOfKeys,
    argv (kv, av) {
      const out: Value[] = []
      flatten('K', keyPlan, kv as Record<string, readonly Value[]>, out)
      if (numberOfKeys === undefined) out.unshift(out.length)
      flatten('A', argPlan, av as Record<string, readonly Value[]>, out)
      return out
    }
  }
}

/** Defines each script's command on the client (ioredis sends EVALSHA, and the script on NOSCRIPT). */
export function defineScripts (redis: Redis | Cluster, scripts: readonly LuaScript[]): void {
  for (const s of scripts) {
    redis.defineCommand(s.command, s.numberOfKeys === undefined ? { lua: s.lua } : { numberOfKeys: s.numberOfKeys, lua: s.lua })
  }
}
