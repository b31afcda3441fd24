/**
 * The admin page's sessions, in Redis so that any gateway process serves any request. The cookie
 * holds a random id (32 bytes); Redis holds it only as its SHA-256, so a copy of Redis gives no
 * usable cookie. A session remembers the client id and its key's SHA-256 (as the clients file
 * does), never the key: a key revoked or replaced ends its sessions at the next request.
 * A session before sign-in carries only the CSRF secret of the sign-in form.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { RedisClient } from '../store/redis/connection.js'

export interface WebSession {
  id: string
  csrf: string
  clientId?: string
  keySha256?: string
  createdAt: number
}

export const SESSION_COOKIE = 'lt_admin'
/** A sign-in form may wait this long. */
export const ANONYMOUS_TTL_S = 900

export class SessionStore {
  constructor (private readonly redis: RedisClient, private readonly prefix: string) {}

  private key (id: string): string {
    return `${this.prefix}:web:session:${createHash('sha256').update(id).digest('hex')}`
  }

  async create (ttlS: number, who?: { clientId: string, keySha256: string }): Promise<WebSession> {
    const s: WebSession = { id: randomBytes(32).toString('base64url'), csrf: randomBytes(18).toString('base64url'), createdAt: Date.now(), ...who }
    const fields: string[] = ['csrf', s.csrf, 'createdAt', String(s.createdAt)]
    if (who !== undefined) fields.push('clientId', who.clientId, 'keySha256', who.keySha256)
    await this.redis.multi().hset(this.key(s.id), ...fields).expire(this.key(s.id), ttlS).exec()
    return s
  }

  async get (id: string): Promise<WebSession | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined
    const h = await this.redis.hgetall(this.key(id))
    if (h.csrf === undefined) return undefined
    return {
      id,
      csrf: h.csrf,
      createdAt: Number(h.createdAt),
      ...(h.clientId === undefined || h.keySha256 === undefined ? {} : { clientId: h.clientId, keySha256: h.keySha256 })
    }
  }

  async destroy (id: string): Promise<void> {
    await this.redis.del(this.key(id))
  }
}
