/**
 * Which Redis the gateway uses: one server (`REDIS_URL`), a Sentinel-managed primary
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`) or a Redis Cluster (`REDIS_CLUSTER_NODES`).
 * Exactly one may be chosen; none means a local Redis. Pure: read by config validation.
 */
import { ConfigError } from '../../domain/config-error.js'

export interface HostPort { host: string, port: number }

export type Topology =
  | { kind: 'single', url: string, password?: string }
  | { kind: 'sentinel', sentinels: HostPort[], name: string, password?: string, sentinelPassword?: string }
  | { kind: 'cluster', nodes: HostPort[], password?: string }

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

export interface TopologyConfig {
  REDIS_URL?: string | undefined
  REDIS_SENTINELS?: string | undefined
  REDIS_SENTINEL_NAME?: string | undefined
  REDIS_SENTINEL_PASSWORD?: string | undefined
  REDIS_PASSWORD?: string | undefined
  REDIS_CLUSTER_NODES?: string | undefined
}

/** `host:port,host:port` (IPv6 in brackets: `[::1]:26379`). */
export function parseHostPorts (name: string, value: string): HostPort[] {
  const out = value.split(',').map(s => s.trim()).filter(s => s !== '').map(item => {
    const m = /^(\[[0-9a-fA-F:]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(item)
    const port = Number(m?.[2])
    if (m === null || port < 1 || port > 65535) throw new ConfigError(`${name}: "${item.slice(0, 100)}" is not host:port`, [{ variable: name, rule: 'notHostPort', params: { value: item.slice(0, 100) } }])
    return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port }
  })
  if (out.length === 0) throw new ConfigError(`${name} is empty: give at least one host:port`, [{ variable: name, rule: 'noHostPort', params: {} }])
  return out
}

/** Throws with the variables at fault when the choice is not exactly one topology. */
export function redisTopology (c: TopologyConfig): Topology {
  const chosen = ([['REDIS_URL', c.REDIS_URL], ['REDIS_SENTINELS', c.REDIS_SENTINELS], ['REDIS_CLUSTER_NODES', c.REDIS_CLUSTER_NODES]] as const)
    .filter(([, v]) => v !== undefined && v !== '').map(([k]) => k)
  if (chosen.length > 1) {
    throw new ConfigError(`Redis: set exactly one of REDIS_URL, REDIS_SENTINELS (with REDIS_SENTINEL_NAME) or REDIS_CLUSTER_NODES; ${chosen.join(' and ')} are all set`,
      [{ variable: chosen.join(', '), rule: 'oneTopology', params: {} }])
  }
  const password = c.REDIS_PASSWORD === undefined || c.REDIS_PASSWORD === '' ? {} : { password: c.REDIS_PASSWORD }
  if ((c.REDIS_SENTINEL_NAME ?? '') !== '' && chosen[0] !== 'REDIS_SENTINELS') {
    throw new ConfigError('Redis: REDIS_SENTINEL_NAME is set without REDIS_SENTINELS', [{ variable: 'REDIS_SENTINEL_NAME', rule: 'sentinelNameAlone', params: {} }])
  }
  if (chosen[0] === 'REDIS_SENTINELS') {
    const name = c.REDIS_SENTINEL_NAME ?? ''
    if (name === '') throw new ConfigError('Redis: REDIS_SENTINELS is set without REDIS_SENTINEL_NAME (the name the sentinels monitor the primary under)', [{ variable: 'REDIS_SENTINELS', rule: 'sentinelsWithoutName', params: {} }])
    const sp = c.REDIS_SENTINEL_PASSWORD === undefined || c.REDIS_SENTINEL_PASSWORD === '' ? {} : { sentinelPassword: c.REDIS_SENTINEL_PASSWORD }
    return { kind: 'sentinel', sentinels: parseHostPorts('REDIS_SENTINELS', c.REDIS_SENTINELS as string), name, ...password, ...sp }
  }
  if (chosen[0] === 'REDIS_CLUSTER_NODES') {
    return { kind: 'cluster', nodes: parseHostPorts('REDIS_CLUSTER_NODES', c.REDIS_CLUSTER_NODES as string), ...password }
  }
  return { kind: 'single', url: c.REDIS_URL ?? DEFAULT_REDIS_URL, ...password }
}
