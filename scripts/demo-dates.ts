/**
 * The demo's samples dated today: every date in a sample moves by the days between its first date
 * (the receipt) and today in Vietnam, so due dates and birth dates keep their distance from the
 * receipt and today's overview counts the demo's dossiers as received today.
 * The three ways the sector formats write a day: 2025-07-02, 20250708 (in an element), 01/07/2025.
 */
const FORMS: Array<{ re: RegExp, read: (m: RegExpExecArray) => [number, number, number], write: (y: string, mo: string, d: string, m: RegExpExecArray) => string }> = [
  { re: /\b(20\d\d)-(\d\d)-(\d\d)(?!\d)/g, read: m => [+m[1]!, +m[2]!, +m[3]!], write: (y, mo, d) => `${y}-${mo}-${d}` },
  { re: />(20\d\d)(\d\d)(\d\d)</g, read: m => [+m[1]!, +m[2]!, +m[3]!], write: (y, mo, d) => `>${y}${mo}${d}<` },
  { re: /\b(\d\d)\/(\d\d)\/(20\d\d)\b/g, read: m => [+m[3]!, +m[2]!, +m[1]!], write: (y, mo, d) => `${d}/${mo}/${y}` }
]

/** Today's date in Asia/Ho_Chi_Minh as [year, month, day]. */
export function todayInVietnam (now = new Date()): [number, number, number] {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(now).split('-').map(Number)
  return [y ?? 1970, m ?? 1, d ?? 1]
}

/** The time of day in Asia/Ho_Chi_Minh, `HH:mm`. */
export function clockInVietnam (now = new Date()): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now)
}

const dayNumber = ([y, m, d]: [number, number, number]): number => Date.UTC(y, m - 1, d) / 86_400_000

/**
 * A receipt later today than `clock` would be in the future: such times of today become `clock`.
 */
export function datedToday (text: string, today: [number, number, number] = todayInVietnam(), clock = clockInVietnam()): string {
  const first = FORMS.map(f => ({ f, m: new RegExp(f.re.source).exec(text) })).filter(x => x.m !== null)
    .sort((a, b) => (a.m?.index ?? 0) - (b.m?.index ?? 0))[0]
  if (first?.m == null) return text
  const shift = dayNumber(today) - dayNumber(first.f.read(first.m))
  let out = text
  for (const f of FORMS) {
    out = out.replace(f.re, (...args: unknown[]) => {
      const m = args.slice(0, -2) as unknown as RegExpExecArray
      const moved = new Date((dayNumber(f.read(m)) + shift) * 86_400_000)
      const two = (n: number): string => String(n).padStart(2, '0')
      return f.write(String(moved.getUTCFullYear()), two(moved.getUTCMonth() + 1), two(moved.getUTCDate()), m)
    })
  }
  const [y, mo, d] = today.map(n => String(n).padStart(2, '0'))
  const later = (hm: string): boolean => hm > clock
  return out
    .replace(new RegExp(`${y}-${mo}-${d}T(\\d\\d:\\d\\d)(:\\d\\d)?`, 'g'), (all, hm: string, s?: string) => later(hm) ? `${y}-${mo}-${d}T${clock}${s === undefined ? '' : ':00'}` : all)
    .replace(new RegExp(`${d}/${mo}/${y} (\\d\\d:\\d\\d)`, 'g'), (all, hm: string) => later(hm) ? `${d}/${mo}/${y} ${clock}` : all)
}
