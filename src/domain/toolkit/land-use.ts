/**
 * Land-use purpose codes (mã loại đất).
 *
 * Current codes: the classification of Land Law No. 31/2024/QH15, Article 9, detailed by
 * Decree 102/2024/NĐ-CP (Articles 4–6), with the codes of Circular 08/2024/TT-BTNMT on land
 * statistics, inventory and land-use status maps (Appendix II, section A, in force since
 * 1 August 2024). Only the codes a parcel can carry are listed; the aggregates of the
 * statistics (NNP, CHN, LUA, LNP, PNN, OTC, DSN, CSK, CCC, TVC, CSD) are not purposes and are
 * refused.
 *
 * Earlier codes: cadastral maps and certificates made under Circulars 25/2014/TT-BTNMT and
 * 27/2018/TT-BTNMT still carry codes that the 2024 classification dropped or merged (LUN, BHK,
 * NHK, DDT, ...). Land office software sends them for every parcel not re-surveyed since, so
 * they are accepted and marked `current: false`, with the code that replaced them where the
 * replacement is one-to-one. Whether to accept them is a choice `landUsePurpose` exposes.
 */
import type { Conv } from './conv.js'
import { echo } from './codes.js'

export type LandGroup = 'agricultural' | 'non-agricultural' | 'unused'

export interface LandUsePurpose {
  name: string
  group: LandGroup
  /** False for a code of the classifications before the Land Law 2024. */
  current: boolean
  /** The current code that took over a retired one, where there is exactly one. */
  replacedBy?: string
}

const A: LandGroup = 'agricultural'
const N: LandGroup = 'non-agricultural'
const U: LandGroup = 'unused'

function cur (name: string, group: LandGroup): LandUsePurpose {
  return { name, group, current: true }
}

function old (name: string, group: LandGroup, replacedBy?: string): LandUsePurpose {
  return replacedBy === undefined ? { name, group, current: false } : { name, group, current: false, replacedBy }
}

