/**
 * The doctor's Lua. Reads are one script per dossier, so a record and its index entries are seen
 * at one instant even while the gateway runs; every repair is a compare-and-set on what the
 * check read (the record's fields, a counter's value, a queue's length), so a change the gateway
 * made in between wins and the repair is skipped ('changed'). Every key is in KEYS; all of one
 * script's keys share the agency's hash tag. The scripts are src/store/lua/doctor/*.lua (lua-script.ts).
 */
import type { RedisClient } from '../../store/redis/connection.js'
import type { Result } from 'ioredis'
import { RECORD_FIELDS } from './structures.js'
import { INDEXES, STATE_INDEXES } from './structures.js'
import { defineScripts, luaScript, type LuaScript } from '../../store/lua-script.js'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltDoctorInspect: (...args: Array<string | number | Buffer>) => Result<string[], Context>
    ltDoctorRepair: (...args: Array<string | number | Buffer>) => Result<string, Context>
    ltDoctorOrphan: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltDoctorSeq: (...args: Array<string | number | Buffer>) => Result<string, Context>
    ltDoctorWebhook: (...args: Array<string | number | Buffer>) => Result<string[], Context>
    ltDoctorWebhookFix: (...args: Array<string | number | Buffer>) => Result<string, Context>
    ltDoctorGauge: (...args: Array<string | number | Buffer>) => Result<string, Context>
    ltDoctorUnmatched: (...args: Array<string | number | Buffer>) => Result<string, Context>
    ltDoctorWebhookIndex: (...args: Array<string | number | Buffer>) => Result<string, Context>
  }
}

/** The record's fields the doctor reads and compares, in RECORD_FIELDS order. */
const FIELDS = ['fields', RECORD_FIELDS.length] as const

/** KEYS `indexes`: structures.ts INDEXES, in order; `legacy`: the three state sets (STATE_INDEXES order). */
export const INSPECT = luaScript('ltDoctorInspect', 'doctor/inspect.lua',
  ['dossier', ['indexes', INDEXES.length], 'codes', 'steps', ['legacy', STATE_INDEXES.length]], ['ref', FIELDS])
/** `actions`: one per index (see the .lua). */
export const REPAIR_DOSSIER = luaScript('ltDoctorRepair', 'doctor/repair-dossier.lua',
  ['dossier', ['indexes', INDEXES.length], 'codes'], ['ref', 'fingerprint', ['actions', INDEXES.length], 'fixCode', FIELDS])
export const REPAIR_ORPHAN = luaScript('ltDoctorOrphan', 'doctor/repair-orphan.lua', ['dossier', 'index'], ['ref'])
export const REPAIR_SEQ = luaScript('ltDoctorSeq', 'doctor/repair-seq.lua', ['seq'], ['observed', 'highest'])
export const INSPECT_WEBHOOK = luaScript('ltDoctorWebhook', 'doctor/inspect-webhook.lua', ['whq', 'whActive', 'whFailed'], ['code'])
export const REPAIR_WEBHOOK = luaScript('ltDoctorWebhookFix', 'doctor/repair-webhook.lua', ['whq', 'whActive', 'whFailed'], ['code', 'staleFailed'])
export const REPAIR_WEBHOOK_INDEX = luaScript('ltDoctorWebhookIndex', 'doctor/repair-webhook-index.lua', ['whFailed', 'whFailedIndex'], ['code', 'score'])
/** `triples`: field, observed ('' absent), expected, for each field. */
export const REPAIR_GAUGE = luaScript('ltDoctorGauge', 'doctor/repair-gauge.lua', ['gauge'], [['triples', '*']])
/** Indexes a kept callback, or drops an index entry without one, as the data is now. */
export const REPAIR_UNMATCHED = luaScript('ltDoctorUnmatched', 'doctor/repair-unmatched.lua', ['unmatchedIndex', 'unmatchedData'], ['id', 'score'])

export const DOCTOR_SCRIPTS: readonly LuaScript[] = [INSPECT, REPAIR_DOSSIER, REPAIR_ORPHAN, REPAIR_SEQ, INSPECT_WEBHOOK, REPAIR_WEBHOOK,
  REPAIR_WEBHOOK_INDEX, REPAIR_GAUGE, REPAIR_UNMATCHED]

export function defineDoctorCommands (redis: RedisClient): void {
  if (typeof redis.ltDoctorInspect === 'function') return
  defineScripts(redis, DOCTOR_SCRIPTS)
}
