/**
 * The commands of the model-based test, as plain data (so a shrunk sequence can be written down
 * and replayed: regressions.ts), their arbitraries, and the fast-check wrapper. What each does
 * to the model and to the gateway is in run-*.ts.
 */
import fc from 'fast-check'
import type { DueSpec } from './payloads.js'
import type { Model } from './model.js'
import type { World } from './world.js'
import { precondition, execute } from './run.js'

export type PortalEventType = 'ThanhToan' | 'DanhGia' | 'RutHoSo' | 'NopBoSung'
/** A field a HoSoMoi may lack: kept for admins, answered 2xx (architecture.md). */
export type IncompleteField = 'ChuHoSo' | 'MaTTHC' | 'NgayHenTra'
export type EventType = 'status' | 'step' | 'due-date' | 'supplement-requested' | 'supplement-received' | 'result'

export type Cmd =
  | { k: 'new', agency: number, commune: number, status: string, due: DueSpec, online: boolean, sid: string, stepMinutes?: number }
  | { k: 'batch', agency: number, n: number, days: number, sid: string }
  | { k: 'dup', i: number }
  | { k: 'update', i: number, summary: string, commune?: number }
  | { k: 'resend', i: number, status: string, stepMinutes?: number }
  | { k: 'event', i: number, type: EventType, pick: number, due?: DueSpec }
  | { k: 'outage', on: boolean }
  | { k: 'reject', agency: number, sid: string }
  | { k: 'big', agency: number, sid: string }
  | { k: 'review', sid: string, days: number }
  | { k: 'settle', i: number, pick: number }
  | { k: 'replay', i: number }
  | { k: 'edit', i: number, summary: string }
  | { k: 'discard', i: number }
  | { k: 'clock', hours: number }
  | { k: 'compact' }
  | { k: 'online', agency: number, commune: number, routed: boolean, due: DueSpec }
  | { k: 'route', i: number }
  | { k: 'link', i: number }
  | { k: 'portal', i: number, type: PortalEventType, score: number }
  | { k: 'copy', j: number }
  | { k: 'orphan', agency: number, type: PortalEventType }
  | { k: 'incomplete', agency: number, drop: IncompleteField }

const i = fc.nat({ max: 999 })
const agency = fc.integer({ min: 0, max: 1 })
const due: fc.Arbitrary<DueSpec> = fc.record({ hours: fc.integer({ min: -72, max: 72 }).filter(h => h !== 0), dateOnly: fc.boolean() })
/** Mixed case and punctuation: the orders of `localeCompare` and of code units differ on them. */
const sid = fc.stringMatching(/^[A-Za-z0-9_.-]{1,4}$/)
const minutes = fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined })
const status = fc.constantFrom('1', '2', '3', '4', '5', '6', '7', '8', '9', '10')
const portalType = fc.constantFrom<PortalEventType>('ThanhToan', 'DanhGia', 'RutHoSo', 'NopBoSung')
const eventType = fc.constantFrom<EventType>('status', 'step', 'due-date', 'supplement-requested', 'supplement-received', 'result')

/** Every command the test draws from; `weights` favour the common ones. */
export function cmdArbitrary (): fc.Arbitrary<Cmd> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ k: fc.constant('new' as const), agency, commune: fc.nat({ max: 2 }), status: fc.constantFrom('2', '2', '4', '5', '9', '10', '3'), due, online: fc.boolean(), sid, stepMinutes: minutes }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('batch' as const), agency, n: fc.integer({ min: 2, max: 60 }), days: fc.constantFrom(-2, -1, 1, 2), sid }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('dup' as const), i }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('update' as const), i, summary: fc.constantFrom('Khai sinh', 'Cấp bản sao trích lục', 'Đăng ký kết hôn'), commune: fc.option(fc.nat({ max: 2 }), { nil: undefined }) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('resend' as const), i, status, stepMinutes: minutes }) },
    { weight: 6, arbitrary: fc.record({ k: fc.constant('event' as const), i, type: eventType, pick: fc.nat({ max: 9 }), due: fc.option(due, { nil: undefined }) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('outage' as const), on: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('reject' as const), agency, sid }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('big' as const), agency, sid }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('review' as const), sid, days: fc.constantFrom(-2, -1, 1, 2) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('settle' as const), i, pick: fc.nat({ max: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('replay' as const), i }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('edit' as const), i, summary: fc.constantFrom('Đã sửa', 'Sửa lại trích yếu') }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('discard' as const), i }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('clock' as const), hours: fc.integer({ min: 1, max: 40 }) }) },
    { weight: 1, arbitrary: fc.constant({ k: 'compact' as const }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('online' as const), agency, commune: fc.nat({ max: 2 }), routed: fc.boolean(), due }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('route' as const), i }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('link' as const), i }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('portal' as const), i, type: portalType, score: fc.integer({ min: 1, max: 5 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('copy' as const), j: i }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('orphan' as const), agency, type: portalType }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('incomplete' as const), agency, drop: fc.constantFrom<IncompleteField>('ChuHoSo', 'MaTTHC', 'NgayHenTra') }) }
  ) as fc.Arbitrary<Cmd>
}

/** Drops the keys fast-check's `option` left undefined, so a printed command reads back the same. */
export function clean (c: Cmd): Cmd {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Cmd
}

export interface Real { world: World }

export class Step implements fc.AsyncCommand<Model, Real> {
  readonly cmd: Cmd
  constructor (cmd: Cmd) { this.cmd = clean(cmd) }
  check (m: Readonly<Model>): boolean { return precondition(m as Model, this.cmd) }
  async run (m: Model, r: Real): Promise<void> { await execute(m, r.world, this.cmd) }
  toString (): string { return JSON.stringify(this.cmd) }
}

export function commandsArbitrary (maxCommands: number): fc.Arbitrary<Iterable<fc.AsyncCommand<Model, Real>>> {
  return fc.commands([cmdArbitrary().map(c => new Step(c))], { maxCommands, size: 'max' })
}
