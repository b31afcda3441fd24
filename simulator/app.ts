/**
 * The simulator's Fastify app: the protocol's two paths wrapped in fault injection, plus the
 * `/_sim/*` control routes. Bodies are never logged: they carry citizens' names, IDs and phones.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { sendCallback, type CallbackRequest, type CallbackResult } from './callbacks.js'
import { resolveOptions } from './config.js'
import { registerControlRoutes } from './control.js'
import { FaultController, type Decision, type Outcome } from './faults.js'
import {
  handleAuth, handleService, internalErrorReply, sessionExpiredReply, summarize,
  type ProtocolContext
} from './protocol.js'
import { SimulatorState } from './state.js'
import { noticeProviders, registerNoticeProviders } from './notice-providers.js'
import type { SmsProvider } from './sms-provider.js'
import type { ZnsProvider } from './zns-provider.js'
import type { PortalReply, ProtocolPath, RecordedRequest, SimulatorOptions } from './types.js'
import { isRecord } from './validate.js'

export type SimulatorApp = FastifyInstance<
  import('node:http').Server, import('node:http').IncomingMessage, import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger, TypeBoxTypeProvider
>

export interface Simulator {
  app: SimulatorApp
  state: SimulatorState
  faults: FaultController
  options: SimulatorOptions
  /** The ZNS provider (`/zns`, `/zns-oauth`, `/_sim/zns`): docs/notices.md. */
  zns: ZnsProvider
  /** The SMS brandname provider (`/sms`, `/_sim/sms`): docs/notices.md. */
  sms: SmsProvider
  sendCallback (req: CallbackRequest): Promise<CallbackResult>
  /** An applicant submits a dossier online: it is stored on the portal (state.submitOnline) and announced by a `HoSoMoi` callback. */
  submitOnline (req: OnlineRequest): Promise<OnlineResult>
}

export interface OnlineRequest {
  /** The gateway's `/v1/portal/callbacks`. */
  url: string
  /** Agency code, the prefix of the assigned MaHoSo. */
  agency: string
  /** Fields over the sample HoSo (e.g. `MaTTHC`, `MaXa`). */
  hoSo?: Record<string, unknown>
  /** The callback's MaSuKien; a UUID when absent. */
  maSuKien?: string
  /** Of the callback: 1..20, default 5. */
  maxAttempts?: number
}

export interface OnlineResult {
  maHoSo: string
  /** The HoSo as stored on the portal and sent as the callback's DuLieu. */
  hoSo: Record<string, unknown>
  callback: CallbackResult
}

const STATUS_TEXT: Record<number, string> = {
  429: 'Too Many Requests', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout'
}

/** Label of an injected fault in records and counters: `429`, `503`, `close`, `hang`, `error`, `expire-session`, `echo`. */
function faultLabel (o: Outcome): string {
  switch (o.kind) {
    case 'status': return String(o.status)
    default: return o.kind
  }
}

