/**
 * Configuration: validated once, at start-up, against one schema; the process refuses to start
 * on anything invalid. Every deployment-specific value of the portal protocol lives here.
 */
import { envSchema } from 'env-schema'
import { Type, type Static } from 'typebox'
import { redisTopology } from './store/redis/topology.js'
import { ConfigError, type ConfigIssue } from './domain/config-error.js'

export const ConfigSchema = Type.Object({
  HOST: Type.String({ default: '0.0.0.0' }),
  PORT: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Union([
    Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
    Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')
  ], { default: 'info' }),
  /** `all` serves the API and runs delivery workers; `api` and `worker` split them across processes. */
  ROLE: Type.Union([Type.Literal('all'), Type.Literal('api'), Type.Literal('worker')], { default: 'all' }),

  /**
   * Exactly one of REDIS_URL, REDIS_SENTINELS (+ REDIS_SENTINEL_NAME) or REDIS_CLUSTER_NODES
   * (src/store/redis/topology.ts); none: redis://127.0.0.1:6379.
   */
  REDIS_URL: Type.Optional(Type.String({ minLength: 1 })),
  /** Sentinels watching the primary, `host:port,host:port`. */
  REDIS_SENTINELS: Type.Optional(Type.String({ minLength: 1 })),
  /** The name the sentinels know the primary by (`sentinel monitor <name> …`). */
  REDIS_SENTINEL_NAME: Type.Optional(Type.String({ minLength: 1 })),
  REDIS_SENTINEL_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  /** Password of the Redis data nodes (Sentinel or Cluster); with REDIS_URL put it in the URL. */
  REDIS_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  /** Some nodes of a Redis Cluster, `host:port,host:port`: the rest are discovered. */
  REDIS_CLUSTER_NODES: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * The 202 of an intake waits until this many replicas have the write (`WAIT`); fewer within
   * REDIS_WAIT_TIMEOUT_MS answer 503 NOT_REPLICATED and the sender resends (docs/operations.md).
   */
  REDIS_WAIT_REPLICAS: Type.Integer({ default: 0, minimum: 0, maximum: 16 }),
  REDIS_WAIT_TIMEOUT_MS: Type.Integer({ default: 1000, minimum: 1, maximum: 60_000 }),
  /**
   * Codes a day's sequence skips on its first code under another Redis primary (a failover, a
   * restart): more than one agency takes in during a replication lag (src/store/scripts-sequence.ts).
   */
  CODE_SEQUENCE_FAILOVER_JUMP: Type.Integer({ default: 1000, minimum: 1, maximum: 50_000 }),
  /** Prefix of the gateway's own keys; hash tags follow it, so it must not contain braces. */
  KEY_PREFIX: Type.String({ default: 'lt', pattern: '^[a-z0-9:_-]+$' }),
  /** BullMQ prefix; braces make every queue key share one Redis Cluster slot, as BullMQ requires. */
  QUEUE_PREFIX: Type.String({ default: '{lt-queue}' }),

  CLIENTS_FILE: Type.String({ default: 'config/clients.json' }),
  BODY_LIMIT_BYTES: Type.Integer({ default: 1_048_576, minimum: 1024 }),
  XML_MAX_DEPTH: Type.Integer({ default: 32, minimum: 4, maximum: 256 }),
  XML_MAX_NODES: Type.Integer({ default: 20_000, minimum: 100 }),
  /** Characters of text in one element or attribute (sax caps any single token at 64 Ki anyway). */
  XML_MAX_TEXT_CHARS: Type.Integer({ default: 65_536, minimum: 256 }),
  /** XML bodies above this size are parsed in a worker-thread pool, off the event loop. */
  XML_OFFLOAD_ABOVE_BYTES: Type.Integer({ default: 65_536, minimum: 0 }),
  RATE_LIMIT_MAX: Type.Integer({ default: 1200, minimum: 1, description: 'requests per client per window' }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ default: 60_000, minimum: 1000 }),

  PORTAL_URL: Type.String({ default: 'http://127.0.0.1:8090' }),
  PORTAL_USERNAME: Type.String({ default: 'lienthong' }),
  /**
   * Required when NODE_ENV=production (the image sets it); elsewhere (a dev box, tests, the demo)
   * the bundled simulator's `lienthong-dev` is the default.
   */
  PORTAL_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  PORTAL_TIMEOUT_MS: Type.Integer({ default: 15_000, minimum: 100 }),
  PORTAL_CONNECTIONS: Type.Integer({ default: 16, minimum: 1 }),
  /** A portal reply longer than this is dropped unread and the call retried (a reply is a few hundred bytes). */
  PORTAL_MAX_REPLY_BYTES: Type.Integer({ default: 1_048_576, minimum: 1024, maximum: 67_108_864 }),

  DELIVERY_CONCURRENCY: Type.Integer({ default: 8, minimum: 1, maximum: 256 }),
  DELIVERY_BATCH_SIZE: Type.Integer({ default: 50, minimum: 1, maximum: 50 }),
  /** How long a dossier may keep failing transiently before it is marked failed: 25 h covers a day of outage. */
  DELIVERY_RETRY_WINDOW_SECONDS: Type.Integer({ default: 90_000, minimum: 1 }),
  DELIVERY_BACKOFF_BASE_MS: Type.Integer({ default: 1000, minimum: 1 }),
  DELIVERY_BACKOFF_MAX_MS: Type.Integer({ default: 300_000, minimum: 1 }),
  /** A worker that dies mid-job loses its lock after this long; BullMQ then hands the job to another. */
  DELIVERY_LOCK_MS: Type.Integer({ default: 30_000, minimum: 1000 }),
  DELIVERY_SWEEP_INTERVAL_MS: Type.Integer({ default: 30_000, minimum: 100 }),
  BREAKER_FAILURE_THRESHOLD: Type.Integer({ default: 5, minimum: 1 }),
  BREAKER_COOLDOWN_MS: Type.Integer({ default: 5_000, minimum: 10 }),
  BREAKER_MAX_COOLDOWN_MS: Type.Integer({ default: 120_000, minimum: 10 }),

  /**
   * The portal's callback secret (HMAC-SHA256 of `<timestamp>.<body>`). Unset: the callback route
   * answers 503 and says why; it never accepts an unsigned call.
   */
  PORTAL_CALLBACK_SECRET: Type.Optional(Type.String({ minLength: 16, maxLength: 500 })),
  /** Callbacks per caller (the portal's address) and window: the portal is one caller, and a busy one. */
  CALLBACK_RATE_LIMIT_MAX: Type.Integer({ default: 12_000, minimum: 1 }),
  /** Which sector system handles an online dossier, by procedure code (docs/webhooks.md). Unset: none is routed. */
  ROUTING_FILE: Type.Optional(Type.String({ minLength: 1 })),

  /** A receiver has this long to answer a webhook delivery. */
  WEBHOOK_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100, maximum: 120_000 }),
  WEBHOOK_CONCURRENCY: Type.Integer({ default: 16, minimum: 1, maximum: 256 }),
  /**
   * Connections kept per receiver: as many as jobs may send at once (WEBHOOK_CONCURRENCY), so that
   * no job waits for a socket while the receiver could take its event.
   */
  WEBHOOK_CONNECTIONS: Type.Integer({ default: 16, minimum: 1, maximum: 64 }),
  /** Delays before each retry, in ms, comma-separated: Svix's schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
  WEBHOOK_RETRY_SCHEDULE_MS: Type.String({ default: '5000,300000,1800000,7200000,18000000,36000000,36000000', pattern: '^\\d+(,\\d+)*$' }),
  /** A receiver whose last this many deliveries failed shows as failing in /health/ready. */
  WEBHOOK_FAILING_AFTER: Type.Integer({ default: 3, minimum: 1 }),

  /** `dossier.due-soon` goes out once when an open dossier is this close to its due date (ISO 8601 duration). */
  DUE_SOON_WINDOW: Type.String({ default: 'PT24H', pattern: '^P' }),
  /** How often the deadlines are checked (one check for the whole fleet). */
  DEADLINE_SCAN_INTERVAL_MS: Type.Integer({ default: 60_000, minimum: 100 }),
  /**
   * Statistics: day counters older than this many local days are rolled up into their month by the
   * compaction job (docs/statistics.md, "Roll-up"); a query can then ask those days by whole months only.
   */
  STATS_DAY_WINDOW_DAYS: Type.Integer({ default: 100, minimum: 32, maximum: 3660 }),

  /** Raw payloads and delivery attempts are kept this long after their dossier last changed. */
  /** The admin page (/admin): a signed-in session lasts this long (seconds), then asks for the key again. */
  ADMIN_SESSION_TTL_S: Type.Integer({ default: 28_800, minimum: 60, maximum: 604_800 }),
  /** Marks the session cookie `Secure`: set it when the page is served over https (behind a TLS proxy). */
  ADMIN_COOKIE_SECURE: Type.Boolean({ default: false }),
  /** Sign-in attempts per address and minute on the admin page, counted in Redis across processes. */
  ADMIN_SIGNIN_RATE_LIMIT_MAX: Type.Integer({ default: 10, minimum: 1 }),

  RETENTION_DAYS: Type.Integer({ default: 180, minimum: 1 }),
  /** How often final, delivered dossiers past RETENTION_DAYS are compacted (one run for the fleet). */
  COMPACT_INTERVAL_MS: Type.Integer({ default: 3_600_000, minimum: 1000 }),
  /** At most this many dossiers looked at per compaction run; the rest wait for the next run. */
  COMPACT_MAX_PER_RUN: Type.Integer({ default: 20_000, minimum: 1 }),
  /** Portal callbacks for unknown codes kept per agency for admins; past it the oldest go. */
  UNMATCHED_MAX_PER_AGENCY: Type.Integer({ default: 10_000, minimum: 1, maximum: 1_000_000 }),
  ADMIN_UNITS_DIR: Type.Optional(Type.String()),
  /**
   * When set, `/metrics` and the details of `/health/ready` need `Authorization: Bearer <token>`
   * (docs/operations.md#metrics). Unset: open to whoever reaches the port (a dev box).
   */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, maxLength: 500 })),
  /** What /metrics and /health/ready read across every agency is read at most this often per process. */
  METRICS_CACHE_MS: Type.Integer({ default: 5000, minimum: 0, maximum: 300_000 }),

  /**
   * Applicant notices (docs/notices.md): off without NOTICES_FILE. With it, NOTICES_SECRET is
   * required; each channel runs when its provider is configured (ZNS_URL…, SMS_URL…, SMTP_HOST).
   */
  NOTICES_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** Key of the notices' MACs: SMS report URLs, the letter's signed links, the opt-out list's phone hashes. */
  NOTICES_SECRET: Type.Optional(Type.String({ minLength: 32, maxLength: 500 })),
  /** The gateway's public base URL, for SMS report URLs and letter links (`https://gw.example.gov.vn`). */
  NOTICES_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://\\S+$', maxLength: 500 })),
  ZNS_URL: Type.Optional(Type.String({ pattern: '^https?://\\S+$', maxLength: 500 })),
  ZNS_OAUTH_URL: Type.Optional(Type.String({ pattern: '^https?://\\S+$', maxLength: 500 })),
  ZNS_APP_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  /** The app secret: sent as `secret_key` on token refreshes. */
  ZNS_APP_SECRET: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  /** The OA secret key: checks `X-ZEvent-Signature` on delivery events (not the app secret). */
  ZNS_OA_SECRET_KEY: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  ZNS_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100, maximum: 120_000 }),
  SMS_URL: Type.Optional(Type.String({ pattern: '^https?://\\S+$', maxLength: 500 })),
  SMS_API_KEY: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  SMS_SECRET_KEY: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  /** `true`: the provider accepts and never sends (`Sandbox "1"`), for a deployment's trial run. */
  SMS_SANDBOX: Type.Boolean({ default: false }),
  SMS_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100, maximum: 120_000 }),
  SMTP_HOST: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  SMTP_PORT: Type.Integer({ default: 587, minimum: 1, maximum: 65535 }),
  /** Implicit TLS (port 465). */
  SMTP_SECURE: Type.Boolean({ default: false }),
  /** Refuse to send unless the server upgrades the connection with STARTTLS. */
  SMTP_REQUIRE_TLS: Type.Boolean({ default: true }),
  SMTP_USER: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  SMTP_PASSWORD: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  SMTP_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 100, maximum: 300_000 }),
  /** Notices one worker process sends at once. */
  NOTICE_CONCURRENCY: Type.Integer({ default: 32, minimum: 1, maximum: 1000 }),
  /** How long a worker holds a notice while calling a provider: longer than any provider timeout. */
  NOTICE_LEASE_MS: Type.Integer({ default: 120_000, minimum: 1000, maximum: 3_600_000 }),
  /** Transient failures (provider down, lost answers on SMS) before a notice ends `failed`. */
  NOTICE_MAX_ATTEMPTS: Type.Integer({ default: 8, minimum: 1, maximum: 100 }),
  /** The first retry's delay; doubled each time, at most an hour (8 attempts ≈ 2 hours). */
  NOTICE_RETRY_BASE_MS: Type.Integer({ default: 60_000, minimum: 10, maximum: 3_600_000 }),
  /** How often due notices without a job (lost, resumed) are queued again. */
  NOTICE_SWEEP_MS: Type.Integer({ default: 30_000, minimum: 100, maximum: 3_600_000 }),
  /** Estimated cost in VND per ZNS message, per SMS segment and per e-mail, for /v1/stats. */
  NOTICE_COST_ZNS: Type.Integer({ default: 300, minimum: 0, maximum: 100_000 }),
  NOTICE_COST_SMS_SEGMENT: Type.Integer({ default: 800, minimum: 0, maximum: 100_000 }),
  NOTICE_COST_EMAIL: Type.Integer({ default: 0, minimum: 0, maximum: 100_000 }),

  SHUTDOWN_GRACE_MS: Type.Integer({ default: 10_000, minimum: 100 })
})

