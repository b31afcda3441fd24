/**
 * The notice providers of the simulator (ZNS and SMS brandname), with development credentials
 * and the templates of `config/notices.sample.json`, so the demo and tests work out of the box.
 */
import type { FastifyInstance } from 'fastify'
import { registerSmsProvider, SmsProvider, type SmsSimOptions } from './sms-provider.js'
import { registerZnsProvider, ZnsProvider, type ZnsSimOptions } from './zns-provider.js'

export interface NoticeProvidersOptions {
  zns?: Partial<ZnsSimOptions>
  sms?: Partial<SmsSimOptions>
}

export const DEV_ZNS = { appId: 'lienthong-zns-dev', appSecret: 'zns-app-secret-dev', oaSecretKey: 'zns-oa-secret-key-dev' }
export const DEV_SMS = { apiKey: 'sms-api-key-dev', secretKey: 'sms-secret-key-dev', brandname: 'UBND-KYLOI' }

/** The ZNS templates of the sample notices file (their ids and declared parameters). */
export const SAMPLE_ZNS_TEMPLATES: ZnsSimOptions['templates'] = [
  { id: '310001', params: [{ name: 'ma_ho_so', type: 'STRING', maxLength: 30 }, { name: 'ten_thu_tuc', type: 'STRING', maxLength: 100 }, { name: 'ngay_hen_tra', type: 'DATE', maxLength: 10 }] },
  { id: '310002', params: [{ name: 'ma_ho_so', type: 'STRING', maxLength: 30 }, { name: 'noi_dung', type: 'STRING', maxLength: 150 }] },
  { id: '310003', params: [{ name: 'ma_ho_so', type: 'STRING', maxLength: 30 }, { name: 'noi_nhan', type: 'STRING', maxLength: 100 }, { name: 'so_ngay_som', type: 'NUMBER', maxLength: 3 }] },
  { id: '310004', params: [{ name: 'ma_ho_so', type: 'STRING', maxLength: 30 }, { name: 'ngay_hen_cu', type: 'DATE', maxLength: 10 }, { name: 'ngay_hen_moi', type: 'DATE', maxLength: 10 }, { name: 'ly_do', type: 'STRING', maxLength: 100 }] },
  { id: '310005', params: [{ name: 'ma_ho_so', type: 'STRING', maxLength: 30 }, { name: 'ngay_tra', type: 'DATE', maxLength: 10 }] },
  { id: '310006', params: [{ name: 'ma_ho_so', type: 'STRING', maxLength: 30 }, { name: 'ly_do', type: 'STRING', maxLength: 150 }] }
]

/** The SMS templates of the sample notices file, as registered with the carriers. */
export const SAMPLE_SMS_TEMPLATES = [
  'UBND xa Ky Loi: da tiep nhan ho so {ma_ho_so}, hen tra ngay {ngay_hen_tra}. Tra cuu tai dichvucong.gov.vn',
  'UBND xa Ky Loi: ho so {ma_ho_so} can bo sung: {noi_dung,80}',
  'UBND xa Ky Loi: ho so {ma_ho_so} da co ket qua{som,40}. Moi ong/ba den nhan tai {noi_nhan,60}',
  'UBND xa Ky Loi xin loi: ho so {ma_ho_so} tre hen ({ngay_hen_cu}), hen lai ngay {ngay_hen_moi}. Ly do: {ly_do,60}',
  'UBND xa Ky Loi: ho so {ma_ho_so} da tra ket qua ngay {ngay_tra}. Danh gia tai {lien_ket,60}',
  'UBND xa Ky Loi: ho so {ma_ho_so} khong duoc giai quyet. Ly do: {ly_do,80}'
]

export function noticeProviders (o: NoticeProvidersOptions, now: () => number): { zns: ZnsProvider, sms: SmsProvider } {
  return {
    zns: new ZnsProvider({ ...DEV_ZNS, templates: SAMPLE_ZNS_TEMPLATES, dailyQuota: 5000, tokenTtlSeconds: 90_000, now, ...o.zns }),
    sms: new SmsProvider({ apiKey: DEV_SMS.apiKey, secretKey: DEV_SMS.secretKey, brandnames: [DEV_SMS.brandname], templates: SAMPLE_SMS_TEMPLATES, balance: 100_000, now, ...o.sms })
  }
}

export function registerNoticeProviders (app: FastifyInstance, p: { zns: ZnsProvider, sms: SmsProvider }): void {
  registerZnsProvider(app, p.zns)
  registerSmsProvider(app, p.sms)
}
