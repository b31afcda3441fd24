/**
 * Which of a few communes an address names. Used when an old commune was split: the old code
 * says "one of these", and only the address text can say which. A wrong answer files a dossier
 * under the wrong commune, so the rules never guess:
 *
 * - text is compared NFC-normalized, case-folded, word by word, with the tone mark of each
 *   syllable moved to its end, so that the spellings `Hoà` and `Hòa` compare equal;
 * - a commune is named by its type word and name ("xã Việt Xuyên", "phường Sông Trí", also
 *   "p. Sông Trí") ending a comma-separated part of the address or followed by the next unit
 *   ("… xã Việt Xuyên tỉnh Hà Tĩnh"), or by its bare name as a whole part ("…, Việt Xuyên, …").
 *   `thị xã X` is a former district-level town, not `xã X`; a name inside a longer part
 *   ("thôn Trung Tiến", "huyện Thạch Hà", "phường Bình Hưng Hoà A") names something else;
 * - the answer is the one candidate named, provided the text does not also mention another
 *   one in passing ("phường Sông Trí và phường Vũng Áng" gives no answer);
 * - only if no candidate is named or mentioned, the same comparison with accents removed.
 *
 * Two traps of the 2025 reform are handled through `MatchOptions`: a new commune often takes
 * the name of one of the old communes it absorbed, so an address written before the reform
 * naming the old commune would "match" the new one; and many new communes are named after the
 * old district, which addresses also name, often without its type word.
 */
import type { Commune } from './types.js'