export type Config = Static<typeof ConfigSchema> & { PORTAL_PASSWORD: string }

/** Throws with every invalid variable named; `data` defaults to process.env. */
export function loadConfig (data: Record<string, unknown> = process.env, opts: { dotenv?: boolean } = {}): Config {
  let parsed: Static<typeof ConfigSchema>
  try {
    parsed = envSchema<Static<typeof ConfigSchema>>({ schema: ConfigSchema, data, dotenv: opts.dotenv ?? false })
  } catch (err) {
    const errors = (err as { errors?: AjvIssue[] }).errors
    throw Array.isArray(errors) ? new ConfigError((err as Error).message, errors.map(issueOf)) : err
  }
  // NODE_ENV as given, or from .env (which env-schema has just loaded into process.env).
  const c = { ...parsed, PORTAL_PASSWORD: portalPassword(parsed.PORTAL_PASSWORD, data.NODE_ENV ?? (opts.dotenv === true ? process.env.NODE_ENV : undefined)) }
  // One topology, checked here so that a process with two never starts.
  redisTopology(c)
  return c
}

interface AjvIssue { instancePath: string, keyword: string, params: Record<string, unknown> }

/** An issue of env-schema's validation (ajv) as a variable, the rule it breaks and its values. */
function issueOf (e: AjvIssue): ConfigIssue {
  const params: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(e.params)) {
    if (typeof v === 'string' || typeof v === 'number') params[k] = v
    else if (Array.isArray(v)) params[k] = v.join(', ')
  }
  const variable = e.keyword === 'required' ? String(e.params.missingProperty) : e.instancePath.replace(/^\//, '')
  return { variable, rule: e.keyword, params }
}

/** The simulator's password, the default only outside production. */
export const DEV_PORTAL_PASSWORD = 'lienthong-dev'

/** A production process never runs on a password that is in the source: it refuses to start, naming the variable. */
function portalPassword (given: string | undefined, nodeEnv: unknown): string {
  if (given !== undefined) return given
  if (nodeEnv === 'production') {
    throw new ConfigError('PORTAL_PASSWORD is required when NODE_ENV=production: set it to the password the portal issued to this gateway (there is no default in production)',
      [{ variable: 'PORTAL_PASSWORD', rule: 'requiredInProduction', params: {} }])
  }
  return DEV_PORTAL_PASSWORD
}

export function runsApi (c: Config): boolean { return c.ROLE === 'all' || c.ROLE === 'api' }
export function runsWorkers (c: Config): boolean { return c.ROLE === 'all' || c.ROLE === 'worker' }
