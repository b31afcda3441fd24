/**
 * `/_sim/*`: control and inspection routes for tests, the demo and benchmarks. They are not part
 * of the portal protocol and faults never apply to them.
 */
import { Type } from 'typebox'
import type { Simulator, SimulatorApp } from './app.js'
import { FaultsError } from './faults.js'
import { InvalidDossierError } from './online.js'
import { FaultsPatchSchema } from './types.js'

const ProtocolPathSchema = Type.Union([Type.Literal('/auth'), Type.Literal('/service')])

const ReceivedQuery = Type.Object({
  service: Type.Optional(Type.String({ maxLength: 100 })),
  path: Type.Optional(ProtocolPathSchema),
  errorCode: Type.Optional(Type.String({ maxLength: 10 })),
  mahoso: Type.Optional(Type.String({ maxLength: 50 })),
  since: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  bodies: Type.Optional(Type.Boolean({ description: 'include the /service bodies (default true)' }))
}, { additionalProperties: false })

const StateQuery = Type.Object({
  mahoso: Type.Optional(Type.String({ maxLength: 50 }))
}, { additionalProperties: false })

const FaultsQuery = Type.Object({
  mode: Type.Optional(Type.Union([Type.Literal('merge'), Type.Literal('replace')]))
}, { additionalProperties: false })

const CallbackBody = Type.Object({
  url: Type.String({ pattern: '^https?://', maxLength: 2000 }),
  event: Type.Object({
    MaSuKien: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    LoaiSuKien: Type.String({ minLength: 1, maxLength: 50 }),
    MaHoSo: Type.String({ minLength: 1, maxLength: 50 }),
    ThoiDiem: Type.Optional(Type.String({ maxLength: 14 })),
    DuLieu: Type.Unknown()
  }, { additionalProperties: false }),
  maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  timestampSkewSeconds: Type.Optional(Type.Integer({ minimum: -31_536_000, maximum: 31_536_000 })),
  badSignature: Type.Optional(Type.Boolean()),
  secret: Type.Optional(Type.String({ minLength: 1, maxLength: 500 }))
}, { additionalProperties: false })

const OnlineBody = Type.Object({
  url: Type.String({ pattern: '^https?://', maxLength: 2000 }),
  agency: Type.String({ pattern: '^[0-9A-Za-z]+(\\.[0-9A-Za-z]+)*$', maxLength: 30 }),
  hoSo: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  maSuKien: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 }))
}, { additionalProperties: false })

export function registerControlRoutes (app: SimulatorApp, sim: Simulator): void {
  const { state, faults } = sim

  app.get('/_sim/health', async () => ({ ok: true }))

  app.get('/_sim/state', { schema: { querystring: StateQuery } }, async (request, reply) => {
    const { mahoso } = request.query
    if (mahoso === undefined) return { counts: state.counts(), dossiers: state.dossiers() }
    const dossier = state.dossier(mahoso)
    if (dossier === undefined) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no dossier ${mahoso}` })
    return dossier
  })

  app.get('/_sim/received', { schema: { querystring: ReceivedQuery } }, async (request) => {
    const { mahoso, bodies, ...rest } = request.query
    let requests = state.received({ ...rest, ...(mahoso === undefined ? {} : { maHoSo: mahoso }) })
    if (bodies === false) requests = requests.map(({ body: _body, ...r }) => r)
    return { count: requests.length, requests }
  })

  app.get('/_sim/faults', async () => faults.get())

  app.put('/_sim/faults', { schema: { querystring: FaultsQuery, body: FaultsPatchSchema } }, async (request, reply) => {
    try {
      return faults.set(request.body, request.query.mode ?? 'merge')
    } catch (err) {
      // Checks beyond the schema (e.g. latency sum); anything else is a bug and goes to the error handler.
      if (err instanceof FaultsError) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: err.message })
      throw err
    }
  })

  app.post('/_sim/reset', async () => {
    state.reset()
    return { ok: true, faults: faults.reset() }
  })

  app.post('/_sim/sessions/expire', async () => ({ expired: state.expireAllSessions() }))

  app.post('/_sim/callbacks', { schema: { body: CallbackBody } }, async (request) => sim.sendCallback(request.body))

  app.post('/_sim/online', { schema: { body: OnlineBody } }, async (request, reply) => {
    try {
      return await sim.submitOnline(request.body)
    } catch (err) {
      if (err instanceof InvalidDossierError) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: err.message })
      throw err
    }
  })
}
