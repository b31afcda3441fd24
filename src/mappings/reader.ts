/**
 * A read cursor over a sender's document (JSON or parsed XML) that mappings use to pull values
 * by path, convert them, and record every problem with the field path in the sender's own
 * terms. Paths are written the same way for both formats: segments separated by `/`, XML
 * attributes as `@name`. They are rendered back in the sender's style:
 * JSON `nguoiYeuCau.giayTo.so`, `tepDinhKem[0].ten`; XML `HoSoDangKyDatDai/NguoiNop/GiayTo/@so`,
 * `GiayToKemTheo/TepTin[2]/@ten` (1-based, as XPath).
 */
import { issue, type FieldIssue } from '../domain/errors.js'
import type { ReviewItem } from '../domain/review.js'
import type { XNode } from './xnode.js'
import type { Conv } from '../domain/toolkit/conv.js'

export type { Conv, ConvResult } from '../domain/toolkit/conv.js'

interface Sink { issues: FieldIssue[], reviews: ReviewItem[] }

/**
 * Problems recorded per document at most: a hostile document repeats one bad item tens of
 * thousands of times (50,000 attachments in 900 KB), and each problem is an object with two
 * messages. The sender hears the first 50 (registry.ts); the margin lets the canonical mapping's
 * merge drop some and still have 50 to report.
 */
export const MAX_READER_ISSUES = 1000

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type Style = 'json' | 'xml'

function own (obj: object, key: string): boolean {
  return Object.hasOwn(obj, key)
}

export class Reader {
  private constructor (
    private readonly node: XNode | Json,
    private readonly style: Style,
    private readonly base: string,
    private readonly sink: Sink
  ) {}

  static json (doc: unknown): Reader {
    return new Reader(doc as Json, 'json', '', { issues: [], reviews: [] })
  }

  /** `root` is the document element; paths start below it and render with its name first. */
  static xml (root: XNode): Reader {
    return new Reader(root, 'xml', root.name, { issues: [], reviews: [] })
  }

  get issues (): FieldIssue[] { return this.sink.issues }
  /** The node under the cursor as parsed (for formats that are already canonical). */
  get document (): unknown { return this.node }
  get reviews (): ReviewItem[] { return this.sink.reviews }

  /** The sender-term path of `path` below this cursor. */
  field (path = ''): string {
    let out = this.base
    for (const seg of split(path)) out = join(this.style, out, seg)
    return out
  }

  /** The scalar text at `path`; empty and whitespace-only values count as absent. */
  raw (path: string): string | undefined {
    const v = this.resolve(path)
    if (v === undefined) return undefined
    if (this.style === 'xml') {
      const text = typeof v === 'string' ? v : (v as XNode).text
      return text.trim() === '' ? undefined : text
    }
    if (v === null) return undefined
    if (typeof v === 'object') {
      this.fail(path, 'NOT_A_VALUE', 'phải là một giá trị, không phải đối tượng hay danh sách',
        'must be a single value, not an object or a list')
      return undefined
    }
    const s = String(v)
    return s.trim() === '' ? undefined : s
  }

  has (path: string): boolean {
    return this.raw(path) !== undefined || this.at(path) !== undefined
  }

  /** Records that `path`, absent, is required. */
  required (path: string): void {
    this.fail(path, 'REQUIRED', 'là trường bắt buộc', 'is required')
  }

  /** A required element or object: the first at `path`, or `REQUIRED` recorded when there is none. */
  need (path: string): Reader | undefined {
    const found = this.at(path)
    if (found === undefined) this.required(path)
    return found
  }

  /** Required value: records `REQUIRED` when absent, the converter's error when it does not fit. */
  req<T> (path: string, conv: Conv<T>): T | undefined {
    const raw = this.raw(path)
    if (raw === undefined) {
      this.required(path)
      return undefined
    }
    return this.convert(path, raw, conv)
  }

  opt<T> (path: string, conv: Conv<T>): T | undefined {
    const raw = this.raw(path)
    return raw === undefined ? undefined : this.convert(path, raw, conv)
  }

  convert<T> (path: string, raw: string, conv: Conv<T>): T | undefined {
    const r = conv(raw)
    if (r.ok) return r.value
    this.fail(path, r.code, r.vi, r.en)
    return undefined
  }

  /** The first element or object at `path`. */
  at (path: string): Reader | undefined {
    return this.all(path)[0]
  }

  /** Every element at `path`: repeated XML elements, or the items of a JSON array (a lone object counts as one). */
  all (path: string): Reader[] {
    const segs = split(path)
    const last = segs.pop()
    if (last === undefined) return [this]
    const parent = segs.length === 0 ? this : this.at(segs.join('/'))
    if (parent === undefined) return []
    return parent.children(last)
  }

  fail (path: string, code: string, vi: string, en: string): void {
    if (this.sink.issues.length >= MAX_READER_ISSUES) return
    const field = this.field(path)
    this.sink.issues.push(issue(code, field, `${field} ${vi}`, `${field} ${en}`))
  }

  review (item: ReviewItem): void {
    this.sink.reviews.push(item)
  }

  private children (name: string): Reader[] {
    if (this.style === 'xml') {
      const node = this.node as XNode
      const matches = node.children.filter(c => c.name === name)
      return matches.map((c, i) => new Reader(c, 'xml',
        join('xml', this.base, matches.length > 1 ? `${name}[${i + 1}]` : name), this.sink))
    }
    const obj = this.node as Json
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || !own(obj, name)) return []
    const v = obj[name]
    if (Array.isArray(v)) {
      return v.map((item, i) => new Reader(item, 'json', `${join('json', this.base, name)}[${i}]`, this.sink))
    }
    if (v !== null && typeof v === 'object') return [new Reader(v, 'json', join('json', this.base, name), this.sink)]
    return []
  }

  private resolve (path: string): XNode | Json | string | undefined {
    const segs = split(path)
    const last = segs.pop()
    if (last === undefined) return this.node
    const parent = segs.length === 0 ? this : this.at(segs.join('/'))
    if (parent === undefined) return undefined
    if (parent.style === 'xml') {
      const node = parent.node as XNode
      if (last.startsWith('@')) {
        const a = last.slice(1)
        return own(node.attrs, a) ? node.attrs[a] : undefined
      }
      return node.children.find(c => c.name === last)
    }
    const obj = parent.node as Json
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || !own(obj, last)) return undefined
    return obj[last]
  }
}

function split (path: string): string[] {
  return path === '' ? [] : path.split('/')
}

function join (style: Style, base: string, seg: string): string {
  if (base === '') return seg
  if (style === 'xml') return `${base}/${seg}`
  return `${base}.${seg}`
}
