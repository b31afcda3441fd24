/**
 * Dossiers an applicant submits online on the portal itself (the contract's `HoSoMoi`): the
 * code the portal assigns and the HoSo it stores, before it announces them to the gateway.
 */
import { portalDate } from './callbacks.js'
import { sampleHoSo } from './fixtures.js'
import { findNullOrNonNfc, invalidMessage, isMaHoSo, validateHoSo } from './validate.js'

/** An online dossier that the portal itself would refuse. */
export class InvalidDossierError extends Error {
  override name = 'InvalidDossierError'
}

/**
 * The portal numbers online dossiers from here, so that they never meet the codes a gateway
 * assigns from 00001 in tests.
 */
export const FIRST_ONLINE_SEQ = 50001
const DAY_MS = 86_400_000

/** `<agency>-<yyMMdd of now, UTC+07:00>-<seq, 5 digits>`; throws InvalidDossierError if that is no valid MaHoSo. */
export function onlineMaHoSo (agency: string, now: number, seq: number): string {
  if (seq > 99_999) throw new InvalidDossierError('the portal ran out of online dossier codes (sequence 99999 reached)')
  const maHoSo = `${agency}-${portalDate(now).slice(2, 8)}-${String(seq).padStart(5, '0')}`
  if (!isMaHoSo(maHoSo)) throw new InvalidDossierError(`agency "${agency.slice(0, 40)}" does not give a valid MaHoSo`)
  return maHoSo
}

/**
 * The sample HoSo submitted at `now` (due three days later), with `overrides` over it and the
 * portal's own fields over those: the code, channel "2" (online), status "1" (newly submitted).
 * Throws InvalidDossierError when the result is not a valid HoSo.
 */
export function onlineHoSo (maHoSo: string, now: number, overrides: Record<string, unknown>): Record<string, unknown> {
  const submittedAt = portalDate(now)
  const hoSo: Record<string, unknown> = {
    ...sampleHoSo(0),
    NgayNopHoSo: submittedAt,
    NgayTiepNhan: submittedAt,
    NgayHenTra: portalDate(now + 3 * DAY_MS),
    ...overrides,
    MaHoSo: maHoSo,
    KenhThucHien: '2',
    TrangThaiHoSo: '1'
  }
  const found = findNullOrNonNfc(hoSo, 'hoSo') ?? validateHoSo(hoSo, 'hoSo')
  if (found !== undefined) throw new InvalidDossierError(invalidMessage(found))
  return hoSo
}
