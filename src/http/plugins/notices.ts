/**
 * Applicant notices (docs/notices.md): the notices file (NOTICES_FILE, validated at start-up,
 * reloaded on SIGHUP; an invalid new file is refused while the one in force stays), the channel
 * clients from the environment, the officers' actions, and where ROLE says so the worker that
 * sends them and the sweeper. Off without NOTICES_FILE: no dossier change owes a notice.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import fp from 'fastify-plugin'
import { Worker, type Job } from 'bullmq'
import { Counter, Gauge } from 'prom-client'
import { runsWorkers, type Config } from '../../config.js'
import { loadNotices, type NoticesConfig } from '../../adapters/notices/notices-file.js'
import { providerAgent } from '../../adapters/notices/http-json.js'
import { ZnsTokenStore } from '../../adapters/notices/zns-token-store.js'
import { ZnsClient } from '../../adapters/notices/zns-client.js'
import { SmsClient } from '../../adapters/notices/sms-client.js'
import { EmailClient } from '../../adapters/notices/email-client.js'
import { NOTICE_QUEUE, type JobName, type JobPayloads } from '../../queue/jobs.js'
import { NoticeDeliverer } from '../../queue/notice-delivery.js'
import { NoticeSenders } from '../../queue/notice-senders.js'
import { sweepNotices } from '../../queue/notice-jobs.js'
import { NoticeAdmin } from '../../services/notices/notice-admin.js'
import { bullConnection } from '../../store/redis/connection.js'
import type { NoticeKindsOf } from '../../domain/notices/kinds.js'
import { cachedFor } from './metrics.js'

export interface NoticesRuntime {
  /** The file in force; undefined when notices are off. */
  config: () => NoticesConfig | undefined
  kinds: NoticeKindsOf
  reload: () => boolean
  admin: NoticeAdmin
  /** ZNS tokens in Redis: how an admin authorises the Official Account (CLI). */
  tokens: ZnsTokenStore | undefined
  /** The worker's sender, in processes that run workers (tests drive it directly). */
  deliverer: NoticeDeliverer | undefined
}

declare module 'fastify' {
  interface FastifyInstance { notices: NoticesRuntime }
}

/** What the environment must give once NOTICES_FILE is set: refused at start-up, naming the variable. */
export function checkNoticeEnv (c: Config): void {
  if (c.NOTICES_FILE === undefined) return
  const need = (ok: boolean, what: string): void => { if (!ok) throw new Error(`NOTICES_FILE is set: ${what}`) }
  need(c.NOTICES_SECRET !== undefined, 'NOTICES_SECRET (at least 32 characters) is required')
  if (c.ZNS_URL !== undefined) need(c.ZNS_OAUTH_URL !== undefined && c.ZNS_APP_ID !== undefined && c.ZNS_APP_SECRET !== undefined, 'ZNS_URL needs ZNS_OAUTH_URL, ZNS_APP_ID and ZNS_APP_SECRET')
  if (c.SMS_URL !== undefined) need(c.SMS_API_KEY !== undefined && c.SMS_SECRET_KEY !== undefined && c.NOTICES_PUBLIC_URL !== undefined, 'SMS_URL needs SMS_API_KEY, SMS_SECRET_KEY and NOTICES_PUBLIC_URL (where delivery reports come)')
}

