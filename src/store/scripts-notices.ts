/** Lua for applicant notices (lua/notice-*.lua; their creation: lua/shared/notice-add.lua). */
import { luaScript } from './lua-script.js'

export const NOTICE_CLAIM = luaScript('ltNoticeClaim', 'notice-claim.lua', ['notices', 'noticeQ'], ['id', 'now', 'leaseMs', 'token'])
export const NOTICE_BEGIN = luaScript('ltNoticeBegin', 'notice-begin.lua', ['notices'], ['id', 'token', 'channel'])
export const NOTICE_SAVE = luaScript('ltNoticeSave', 'notice-save.lua',
  ['notices', 'noticeQ', 'noticeHeld', 'noticeFailed', 'stats'],
  ['id', 'token', 'expect', 'record', 'queueAt', 'held', 'failedAt', 'bumps', 'now'])
export const NOTICE_PARK = luaScript('ltNoticePark', 'notice-park.lua', ['notices'], ['id', 'report'])

export const NOTICE_SCRIPTS = [NOTICE_CLAIM, NOTICE_BEGIN, NOTICE_SAVE, NOTICE_PARK]
