/**
 * Lua for webhook events (lua/webhook-*.lua; the queue's format: lua/shared/emit.lua, which every
 * script that emits an event includes).
 */
import { luaScript } from './lua-script.js'

export const WEBHOOK_DONE = luaScript('ltWebhookDone', 'webhook-done.lua',
  ['whq', 'active', 'failed', 'hist', 'failedIndex'], ['code', 'eventId', 'historyEntry', 'retentionMs'])
export const WEBHOOK_FAIL = luaScript('ltWebhookFail', 'webhook-fail.lua',
  ['whq', 'failed', 'hist', 'failedIndex'], ['code', 'eventId', 'failureJson', 'historyEntry', 'retentionMs', 'failedAt'])