export interface MatchOptions {
  /**
   * Names of the old unit the address may still use, with their type word, e.g. `Xã Thạch
   * Ngọc`: a candidate of the same name matches only after a different type word.
   */
  oldNames?: readonly string[]
  /** Names of the old district and province, e.g. `Huyện Thạch Hà`: a part naming one of them alone is not a commune. */
  parentNames?: readonly string[]
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g
const APOSTROPHES = /['\u2019\u02BC`]/g
const WORD_BREAK = /[^\p{L}\p{M}\p{N}]+/u
const PART_BREAK = /[,;|\n\r]+/

type Mode = 'accented' | 'stripped'

function foldWord (w: string, mode: Mode): string {
  if (mode === 'stripped') return w.replace(/\p{M}/gu, '').replace(/đ/g, 'd')
  const tones = w.match(TONE_MARKS)
  return tones === null ? w : w.replace(TONE_MARKS, '') + tones.join('')
}

/** The words of `s` in comparable form. */
export function words (s: string, mode: Mode = 'accented'): string[] {
  return s.normalize('NFD').toLowerCase().replace(APOSTROPHES, '').split(WORD_BREAK)
    .filter(w => w !== '').map(w => foldWord(w, mode))
}

// Type words of the 2025 communes (`thị trấn` no longer exists, so it names an old unit), and
// of all units, longest first.
const COMMUNE_TYPES = ['đặc khu', 'phường', 'xã']
const UNIT_TYPES = ['thành phố', 'thị xã', 'thị trấn', 'đặc khu', 'huyện', 'quận', 'tỉnh', 'phường', 'xã']
function unitTypes (mode: Mode): string[][] {
  return UNIT_TYPES.map(t => words(t, mode))
}

const ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = { phường: ['p'], xã: ['x'] }

function startsWith (hay: readonly string[], needle: readonly string[], at: number): boolean {
  if (needle.length === 0 || at < 0 || at + needle.length > hay.length) return false
  return needle.every((w, i) => hay[at + i] === w)
}

function equal (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWith(a, b, 0)
}

interface Prepared {
  commune: Commune
  name: string[]
  /** Word sequences that may introduce the name (its type word and abbreviations), each with the type it stands for. */
  types: Array<{ words: string[], type: string[] }>
}

function prepare (c: Commune, mode: Mode): Prepared {
  const name = words(c.name, mode)
  const full = words(c.fullName, mode)
  const type = full.length > name.length && equal(full.slice(full.length - name.length), name)
    ? full.slice(0, full.length - name.length)
    : []
  const types = type.length === 0 ? [] : [{ words: type, type }]
  const typeText = c.fullName.normalize('NFC').toLowerCase().slice(0, -c.name.length).trim()
  for (const abbr of ABBREVIATIONS[typeText] ?? []) types.push({ words: [abbr], type })
  return { commune: c, name, types }
}

/** Type words and bare name of a unit written with its type word: `Huyện Thạch Hà`. */
function split (unit: string, mode: Mode): { type: string[], name: string[] } {
  const w = words(unit, mode)
  for (const t of UNIT_TYPES) {
    const tw = words(t, mode)
    if (startsWith(w, tw, 0) && w.length > tw.length) return { type: tw, name: w.slice(tw.length) }
  }
  return { type: [], name: w }
}

/**
 * `part` names `p` after one of its type words; a type in `notType` does not count. `loose`
 * also counts a name that the part continues: not a match, but a sign of ambiguity.
 */
function typedMention (part: readonly string[], p: Prepared, mode: Mode, notType?: readonly string[], loose = false): boolean {
  const thi = words('thị', mode)[0]
  const xa = words('xã', mode)
  for (const { words: type, type: stands } of p.types) {
    if (notType !== undefined && equal(stands, notType)) continue
    for (let i = 0; i + type.length + p.name.length <= part.length; i++) {
      if (!startsWith(part, type, i) || !startsWith(part, p.name, i + type.length)) continue
      // `thị xã X` is a town of district level, never the commune `xã X`.
      if (equal(type, xa) && part[i - 1] === thi) continue
      // The name must end there: `xã Sơn Kim 1` is not Sơn Kim, `phường Bình Hưng Hoà A` not
      // Bình Hưng Hoà. Only the next unit of the address (`… tỉnh Hà Tĩnh`) may follow.
      const end = i + type.length + p.name.length
      if (!loose && end < part.length && !unitTypes(mode).some(t => startsWith(part, t, end))) continue
      return true
    }
  }
  return false
}

function bareMention (part: readonly string[], p: Prepared, mode: Mode): boolean {
  if (equal(part, p.name)) return true
  return COMMUNE_TYPES.some(t => {
    const tw = words(t, mode)
    return startsWith(part, tw, 0) && equal(part.slice(tw.length), p.name)
  })
}

/** Candidates the text names, and whether it also mentions others (then no answer is safe). */
function found (candidates: readonly Commune[], text: string, opts: MatchOptions, mode: Mode): { hits: Commune[], others: boolean } {
  const parts = text.split(PART_BREAK).map(p => words(p, mode)).filter(p => p.length > 0)
  const old = (opts.oldNames ?? []).map(n => split(n, mode))
  const parents = (opts.parentNames ?? []).map(n => split(n, mode).name)
  const hits: Commune[] = []
  let others = false
  for (const c of candidates) {
    const p = prepare(c, mode)
    if (p.name.length === 0) continue
    const namesOld = old.find(o => equal(o.name, p.name))
    if (namesOld !== undefined) {
      // The text may name the old unit: only a type word the old unit did not have (`xã Gia
      // Lộc` where the old unit was `thị trấn Gia Lộc`) shows that the new commune is meant.
      if (namesOld.type.length > 0 && parts.some(part => typedMention(part, p, mode, namesOld.type))) hits.push(c)
      continue
    }
    const namesParent = parents.some(o => equal(o, p.name))
    if (parts.some(part => typedMention(part, p, mode) || (!namesParent && bareMention(part, p, mode)))) hits.push(c)
    else if (parts.some(part => typedMention(part, p, mode, undefined, true))) others = true
  }
  return { hits, others }
}

/** Among `candidates`, the single one the address names; undefined when none or several. */
export function matchByAddress (candidates: readonly Commune[], addressText: string, opts: MatchOptions = {}): Commune | undefined {
  if (candidates.length === 0 || addressText.trim() === '') return undefined
  for (const mode of ['accented', 'stripped'] as const) {
    const { hits, others } = found(candidates, addressText, opts, mode)
    if (hits.length === 1 && !others) return hits[0]
    if (hits.length > 0 || others) return undefined
  }
  return undefined
}