export default fp(async (app) => {
  const c = app.config
  checkNoticeEnv(c)
  const file = c.NOTICES_FILE
  const log = app.log.child({ component: 'notices' })
  let config = file === undefined ? undefined : loadNotices(file)
  if (config !== undefined) log.info({ agencies: config.agencies.size }, 'notices file loaded')
  const agent = providerAgent(64, Math.max(c.ZNS_TIMEOUT_MS, c.SMS_TIMEOUT_MS))
  const tokens = c.ZNS_URL !== undefined && c.ZNS_OAUTH_URL !== undefined && c.ZNS_APP_ID !== undefined && c.ZNS_APP_SECRET !== undefined
    ? new ZnsTokenStore(app.redis, agent, { prefix: c.KEY_PREFIX, oauth: { url: c.ZNS_OAUTH_URL, appId: c.ZNS_APP_ID, appSecret: c.ZNS_APP_SECRET, timeoutMs: c.ZNS_TIMEOUT_MS } })
    : undefined
  const admin = new NoticeAdmin(app.store, app.queues, c.NOTICES_SECRET)
  const runtime: NoticesRuntime = {
    config: () => config,
    kinds: (agency) => config?.agencies.get(agency)?.kinds,
    reload: () => {
      if (file === undefined) return true
      try {
        config = loadNotices(file)
      } catch (err) {
        log.error({ reason: (err as Error).message }, 'notices file refused: the one loaded before stays in force')
        return false
      }
      log.info({ agencies: config.agencies.size }, 'notices file reloaded')
      return true
    },
    admin,
    tokens,
    deliverer: undefined
  }
  app.decorate('notices', runtime)

  const outcomes = new Counter({ name: 'lienthong_notice_outcomes_total', help: 'Calls to notice providers, by channel and outcome (sent, next-channel-applicant, retry, stop-channel-config, ...)', labelNames: ['channel', 'outcome'], registers: [app.metrics.registry] })
  const channelStates = cachedFor(c.METRICS_CACHE_MS, async () => await app.store.notices.channels())
  // eslint-disable-next-line no-new -- registered on the registry, read when scraped
  new Gauge({
    name: 'lienthong_notice_channel_stopped',
    help: 'Notice channels and templates stopped (1), fleet-wide, aggregate with max; mode: hold (its notices wait for an admin), skip (they pass to the next channel), today (full until local midnight)',
    labelNames: ['channel', 'mode'],
    registers: [app.metrics.registry],
    async collect () {
      // A scrape while Redis is away reports the other series; this one is left out.
      const states = await channelStates().catch(() => undefined)
      if (states === undefined) return
      this.reset()
      for (const [name, st] of Object.entries(states)) {
        const mode = st.until !== undefined ? 'today' : st.mode
        if (st.until === undefined || st.until > Date.now()) this.set({ channel: name.replace('|', ':'), mode }, 1)
      }
    }
  })
  const waiting = cachedFor(c.METRICS_CACHE_MS, async () => await app.store.notices.waiting(await (app.metricsState.shared?.agencies ?? app.store.agencies)()))
  // eslint-disable-next-line no-new -- registered on the registry, read when scraped
  new Gauge({
    name: 'lienthong_notices_waiting',
    help: 'Notices not yet sent, fleet-wide (aggregate with max): queued (due, retrying, sending, in quiet hours) or held for a stopped channel',
    labelNames: ['state'],
    registers: [app.metrics.registry],
    async collect () {
      // A scrape while Redis is away reports the other series; this one is left out.
      const w = await waiting().catch(() => undefined)
      if (w === undefined) return
      this.set({ state: 'queued' }, w.queued)
      this.set({ state: 'held' }, w.held)
    }
  })

  if (!runsWorkers(c) || file === undefined || c.NOTICES_SECRET === undefined) {
    app.addHook('onClose', async () => { await agent.close() })
    return
  }
  const secret = c.NOTICES_SECRET
  const senders = new NoticeSenders(app.store, {
    ...(tokens === undefined || c.ZNS_URL === undefined ? {} : { zns: new ZnsClient(agent, tokens, { url: c.ZNS_URL, timeoutMs: c.ZNS_TIMEOUT_MS }) }),
    ...(c.SMS_URL === undefined || c.SMS_API_KEY === undefined || c.SMS_SECRET_KEY === undefined
      ? {}
      : { sms: new SmsClient(agent, { url: c.SMS_URL, apiKey: c.SMS_API_KEY, secretKey: c.SMS_SECRET_KEY, timeoutMs: c.SMS_TIMEOUT_MS, sandbox: c.SMS_SANDBOX }) }),
    ...(c.SMTP_HOST === undefined
      ? {}
      : {
          email: (from: string) => new EmailClient({
            host: c.SMTP_HOST ?? '',
            port: c.SMTP_PORT,
            secure: c.SMTP_SECURE,
            requireTls: c.SMTP_REQUIRE_TLS,
            from,
            timeoutMs: c.SMTP_TIMEOUT_MS,
            ...(c.SMTP_USER === undefined ? {} : { user: c.SMTP_USER }),
            ...(c.SMTP_PASSWORD === undefined ? {} : { password: c.SMTP_PASSWORD })
          })
        }),
    ...(c.NOTICES_PUBLIC_URL === undefined ? {} : { publicUrl: c.NOTICES_PUBLIC_URL.replace(/\/$/, '') }),
    secret,
    costs: { zns: c.NOTICE_COST_ZNS, smsSegment: c.NOTICE_COST_SMS_SEGMENT, email: c.NOTICE_COST_EMAIL },
    letterLinkDays: () => config?.letterLinkDays ?? 30,
    letterTtlMs: c.RETENTION_DAYS * 86_400_000,
    znsMessageTtlMs: 7 * 86_400_000
  })
  const deliverer = new NoticeDeliverer(app.store, app.queues, () => config, senders, {
    leaseMs: c.NOTICE_LEASE_MS, maxAttempts: c.NOTICE_MAX_ATTEMPTS, retryBaseMs: c.NOTICE_RETRY_BASE_MS, secret
  }, {
    outcome: (channel, kind) => { outcomes.inc({ channel, outcome: kind }) },
    stopped: () => {}
  }, log)
  runtime.deliverer = deliverer
  const bull = bullConnection(c, (err) => { log.warn({ err: err.message }, 'worker connection error') })
  const worker = new Worker(NOTICE_QUEUE, async (job: Job) => {
    const name = job.name as JobName
    if (name === 'send-notice') {
      const { agency, id } = job.data as JobPayloads['send-notice']
      return await deliverer.process(agency, id)
    }
    if (name === 'sweep-notices') return await sweepNotices(app.store, app.queues)
    throw new Error(`unknown job ${job.name}`)
  }, {
    connection: bull.connection,
    prefix: c.QUEUE_PREFIX,
    concurrency: c.NOTICE_CONCURRENCY,
    lockDuration: Math.max(30_000, c.NOTICE_LEASE_MS),
    maxStalledCount: 5
  })
  worker.on('error', (err) => { log.warn({ err: err.message }, 'worker error') })
  await app.queues.scheduleNoticeSweep(c.NOTICE_SWEEP_MS)
  const reschedule = (): void => {
    app.queues.scheduleNoticeSweep(c.NOTICE_SWEEP_MS).catch((err: Error) => { log.warn({ err: err.message }, 'notice sweep not rescheduled') })
  }
  app.redis.on('ready', reschedule)
  app.addHook('onClose', async () => {
    app.redis.off('ready', reschedule)
    const redisUp = app.redis.status === 'ready'
    await Promise.race([worker.close(!redisUp), sleep(redisUp ? c.SHUTDOWN_GRACE_MS : 500, undefined, { ref: false })])
    await bull.close()
    await agent.close()
  })
}, { name: 'notices', dependencies: ['config', 'redis', 'store', 'metrics'] })
