/**
 * The stack an integration test runs on: a real Redis, the portal simulator, a sector stub for
 * webhooks and the gateway, started in that order and closed in the reverse one (clients, the
 * gateways, the stub, the simulator, Redis), also when start-up fails halfway.
 *
 * `useStack(t, opts)` is for a whole file: it starts in `t.before` and closes in `t.teardown`, and
 * returns stand-ins (`const { gw, sim, db } = useStack(t, …)`) that reach the real objects once
 * they are started; touching one earlier, or one the options did not ask for, throws and says so.
 * `startStack(t, opts)` starts at once (inside a subtest) and closes in that subtest's teardown.
 * tap runs teardowns last in, first out: one a test registers after the stack's runs before the
 * stack closes (a BullMQ queue or worker of the test's own, say).
 */
import { Redis, type Cluster } from 'ioredis'
import { RedisServer } from '../../support/redis-server.js'
import { startTestRedis, type TestRedis } from '../../support/test-redis.js'
import type { TestClient } from '../../support/clients-file.js'
import {
  startSimulator, startSectorStub,
  type RunningSimulator, type SectorStub, type SectorStubOptions, type SimulatorOptions
} from '../../simulator/index.js'
import { queuesSettled, spawnGateway, startGateway, type ChildGateway, type InProcessGateway } from './gateway.js'

/** A port nothing listens on: the gateway's portal when a test runs without the simulator. */
export const NO_PORTAL = 'http://127.0.0.1:9'

export interface StackOptions {
  /**
   * `server` (the default): one redis-server (`redis`, `db`). `topology`: support/test-redis.ts,
   * a cluster under LT_TEST_REDIS=cluster (`topology`, `topologyDb`).
   */
  redis?: 'server' | 'topology'
  /** The simulator's options; `false`: none, the gateway's portal is {@link NO_PORTAL}. */
  simulator?: Partial<SimulatorOptions> | false
  /** A sector stub receiving the gateway's webhooks (`stub`). */
  stub?: SectorStubOptions
  /** `in-process` (the default, `gw`), `child` (src/server.ts in its own process, `child`), or none. */
  gateway?: 'in-process' | 'child' | false
  /** A second in-process gateway on the same Redis and clients (`gw2`). */
  second?: boolean
  /** The gateway's variables, over helpers/gateway.ts's test defaults; a function when they need the simulator's URL. */
  env?: Record<string, string> | ((s: BeforeGateway) => Record<string, string>)
  /** Clients besides the admin and one per system; a function when they need the stub's URL. */
  extraClients?: TestClient[] | ((s: BeforeGateway) => TestClient[])
  /** A client of the test's own on Redis (`db`, or `topologyDb`). */
  db?: boolean
  /** Wait until the job queues wrote their metadata (a "nothing stored" check needs it). */
  settled?: boolean
}

export interface StackParts {
  redis: RedisServer
  topology: TestRedis
  db: Redis
  topologyDb: Redis | Cluster
  sim: RunningSimulator
  stub: SectorStub
  gw: InProcessGateway
  gw2: InProcessGateway
  child: ChildGateway & { keysDir: string, port: number }
}

export interface Stack extends StackParts {
  /**
   * One more in-process gateway on the stack's Redis and portal, with `gw`'s clients when there
   * is a `gw`, and exactly `env` over the test defaults (the stack's `env` is not merged in): a
   * worker or an API process started halfway through a test. The stack closes it before `gw`.
   */
  addGateway: (env?: Record<string, string>) => Promise<InProcessGateway>
}

interface Hooks {
  before: (fn: () => Promise<void>) => unknown
  teardown: (fn: () => Promise<void>) => unknown
  comment: (message: string) => unknown
}

type Started = Partial<StackParts> & { later?: InProcessGateway[], redisEnv?: Record<string, string> }

/** Closes what was started, in reverse order; every step runs even if one before it throws. */
async function closeStarted (s: Started): Promise<void> {
  const { db, topologyDb, later = [], gw2, gw, child, stub, sim, redis, topology } = s
  const steps: Array<() => unknown> = [
    () => { db?.disconnect() },
    () => { topologyDb?.disconnect() },
    ...later.reverse().map(g => async () => { await g.close() }),
    async () => { await gw2?.close() },
    async () => { await gw?.close() },
    async () => { await child?.stop() },
    async () => { await stub?.close() },
    async () => { await sim?.close() },
    async () => { await redis?.close() },
    async () => { await topology?.close() }
  ]
  for (const k of Object.keys(s)) Reflect.deleteProperty(s, k)
  const errors: unknown[] = []
  for (const step of steps) {
    try { await step() } catch (e) { errors.push(e) }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'closing the test stack')
}

/** What `extraClients` may use: the parts started before the gateway. */
export interface BeforeGateway { redis: RedisServer, sim: RunningSimulator, stub: SectorStub }

function startedSoFar (s: Partial<BeforeGateway>): BeforeGateway {
  const need = <K extends keyof BeforeGateway>(k: K): BeforeGateway[K] => {
    const v = s[k]
    if (v === undefined) throw new Error(`extraClients or env asks for ${k}: the options start none`)
    return v
  }
  return { get redis () { return need('redis') }, get sim () { return need('sim') }, get stub () { return need('stub') } }
}

