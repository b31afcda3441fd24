/**
 * Whether the dossier the portal holds under a code is ours. A create answered `-3` is usually
 * our own earlier create whose answer was lost; but a code can also be reused (a Redis restored
 * from an old backup numbers again from an old counter) or given by another system numbering
 * the same agency. Only these fields say whose dossier it is; the rest may legitimately differ
 * (a later revision of ours, fields the portal adds).
 */
import type { PortalHoSo } from '../mappings/to-portal.js'

export const IDENTITY_FIELDS = ['MaTTHC', 'NgayTiepNhan', 'DinhDanhCHS', 'ChuHoSo'] as const

function name (v: unknown): string {
  return typeof v === 'string' ? v.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('vi') : ''
}

function ids (v: unknown): string {
  if (!Array.isArray(v)) return ''
  return v.map(x => {
    const o = (x ?? {}) as Record<string, unknown>
    return `${String(o.LoaiDinhDanh ?? '')}:${String(o.SoDinhDanh ?? '')}`
  }).sort().join(',')
}

/** The identity fields on which the portal's record differs from ours; empty when it is ours. */
export function identityDifferences (ours: PortalHoSo, onPortal: unknown): string[] {
  if (onPortal === null || typeof onPortal !== 'object') return [...IDENTITY_FIELDS]
  const theirs = onPortal as Record<string, unknown>
  const out: string[] = []
  if (ours.MaTTHC !== theirs.MaTTHC) out.push('MaTTHC')
  if (ours.NgayTiepNhan !== theirs.NgayTiepNhan) out.push('NgayTiepNhan')
  if (ids(ours.DinhDanhCHS) !== ids(theirs.DinhDanhCHS)) out.push('DinhDanhCHS')
  if (name(ours.ChuHoSo) !== name(theirs.ChuHoSo)) out.push('ChuHoSo')
  return out
}

/** Every field we sent has the same value on the portal (the portal may add its own). */
export function sameContent (sent: PortalHoSo, onPortal: unknown): boolean {
  if (onPortal === null || typeof onPortal !== 'object') return false
  const other = onPortal as Record<string, unknown>
  return Object.entries(sent).every(([k, v]) => k === 'TrangThaiHoSo' || JSON.stringify(v) === JSON.stringify(other[k]))
}