export const LAND_USE_PURPOSES: Readonly<Record<string, Readonly<LandUsePurpose>>> = Object.freeze({
  // Nhóm đất nông nghiệp
  LUC: cur('Đất chuyên trồng lúa', A),
  LUK: cur('Đất trồng lúa còn lại', A),
  HNK: cur('Đất trồng cây hằng năm khác', A),
  CLN: cur('Đất trồng cây lâu năm', A),
  RDD: cur('Đất rừng đặc dụng', A),
  RPH: cur('Đất rừng phòng hộ', A),
  RSX: cur('Đất rừng sản xuất', A),
  NTS: cur('Đất nuôi trồng thủy sản', A),
  CNT: cur('Đất chăn nuôi tập trung', A),
  LMU: cur('Đất làm muối', A),
  NKH: cur('Đất nông nghiệp khác', A),
  // Nhóm đất phi nông nghiệp
  ONT: cur('Đất ở tại nông thôn', N),
  ODT: cur('Đất ở tại đô thị', N),
  TSC: cur('Đất xây dựng trụ sở cơ quan', N),
  CQP: cur('Đất quốc phòng', N),
  CAN: cur('Đất an ninh', N),
  DVH: cur('Đất xây dựng cơ sở văn hóa', N),
  DXH: cur('Đất xây dựng cơ sở xã hội', N),
  DYT: cur('Đất xây dựng cơ sở y tế', N),
  DGD: cur('Đất xây dựng cơ sở giáo dục và đào tạo', N),
  DTT: cur('Đất xây dựng cơ sở thể dục, thể thao', N),
  DKH: cur('Đất xây dựng cơ sở khoa học và công nghệ', N),
  DMT: cur('Đất xây dựng cơ sở môi trường', N),
  DKT: cur('Đất xây dựng cơ sở khí tượng thủy văn', N),
  DNG: cur('Đất xây dựng cơ sở ngoại giao', N),
  DSK: cur('Đất xây dựng công trình sự nghiệp khác', N),
  SKK: cur('Đất khu công nghiệp', N),
  SKN: cur('Đất cụm công nghiệp', N),
  SCT: cur('Đất khu công nghệ thông tin tập trung', N),
  TMD: cur('Đất thương mại, dịch vụ', N),
  SKC: cur('Đất cơ sở sản xuất phi nông nghiệp', N),
  SKS: cur('Đất sử dụng cho hoạt động khoáng sản', N),
  DGT: cur('Đất công trình giao thông', N),
  DTL: cur('Đất công trình thủy lợi', N),
  DCT: cur('Đất công trình cấp nước, thoát nước', N),
  DPC: cur('Đất công trình phòng, chống thiên tai', N),
  DDD: cur('Đất có di tích lịch sử - văn hóa, danh lam thắng cảnh, di sản thiên nhiên', N),
  DRA: cur('Đất công trình xử lý chất thải', N),
  DNL: cur('Đất công trình năng lượng, chiếu sáng công cộng', N),
  DBV: cur('Đất công trình hạ tầng bưu chính, viễn thông, công nghệ thông tin', N),
  DCH: cur('Đất chợ dân sinh, chợ đầu mối', N),
  DKV: cur('Đất khu vui chơi, giải trí công cộng, sinh hoạt cộng đồng', N),
  TON: cur('Đất tôn giáo', N),
  TIN: cur('Đất tín ngưỡng', N),
  NTD: cur('Đất nghĩa trang, nhà tang lễ, cơ sở hỏa táng; đất cơ sở lưu trữ tro cốt', N),
  SON: cur('Đất có mặt nước dạng sông, ngòi, kênh, rạch, suối', N),
  MNC: cur('Đất có mặt nước chuyên dùng dạng ao, hồ, đầm, phá', N),
  PNK: cur('Đất phi nông nghiệp khác', N),
  // Nhóm đất chưa sử dụng
  CGT: cur('Đất do Nhà nước thu hồi theo quy định của pháp luật đất đai chưa giao, chưa cho thuê', U),
  BCS: cur('Đất bằng chưa sử dụng', U),
  DCS: cur('Đất đồi núi chưa sử dụng', U),
  NCS: cur('Núi đá không có rừng cây', U),
  MCS: cur('Đất có mặt nước chưa sử dụng', U),
  // Retired by the 2024 classification; still on existing maps and certificates.
  LUN: old('Đất trồng lúa nương', A, 'LUK'),
  BHK: old('Đất bằng trồng cây hằng năm khác', A, 'HNK'),
  NHK: old('Đất nương rẫy trồng cây hằng năm khác', A, 'HNK'),
  DTS: old('Đất xây dựng trụ sở của tổ chức sự nghiệp', N),
  SKT: old('Đất khu chế xuất', N),
  SKX: old('Đất sản xuất vật liệu xây dựng, làm đồ gốm', N, 'SKC'),
  DDT: old('Đất có di tích lịch sử - văn hóa', N, 'DDD'),
  DDL: old('Đất danh lam thắng cảnh', N, 'DDD'),
  DSH: old('Đất sinh hoạt cộng đồng', N, 'DKV')
})

/** The current codes, in the order of the classification. */
export const CURRENT_LAND_USE_CODES: readonly string[] = Object.freeze(
  Object.keys(LAND_USE_PURPOSES).filter(k => LAND_USE_PURPOSES[k]?.current === true)
)

/**
 * A land-use purpose code, trimmed and upper-cased. Codes retired in 2024 are accepted unless
 * `currentOnly` is set, because they remain on valid certificates; use `LAND_USE_PURPOSES`
 * to tell them apart. Error: `UNKNOWN_LAND_USE_CODE`.
 */
export function landUsePurpose (opts: { currentOnly?: boolean } = {}): Conv<string> {
  const currentOnly = opts.currentOnly === true
  return (raw) => {
    const code = raw.trim().toUpperCase()
    const entry = Object.hasOwn(LAND_USE_PURPOSES, code) ? LAND_USE_PURPOSES[code] : undefined
    if (entry !== undefined && (entry.current || !currentOnly)) return { ok: true, value: code }
    if (entry !== undefined) {
      const instead = entry.replacedBy === undefined ? '' : `; nay là ${entry.replacedBy}`
      const insteadEn = entry.replacedBy === undefined ? '' : `; now ${entry.replacedBy}`
      return {
        ok: false,
        code: 'UNKNOWN_LAND_USE_CODE',
        vi: `là mã loại đất ${code} đã bỏ từ Luật Đất đai 2024${instead}`,
        en: `is land-use code ${code}, retired by the Land Law 2024${insteadEn}`
      }
    }
    return {
      ok: false,
      code: 'UNKNOWN_LAND_USE_CODE',
      vi: `có mã loại đất "${echo(raw)}" không có trong danh mục (ví dụ ONT, ODT, CLN, LUC)`,
      en: `has a land-use code "${echo(raw)}" that is not in the classification (e.g. ONT, ODT, CLN, LUC)`
    }
  }
}