async function startInto (t: Hooks, s: Started, o: StackOptions): Promise<void> {
  let redisEnv: Record<string, string>
  if (o.redis === 'topology') {
    s.topology = await startTestRedis()
    t.comment(`Redis: ${s.topology.kind}`)
    redisEnv = s.topology.env
  } else {
    s.redis = await RedisServer.start()
    redisEnv = { REDIS_URL: s.redis.url }
  }
  s.redisEnv = redisEnv
  if (o.simulator !== false) s.sim = await startSimulator(o.simulator ?? {})
  if (o.stub !== undefined) s.stub = await startSectorStub(o.stub)
  const extraClients = typeof o.extraClients === 'function' ? o.extraClients(startedSoFar(s)) : o.extraClients
  const vars = typeof o.env === 'function' ? o.env(startedSoFar(s)) : o.env
  const env = { redisEnv, portalUrl: s.sim?.url ?? NO_PORTAL, ...(vars === undefined ? {} : { env: vars }), extraClients }
  const gateway = o.gateway ?? 'in-process'
  if (gateway === 'in-process') {
    s.gw = await startGateway(env)
    if (o.second === true) {
      // On a port of its own: a PORT in the env is the first gateway's.
      const { PORT: _port, ...rest } = env.env ?? {}
      s.gw2 = await startGateway({ ...env, env: rest, clients: { file: s.gw.clientsFile, keys: s.gw.keys } })
    }
  } else if (gateway === 'child') {
    s.child = await spawnGateway(env)
  }
  if (o.db === true) {
    if (s.redis !== undefined) s.db = new Redis(s.redis.url)
    else s.topologyDb = s.topology?.client()
  }
  if (o.settled === true) {
    if (s.gw === undefined || s.db === undefined) throw new Error('`settled` needs an in-process gateway and `db`')
    await queuesSettled(s.gw, s.db)
  }
}

async function addGateway (s: Started, env: Record<string, string> = {}): Promise<InProcessGateway> {
  if (s.redisEnv === undefined) throw new Error('addGateway: the test stack is not running')
  const gw = s.gw
  const g = await startGateway({
    redisEnv: s.redisEnv,
    portalUrl: s.sim?.url ?? NO_PORTAL,
    env,
    ...(gw === undefined ? {} : { clients: { file: gw.clientsFile, keys: gw.keys } })
  })
  ;(s.later ??= []).push(g)
  return g
}

/** Starts the stack; if a step fails, what was started is closed before the error is thrown. */
async function start (t: Hooks, s: Started, o: StackOptions): Promise<void> {
  try {
    await startInto(t, s, o)
  } catch (e) {
    await closeStarted(s).catch(() => {})
    throw e
  }
}

/** Starts the stack now and closes it in `t`'s teardown. */
export async function startStack (t: Hooks, o: StackOptions = {}): Promise<Stack> {
  const s: Started = {}
  t.teardown(async () => { await closeStarted(s) })
  await start(t, s, o)
  const add = async (env?: Record<string, string>): Promise<InProcessGateway> => await addGateway(s, env)
  return new Proxy(s, {
    get: (target, p) => {
      if (p === 'addGateway') return add
      const v = Reflect.get(target, p)
      if (v === undefined && typeof p === 'string' && p !== 'then') throw new Error(`the test stack has no ${p}: ask for it in the options`)
      return v
    }
  }) as Stack
}

/** Starts the stack in `t.before`, closes it in `t.teardown`; returns stand-ins for its parts. */
export function useStack (t: Hooks, o: StackOptions = {}): Stack {
  const s: Started = {}
  let phase: 'waiting' | 'started' | 'closed' = 'waiting'
  t.teardown(async () => { phase = 'closed'; await closeStarted(s) })
  t.before(async () => { await start(t, s, o); phase = 'started' })
  const part = <K extends keyof StackParts>(name: K): StackParts[K] => {
    const real = (): object => {
      const v = s[name]
      if (v !== undefined) return v
      if (phase === 'waiting') throw new Error(`${name} is used before t.before started the test stack`)
      throw new Error(phase === 'closed' ? `${name} is used after the test stack closed` : `the test stack has no ${name}: ask for it in the options`)
    }
    // Methods are bound to the real object, so they may also be passed around (`redis.keys`).
    return new Proxy({}, {
      get: (_, p) => {
        if (p === 'then' && s[name] === undefined) return undefined
        const r = real()
        const v: unknown = Reflect.get(r, p, r)
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(r) : v
      },
      set: (_, p, v) => Reflect.set(real(), p, v),
      has: (_, p) => Reflect.has(real(), p),
      ownKeys: () => Reflect.ownKeys(real()),
      getOwnPropertyDescriptor: (_, p) => {
        const d = Reflect.getOwnPropertyDescriptor(real(), p)
        return d === undefined ? undefined : { ...d, configurable: true }
      },
      getPrototypeOf: () => Reflect.getPrototypeOf(real())
    }) as StackParts[K]
  }
  return {
    redis: part('redis'),
    topology: part('topology'),
    db: part('db'),
    topologyDb: part('topologyDb'),
    sim: part('sim'),
    stub: part('stub'),
    gw: part('gw'),
    gw2: part('gw2'),
    child: part('child'),
    addGateway: async (env) => await addGateway(s, env)
  }
}
