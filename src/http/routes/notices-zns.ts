/**
 * Authorising the Zalo Official Account (docs/notices.md, "ZNS tokens"): an operator who got a
 * token pair from Zalo's consent screen (or the simulator's `/_sim/zns/authorise`) stores it for
 * every gateway process, and ZNS resumes if a spent refresh token had stopped it. The pair is
 * a secret: it goes to the token store only; nothing here logs or audits it.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors } from '../../domain/errors.js'
import { errorReplies, rateLimitOf } from '../schemas.js'
import { callerOf } from '../plugins/auth.js'

export const ZNS_AUTHORISE_PATH = '/v1/notices/zns/authorise'

export default async function noticeZnsRoutes (app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  r.post(ZNS_AUTHORISE_PATH, {
    schema: {
      tags: ['notices'],
      summary: 'Store a ZNS token pair (the Official Account authorised): every process sends with it, and a ZNS stopped by a spent refresh token resumes',
      body: Type.Object({
        accessToken: Type.String({ minLength: 1, maxLength: 2000 }),
        refreshToken: Type.String({ minLength: 1, maxLength: 2000 }),
        expiresInS: Type.Integer({ minimum: 1, maximum: 31_536_000, description: 'the access token\'s lifetime, as Zalo gives it (expires_in)' })
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ authorised: Type.Boolean(), generation: Type.Integer({ description: 'the stored pair\'s generation (each refresh adds one)' }) }), ...errorReplies }
    },
    config: { auth: { roles: ['operator'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const client = callerOf(req)
    // One Official Account serves every agency: only an admin of every agency replaces its tokens.
    if (client.agencies.length > 0) throw Errors.forbidden()
    const tokens = app.notices.tokens
    if (tokens === undefined) {
      throw Errors.conflict('ZNS_NOT_CONFIGURED', 'ZNS chưa được cấu hình (ZNS_URL, ZNS_OAUTH_URL, ZNS_APP_ID, ZNS_APP_SECRET)',
        'ZNS is not configured (ZNS_URL, ZNS_OAUTH_URL, ZNS_APP_ID, ZNS_APP_SECRET)')
    }
    const generation = await tokens.authorise(req.body)
    await app.store.audit.append({ actor: client.id, role: 'operator', action: 'notice.zns-authorise', target: 'zns', count: 1, outcome: 'ok' })
    return { authorised: true, generation }
  })
}
