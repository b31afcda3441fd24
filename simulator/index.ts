/**
 * Programmatic entry of the portal simulator, for tests, the demo and benchmarks: a real HTTP
 * server in the same process, with its state and faults at hand.
 */
import type { AddressInfo } from 'node:net'
import { buildSimulator, type SimulatorApp } from './app.js'
import type { OnlineRequest, OnlineResult } from './app.js'
import type { CallbackRequest, CallbackResult } from './callbacks.js'
import type { SimulatorState } from './state.js'
import type { Faults, FaultsPatch, SimulatorOptions } from './types.js'
import type { SmsProvider } from './sms-provider.js'
import type { ZnsProvider } from './zns-provider.js'

export interface RunningSimulator {
  /** Base URL, the gateway's PORTAL_URL: `http://127.0.0.1:<port>`. */
  url: string
  port: number
  state: SimulatorState
  app: SimulatorApp
  /** The notice providers: ZNS (`${url}/zns`, OAuth `${url}/zns-oauth`) and SMS (`${url}/sms`). */
  zns: ZnsProvider
  sms: SmsProvider
  /** Current faults. */
  faults (): Faults
  /** Merges into the current faults; `{ replace: true }` starts from no faults at all. Throws FaultsError on bad values. */
  setFaults (patch: FaultsPatch, opts?: { replace?: boolean }): Faults
  /** Back to the faults given at start. */
  resetFaults (): Faults
  /** Clears dossiers, sessions, records and faults, as POST /_sim/reset. */
  reset (): void
  sendCallback (req: CallbackRequest): Promise<CallbackResult>
  /** Stores a dossier as submitted online on the portal and sends its `HoSoMoi` callback, as POST /_sim/online. */
  submitOnline (req: OnlineRequest): Promise<OnlineResult>
  /** Stops listening and cuts every connection, hung ones included. */
  close (): Promise<void>
}

export async function startSimulator (opts: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  const sim = buildSimulator(opts)
  const { app, state, faults, options } = sim
  await app.listen({ host: options.host, port: options.port })
  const { port } = app.server.address() as AddressInfo
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  let closed: Promise<void> | undefined
  return {
    url: `http://${host}:${port}`,
    port,
    state,
    app,
    zns: sim.zns,
    sms: sim.sms,
    faults: () => faults.get(),
    setFaults: (patch, o) => faults.set(patch, o?.replace === true ? 'replace' : 'merge'),
    resetFaults: () => faults.reset(),
    reset: () => {
      state.reset()
      faults.reset()
    },
    sendCallback: (req) => sim.sendCallback(req),
    submitOnline: (req) => sim.submitOnline(req),
    close: () => {
      closed ??= app.close()
      return closed
    }
  }
}

export { buildSimulator } from './app.js'
export type { OnlineRequest, OnlineResult, Simulator, SimulatorApp } from './app.js'
export { signCallback, sendCallback, portalDate, callbackBody } from './callbacks.js'
export type { CallbackEvent, CallbackRequest, CallbackResult, CallbackAttempt, CallbackSendOptions } from './callbacks.js'
export { defaultOptions, optionsFromEnv, resolveOptions, ConfigError, DEFAULT_PORT } from './config.js'
export { FaultController, FaultsError, NEUTRAL_FAULTS, prng } from './faults.js'
export type { Decision, Outcome } from './faults.js'
export { SERVICES, MESSAGES } from './protocol.js'
export { SimulatorState } from './state.js'
export { FIRST_ONLINE_SEQ, InvalidDossierError, onlineHoSo, onlineMaHoSo } from './online.js'
export type { SentCallback } from './state.js'
export { isPortalDate, isMaHoSo, validateHoSo, validateTienDo, findNullOrNonNfc } from './validate.js'
export type { Issue } from './validate.js'
export type {
  Counts, DossierView, Faults, FaultsPatch, OutageStatus, OutageWindow, PortalReply, ProtocolPath,
  ReceivedFilter, RecordedRequest, ScriptEntry, SimulatorOptions, StepRecord
} from './types.js'
export { PortalClient, postJson } from './client.js'
export type { RawReply, PostOptions } from './client.js'
export { SAMPLE_AGENCY, sampleHoSo, sampleMaHoSo, sampleTienDo } from './fixtures.js'
export { startSectorStub } from './sector-stub.js'
export { DEV_SMS, DEV_ZNS, SAMPLE_SMS_TEMPLATES, SAMPLE_ZNS_TEMPLATES, noticeProviderEnv } from './notice-providers.js'
export type { NoticeProvidersOptions } from './notice-providers.js'
export { ZnsProvider } from './zns-provider.js'
export type { ZnsSentRecord, ZnsSimOptions, ZnsSimTemplate } from './zns-provider.js'
export { SmsProvider, SMS_SIM_PATH } from './sms-provider.js'
export type { SmsSentRecord, SmsSimOptions } from './sms-provider.js'
export type { ReceivedWebhook, SectorStub, SectorStubOptions, StubBehaviour } from './sector-stub.js'
