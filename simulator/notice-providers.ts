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

import { SAMPLE_NOTICES_FILE } from './notice-samples.js'

const sample = SAMPLE_NOTICES_FILE.agencies[0]

/** The ZNS templates of config/notices.sample.json (their ids and declared parameters). */
export const SAMPLE_ZNS_TEMPLATES: ZnsSimOptions['templates'] = Object.values(sample.zns.templates).map(t => ({ id: t.id, params: t.params.map(p => ({ ...p })) }))

/** The SMS templates of config/notices.sample.json, as registered with the carriers, in the order of the kinds. */
export const SAMPLE_SMS_TEMPLATES: string[] = Object.values(sample.sms.templates)

/**
 * A gateway's variables for the simulator's ZNS and SMS providers at `simUrl`, with the
 * development credentials: what the demo, the benchmarks and the tests give a gateway.
 */
export function noticeProviderEnv (simUrl: string): Record<string, string> {
  return {
    ZNS_URL: `${simUrl}/zns`,
    ZNS_OAUTH_URL: `${simUrl}/zns-oauth`,
    ZNS_APP_ID: DEV_ZNS.appId,
    ZNS_APP_SECRET: DEV_ZNS.appSecret,
    ZNS_OA_SECRET_KEY: DEV_ZNS.oaSecretKey,
    SMS_URL: `${simUrl}/sms`,
    SMS_API_KEY: DEV_SMS.apiKey,
    SMS_SECRET_KEY: DEV_SMS.secretKey
  }
}

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
