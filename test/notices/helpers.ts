/** Shared set-up of the notice channel tests: Redis, the simulator's providers, the clients. */
import { Redis } from 'ioredis'
import { providerAgent } from '../../src/adapters/notices/http-json.js'
import { ZnsClient } from '../../src/adapters/notices/zns-client.js'
import { ZnsTokenStore } from '../../src/adapters/notices/zns-token-store.js'
import type { ZnsTemplate } from '../../src/adapters/notices/zns-template.js'
import { RedisServer } from '../../support/redis-server.js'
import { DEV_ZNS, startSimulator, type RunningSimulator } from '../../simulator/index.js'

export const RECEIVED_TEMPLATE: ZnsTemplate = {
  id: '310001',
  params: [{ name: 'ma_ho_so', type: 'STRING', maxLength: 30 }, { name: 'ten_thu_tuc', type: 'STRING', maxLength: 100 }, { name: 'ngay_hen_tra', type: 'DATE', maxLength: 10 }],
  text: 'UBND xã Kỳ Lợi đã tiếp nhận hồ sơ <ma_ho_so> (<ten_thu_tuc>). Ngày hẹn trả kết quả: <ngay_hen_tra>.'
}

export const RECEIVED_DATA = { ma_ho_so: '000.00.31.H42-250702-00017', ten_thu_tuc: 'Đăng ký khai sinh', ngay_hen_tra: '05/07/2025' }

export interface ZnsRig {
  redis: RedisServer
  sim: RunningSimulator
  client: Redis
  store: ZnsTokenStore
  zns: ZnsClient
  close: () => Promise<void>
}

export function znsOAuth (sim: RunningSimulator): { url: string, appId: string, appSecret: string, timeoutMs: number } {
  return { url: `${sim.url}/zns-oauth`, appId: DEV_ZNS.appId, appSecret: DEV_ZNS.appSecret, timeoutMs: 5000 }
}

export async function znsRig (): Promise<ZnsRig> {
  const redis = await RedisServer.start()
  const sim = await startSimulator()
  const client = new Redis(redis.url)
  const agent = providerAgent(16, 5000)
  const store = new ZnsTokenStore(client, agent, { prefix: 'lt', oauth: znsOAuth(sim) })
  await store.authorise(sim.zns.authorise())
  const zns = new ZnsClient(agent, store, { url: `${sim.url}/zns`, timeoutMs: 2000 })
  return {
    redis,
    sim,
    client,
    store,
    zns,
    close: async () => {
      client.disconnect()
      await agent.close()
      await sim.close()
      await redis.close()
    }
  }
}
