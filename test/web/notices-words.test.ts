/**
 * Every code of applicant notices an officer can meet on the page or the CLI has words in both
 * languages (src/web/i18n-notices.ts): kinds, states, channels, the gateway's reasons for not
 * sending, the outcomes the worker writes in a notice's history, the audited actions.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { hasValue } from '../../src/web/i18n.js'
import { CHANNELS, NOT_SENT_REASONS, NOTICE_KINDS, NOTICE_STATES } from '../../src/domain/notices/kinds.js'
import { channelText, noticeReason } from '../../src/web/notice-text.js'

const src = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8')

t.test('every notice code has words', async t => {
  // The outcome kinds of a channel call (adapters/notices/outcome.ts) and the worker's own notes.
  const kinds = [...src('src/adapters/notices/outcome.ts').matchAll(/kind: '([a-z-]+)'/g)].map(m => m[1] ?? '')
  const notes = [...src('src/queue/notice-delivery.ts').matchAll(/(?:run\.(?:end|later|pass)\([^)]*?|outcome: )'([a-z-]+)'/g)].map(m => m[1] ?? '')
  const admin = [...src('src/services/notices/notice-admin.ts').matchAll(/outcome: '([a-z-]+)'/g)].map(m => m[1] ?? '')
  const reports = [...src('src/queue/notice-reports.ts').matchAll(/outcome: '([a-z-]+)'/g)].map(m => m[1] ?? '')
  t.ok(kinds.length >= 6 && admin.length >= 2 && reports.length >= 1, 'codes read from the source')
  const need: Array<[Parameters<typeof hasValue>[0], readonly string[]]> = [
    ['noticeKind', NOTICE_KINDS], ['noticeState', NOTICE_STATES], ['noticeChannel', CHANNELS], ['noticeNotSent', NOT_SENT_REASONS],
    ['noticeOutcome', [...kinds, ...notes, ...admin, ...reports, 'held', 'quiet-hours', 'skipped']],
    ['auditAction', [...src('src/http/routes/notices-admin.ts').matchAll(/'(notice\.[a-z-]+)'/g)].map(m => m[1] ?? '')]
  ]
  for (const [kind, codes] of need) t.same([...new Set(codes)].filter(c => !hasValue(kind, c)), [], `${kind}: every code has words`)
})

t.test('reasons and channel names in words', async t => {
  t.equal(noticeReason({ reason: 'opted-out: the phone is on the opt-out list', reasonCode: 'opted-out' }, 'vi'), 'Số điện thoại đã từ chối nhận tin', 'the gateway\'s reason in words')
  t.equal(noticeReason({ reason: 'Tài khoản không đủ số dư', reasonCode: '99' }, 'en'), 'Tài khoản không đủ số dư (99)', 'a provider\'s as it gave it, with its code')
  t.equal(noticeReason({}, 'vi'), '')
  t.equal(channelText('zns|received', 'vi'), 'Tin Zalo (ZNS), mẫu tin Đã tiếp nhận hồ sơ')
  t.equal(channelText('email', 'en'), 'E-mail')
})
