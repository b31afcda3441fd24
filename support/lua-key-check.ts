/**
 * Checks that every key a gateway script touches is in its KEYS (the rule that keeps each script
 * on one Redis Cluster slot by construction, not by the luck of naming). Installed in a test
 * process before the gateway starts: every `lt*` command defined on any ioredis client from then
 * on runs its Lua rewritten so that each `redis.call`/`redis.pcall` first asks the server
 * `COMMAND GETKEYS` for the keys of that command and compares them with KEYS. A key that is
 * not there is recorded as a violation and the call fails. Each run is recorded too, so a test
 * can require that every script ran.
 *
 * Records are kept in Redis next to the script's first key, on its slot (so this works on a
 * cluster): the hash `lt-keycheck:{<hash tag of KEYS[1]>}`, fields `ran:<command>` and
 * `violation:<command>:<redis command>:<key>`.
 */
import { Cluster, Redis } from 'ioredis'

const PRELUDE = `
local __call, __pcall = redis.call, redis.pcall
local __declared = {}
for _, k in ipairs(KEYS) do __declared[k] = true end
local function __report ()
  local k = KEYS[1]
  if not k then return nil end
  local tag = string.match(k, '^[^{]*{([^}]+)}')
  if not tag then
    if string.find(k, '}', 1, true) then return nil end
    tag = k
  end
  return 'lt-keycheck:{' .. tag .. '}'
end
local __rk = __report()
if __rk then __call('HINCRBY', __rk, 'ran:' .. __SCRIPT_NAME, 1) end
local function __check (...)
  local keys = __pcall('COMMAND', 'GETKEYS', ...)
  if type(keys) ~= 'table' or keys.err then return end
  for _, key in ipairs(keys) do
    if not __declared[key] then
      if __rk then __call('HSET', __rk, 'violation:' .. __SCRIPT_NAME .. ':' .. string.upper(tostring((...))) .. ':' .. key, 1) end
      error('KEY_NOT_IN_KEYS: ' .. __SCRIPT_NAME .. ' ' .. string.upper(tostring((...))) .. ' ' .. key)
    end
  end
end
local function __kcall (...) __check(...) return __call(...) end
local function __kpcall (...) __check(...) return __pcall(...) end
`

/** The script as the check runs it: the prelude, then every redis.call/pcall checked. */
export function instrumentLua (name: string, lua: string): string {
  const body = lua.replace(/redis\.call\(/g, '__kcall(').replace(/redis\.pcall\(/g, '__kpcall(')
  return `${PRELUDE.replace(/__SCRIPT_NAME/g, `'${name}'`)}\n${body}`
}

type Define = (this: unknown, name: string, def: { lua: string, numberOfKeys?: number, readOnly?: boolean }) => void

/** Every `lt*` command defined from now on is checked. Returns the names defined so far (live). */
export function installKeyCheck (): Set<string> {
  const defined = new Set<string>()
  for (const proto of [Redis.prototype, Cluster.prototype] as unknown as Array<{ defineCommand: Define }>) {
    const original = proto.defineCommand
    proto.defineCommand = function (this: unknown, name, def) {
      if (!name.startsWith('lt')) { original.call(this, name, def); return }
      defined.add(name)
      original.call(this, name, { ...def, lua: instrumentLua(name, def.lua) })
    }
  }
  return defined
}

export interface KeyCheckReport { ran: Map<string, number>, violations: string[] }

/** Reads every record: `keys` lists matching keys on every primary, `client` reads them. */
export async function keyCheckReport (keys: (pattern: string) => Promise<string[]>, client: Redis | Cluster): Promise<KeyCheckReport> {
  const ran = new Map<string, number>()
  const violations: string[] = []
  for (const k of await keys('lt-keycheck:*')) {
    for (const [f, v] of Object.entries(await client.hgetall(k))) {
      if (f.startsWith('ran:')) ran.set(f.slice(4), (ran.get(f.slice(4)) ?? 0) + Number(v))
      else violations.push(f.slice('violation:'.length))
    }
  }
  return { ran, violations }
}
