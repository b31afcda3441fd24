/**
 * A notice's reason and a channel's name in words, for the page (context.ts) and the CLI
 * (cli/notices.ts) alike: the gateway's own reasons for not sending in the dictionary's words,
 * a provider's reason as the provider gave it, with its code.
 */
import { hasValue, valueName, words, type Lang } from './i18n.js'

export function noticeReason (n: { reason?: string, reasonCode?: string }, lang: Lang): string {
  if (n.reasonCode !== undefined && hasValue('noticeNotSent', n.reasonCode)) return valueName('noticeNotSent', n.reasonCode, lang)
  if (n.reason === undefined) return n.reasonCode ?? ''
  return n.reasonCode === undefined || n.reason.includes(n.reasonCode) ? n.reason : `${n.reason} (${n.reasonCode})`
}

/** `zns` → Tin Zalo (ZNS); `zns|received` → Tin Zalo (ZNS), mẫu tin Đã tiếp nhận hồ sơ. */
export function channelText (name: string, lang: Lang): string {
  const [channel = '', kind] = name.split('|')
  const ch = valueName('noticeChannel', channel, lang)
  return kind === undefined ? ch : `${ch}, ${words(lang)('templateOf')} ${valueName('noticeKind', kind, lang)}`
}