export function buildSimulator (partial: Partial<SimulatorOptions> = {}): Simulator {
  const options = resolveOptions(partial)
  const app: SimulatorApp = Fastify({
    logger: options.logLevel === false ? false : { level: options.logLevel },
    // Fastify's own request lines are off; the handler logs one line without body content.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    // Hung requests never end by themselves: close() must cut every connection.
    forceCloseConnections: true,
    // removeAdditional would strip keys while ajv tries the branches of the script-entry union.
    ajv: { customOptions: { removeAdditional: false } }
  }).withTypeProvider<TypeBoxTypeProvider>()

  const state = new SimulatorState({ now: options.now, maxRecorded: options.maxRecorded, recordBodies: options.recordBodies })
  const faults = new FaultController(options.faults, options.now)
  const ctx: ProtocolContext = {
    state,
    username: options.username,
    password: options.password,
    sessionTtlSeconds: () => faults.sessionTtlSeconds()
  }
  // Aborted when close() starts, so that latency sleeps and callback retries stop at once.
  const closing = new AbortController()
  app.addHook('preClose', async () => { closing.abort() })

  const providers = noticeProviders(options.notices ?? {}, options.now)
  const sim: Simulator = {
    app,
    state,
    faults,
    options,
    ...providers,
    async sendCallback (req) {
      const result = await sendCallback(req, {
        secret: options.callbackSecret,
        now: options.now,
        backoffMs: options.callbackBackoffMs,
        timeoutMs: options.callbackTimeoutMs,
        signal: closing.signal
      })
      state.recordCallback({
        url: req.url,
        MaSuKien: result.MaSuKien,
        LoaiSuKien: req.event.LoaiSuKien,
        MaHoSo: req.event.MaHoSo,
        delivered: result.delivered,
        attempts: result.attempts.length,
        finalStatus: result.finalStatus
      })
      return result
    },
    async submitOnline (req) {
      const hoSo = state.submitOnline(req.agency, req.hoSo)
      const maHoSo = hoSo.MaHoSo as string
      const callback = await sim.sendCallback({
        url: req.url,
        event: { ...(req.maSuKien === undefined ? {} : { MaSuKien: req.maSuKien }), LoaiSuKien: 'HoSoMoi', MaHoSo: maHoSo, DuLieu: hoSo },
        ...(req.maxAttempts === undefined ? {} : { maxAttempts: req.maxAttempts })
      })
      return { maHoSo, hoSo, callback }
    }
  }

  const run = (path: ProtocolPath, body: unknown): PortalReply =>
    path === '/auth' ? handleAuth(ctx, body) : handleService(ctx, body)

  function record (request: FastifyRequest, entry: Omit<RecordedRequest, 'seq' | 'time' | 'at'>): void {
    const r = state.record(entry)
    request.log.debug({
      seq: r.seq, path: r.path, service: r.service, records: r.maHoSo.length, errorCode: r.errorCode, status: r.httpStatus, fault: r.fault
    }, 'portal call')
  }

  async function protocolRoute (path: ProtocolPath, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    state.callStarted()
    // 'close' fires once the reply is written or the connection is gone, whichever way the call ends.
    reply.raw.once('close', () => state.callEnded())
    const body = request.body
    const summary = summarize(path, body)
    const decision: Decision = faults.decide(path, summary.service)
    const { outcome } = decision
    const base: Omit<RecordedRequest, 'seq' | 'time' | 'at' | 'httpStatus'> = {
      path,
      ...summary,
      ...(path === '/service' ? { body } : {}),
      ...(decision.source === 'none' ? {} : { fault: `${decision.source}:${faultLabel(outcome)}` })
    }

    if (outcome.kind === 'hang' && !outcome.afterProcessing) return hang(request, reply, base)
    if (decision.latencyMs > 0) {
      try {
        await sleep(decision.latencyMs, undefined, { signal: closing.signal })
      } catch {
        reply.hijack()
        request.raw.socket.destroy()
        return undefined
      }
    }

    const afterProcessing = 'afterProcessing' in outcome && outcome.afterProcessing
    const processed = outcome.kind === 'process' || afterProcessing ? run(path, body) : undefined
    const lost = processed === undefined || outcome.kind === 'process' ? {} : { processedErrorCode: processed.error_code }

    switch (outcome.kind) {
      case 'process':
      case 'error':
      case 'expire-session': {
        let sent: PortalReply
        if (outcome.kind === 'process') sent = processed ?? internalErrorReply()
        else if (outcome.kind === 'error') sent = internalErrorReply(outcome.code, outcome.message)
        else {
          if (isRecord(body)) state.expireSession(body.session)
          sent = sessionExpiredReply()
        }
        record(request, { ...base, errorCode: sent.error_code, httpStatus: 200 })
        return reply.code(200).send(sent)
      }
      case 'status': {
        record(request, { ...base, ...lost, httpStatus: outcome.status })
        if (outcome.retryAfterSeconds !== undefined) reply.header('retry-after', String(outcome.retryAfterSeconds))
        const text = `${outcome.status} ${STATUS_TEXT[outcome.status] ?? 'Error'}`
        // An HTML page, as a proxy in front of the portal would answer: not the protocol's JSON.
        return reply.code(outcome.status).type('text/html; charset=utf-8').send(`<html><body><h1>${text}</h1></body></html>`)
      }
      case 'close':
        record(request, { ...base, ...lost, httpStatus: null })
        reply.hijack()
        request.raw.socket.destroy()
        return undefined
      case 'hang':
        return hang(request, reply, { ...base, ...lost })
      case 'echo': {
        const echoed = echo(body)
        if (outcome.status === 200) {
          record(request, { ...base, errorCode: outcome.code, httpStatus: 200 })
          return reply.code(200).send({ error_code: outcome.code, message: echoed })
        }
        record(request, { ...base, httpStatus: outcome.status })
        return reply.code(outcome.status).type('text/plain; charset=utf-8').send(echoed)
      }
    }
  }

  /** The request as a misbehaving portal would quote it back: its records, or the body without the session. */
  function echo (body: unknown): string {
    if (!isRecord(body)) return String(body)
    if (body.data !== undefined) return JSON.stringify(body.data)
    const { session: _session, password: _password, ...rest } = body
    return JSON.stringify(rest)
  }

  // The reply is taken over and never written: the socket stays open until the client gives up or close() cuts it.
  function hang (request: FastifyRequest, reply: FastifyReply, base: Omit<RecordedRequest, 'seq' | 'time' | 'at' | 'httpStatus'>): undefined {
    record(request, { ...base, httpStatus: null })
    reply.hijack()
    return undefined
  }

  app.post('/auth', (request, reply) => protocolRoute('/auth', request, reply))
  app.post('/service', (request, reply) => protocolRoute('/service', request, reply))

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const path = request.routeOptions.url
    const status = err.statusCode ?? 500
    if (path === '/auth' || path === '/service') {
      if (status === 413) {
        // The limit is enforced by the network in front of the portal: a plain HTTP error.
        record(request, { path, maHoSo: [], httpStatus: 413 })
        return reply.code(413).type('text/plain; charset=utf-8').send('413 Payload Too Large')
      }
      const sent = status < 500
        ? { error_code: '-1', message: `Dữ liệu không hợp lệ: body ${err.message}` }
        : internalErrorReply()
      if (status >= 500) request.log.error({ err }, 'simulator failure')
      record(request, { path, maHoSo: [], errorCode: sent.error_code, httpStatus: 200 })
      return reply.code(200).send(sent)
    }
    if (status >= 500) request.log.error({ err }, 'simulator failure')
    return reply.code(status).send({ statusCode: status, code: err.code, error: err.name, message: err.message })
  })

  registerControlRoutes(app, sim)
  registerNoticeProviders(app, providers)
  return sim
}
