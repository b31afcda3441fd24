/**
 * A configuration the process refuses to start with. `message` is the operator's English (the
 * server's log); `issues` say the same as codes and values, one per variable at fault, so that the
 * CLI can print them in its language (src/web/i18n-problems.ts, `cfg_<rule>`). `rule` is the
 * schema's keyword (`pattern`, `minimum`, `type`…) or one of the rules between variables below.
 */
export type ConfigRule =
  | 'requiredInProduction' // PORTAL_PASSWORD with NODE_ENV=production
  | 'notHostPort' | 'noHostPort' // a list of host:port
  | 'oneTopology' | 'sentinelNameAlone' | 'sentinelsWithoutName' // REDIS_URL / REDIS_SENTINELS / REDIS_CLUSTER_NODES
  | string

export interface ConfigIssue {
  variable: string
  rule: ConfigRule
  params: Record<string, string | number>
}

export class ConfigError extends Error {
  constructor (message: string, readonly issues: ConfigIssue[]) {
    super(message)
    this.name = 'ConfigError'
  }
}
