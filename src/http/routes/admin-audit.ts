/** `GET /v1/admin/audit`: the admins' audit log, newest first, paginated with a cursor. */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { queryErrorReplies, rateLimitOf } from '../schemas.js'

const Entry = Type.Object({
  id: Type.String({ description: 'stream entry id; pass the last one as `before` for the next page' }),
  at: Type.String(),
  actor: Type.String({ description: 'the client id of the admin key' }),
  role: Type.String(),
  action: Type.String(),
  target: Type.Optional(Type.String()),
  filter: Type.Optional(Type.Unknown()),
  count: Type.Optional(Type.Integer()),
  outcome: Type.String(),
  detail: Type.Optional(Type.String())
})

export default async function adminAuditRoutes (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/admin/audit', {
    schema: {
      tags: ['admin'],
      summary: 'The admins\' audit log, newest first',
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        before: Type.Optional(Type.String({ pattern: '^\\d{1,15}-\\d{1,10}$', description: 'an entry id: the page starts after it (older)' }))
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Entry), next: Type.Optional(Type.String()) }), ...queryErrorReplies }
    },
    config: { auth: { roles: ['viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const limit = req.query.limit ?? 100
    const items = await app.store.audit.list(limit, req.query.before)
    const last = items.at(-1)
    return items.length === limit && last !== undefined ? { items, next: last.id } : { items }
  })
}
