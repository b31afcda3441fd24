/**
 * The OpenAPI document at `/docs/json` and Swagger UI at `/docs`, generated from the route
 * schemas. Must be registered before the routes: @fastify/swagger collects them in onRoute.
 * Swagger UI is served from the package's own files; nothing is fetched from another host,
 * so the page works on a centre's closed network.
 */
import { existsSync, readFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { ErrorReply } from '../schemas.js'
import type { SectorMapping } from '../../mappings/types.js'
import { PORTAL_SECURITY_SCHEMES, describeBodies } from './openapi-bodies.js'
import { securityOf, type RouteAuth } from './auth.js'

// Three levels up from src/http/plugins, four from the compiled dist/src/http/plugins.
const pkgUrl = ['../../../package.json', '../../../../package.json'].map(p => new URL(p, import.meta.url)).find(u => existsSync(u))
const pkg = (pkgUrl === undefined ? { version: '0.0.0' } : JSON.parse(readFileSync(pkgUrl, 'utf8'))) as { version: string }

const DESCRIPTION = [
  'Integration gateway between the sector software of public-service centres and the national public-service portal.',
  'Clients authenticate with their key in the `X-Api-Key` header. Every error reply carries a stable `code`,',
  'the `field` at fault in the sender\'s own terms, and a `message` in Vietnamese and English.',
  '',
  'Cổng liên thông giữa phần mềm chuyên ngành của các trung tâm phục vụ hành chính công và Cổng dịch vụ công quốc gia.',
  'Hệ thống gọi đến xác thực bằng khóa trong tiêu đề `X-Api-Key`. Mỗi phản hồi lỗi có `code` ổn định,',
  '`field` chỉ trường bị lỗi theo cách gọi của bên gửi, và `message` bằng tiếng Việt và tiếng Anh.'
].join('\n')

export const OPENAPI_TAGS = [
  { name: 'intake', description: 'Dossiers from sector software / Tiếp nhận hồ sơ từ phần mềm chuyên ngành' },
  { name: 'dossiers', description: 'Dossier records, lifecycle events and deadlines / Hồ sơ, sự kiện xử lý và hạn giải quyết' },
  { name: 'portal', description: 'Callbacks from the national portal / Lời gọi từ Cổng dịch vụ công quốc gia' },
  { name: 'admin', description: 'What failed or waits for a person / Hồ sơ lỗi hoặc chờ xử lý thủ công' },
  { name: 'stats', description: 'Service-quality figures / Số liệu chất lượng phục vụ' },
  { name: 'health', description: 'Liveness and readiness / Trạng thái hoạt động' }
]

const STATUS_TEXT: Record<string, string> = {
  200: 'OK',
  202: 'Accepted',
  400: 'Bad request',
  401: 'Not authenticated: no or unknown API key, or a bad portal signature',
  403: 'Not allowed for this client',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Unsupported media type or charset',
  422: 'Semantically invalid',
  429: 'Rate limit exceeded',
  500: 'Internal error (SOAP faults too)',
  503: 'Not ready, or a dependency is down'
}

type Schema = Record<string, unknown>

/**
 * Replies declared with a shared schema (ErrorReply) become a $ref to its component instead of
 * a copy under every status. Only the document changes: the route keeps its own schema.
 */
export function refSharedReplies (schema: Schema | undefined, shared: ReadonlySet<string>): Schema | undefined {
  const response = schema?.response as Record<string, Schema> | undefined
  if (schema === undefined || response === undefined) return schema
  const out: Record<string, Schema> = {}
  for (const [status, reply] of Object.entries(response)) {
    const id = reply.$id
    const description = typeof reply.description === 'string' ? reply.description : STATUS_TEXT[status]
    out[status] = typeof id === 'string' && shared.has(id)
      ? { $ref: `${id}#`, ...(description === undefined ? {} : { description }) }
      : { ...reply, ...(description === undefined || reply.description !== undefined ? {} : { description }) }
  }
  return { ...schema, response: out }
}

export default fp(async (app) => {
  app.addSchema(ErrorReply)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Liên Thông gateway API', version: pkg.version, description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
      // Relative: the document is valid wherever the gateway is deployed, on its own host.
      servers: [{ url: '/', description: 'the gateway that serves this document / cổng đang phục vụ tài liệu này' }],
      tags: OPENAPI_TAGS,
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'the client key from the clients file / khóa của hệ thống gọi đến' },
          ...PORTAL_SECURITY_SCHEMES
        }
      }
    },
    // The registry is decorated by the intake plugin, registered after this one; the document is
    // built on the first request, when it is there (an app without intake lists no systems).
    transformObject: (doc) => {
      const registry = (app as unknown as { registry?: { systems: () => string[], get: (s: string) => SectorMapping | undefined } }).registry
      const mappings = (registry?.systems() ?? []).flatMap(s => registry?.get(s) ?? [])
      return describeBodies(('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject) as Record<string, unknown>, mappings) as never
    },
    transform: ({ schema, url, route }) => ({ schema: withSecurity(refSharedReplies(schema as Schema | undefined, new Set(Object.keys(app.getSchemas()))), route.config?.auth) as never, url }),
    // Shared schemas keep their $id as the component name (ErrorReply), not def-0.
    refResolver: {
      buildLocalReference (json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`
      }
    }
  })
  // In a context of its own: its routes (the UI and the document) are public, and say so.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (r) => { r.config = { ...r.config, auth: false } })
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // The UI's own policy, minus what breaks a centre's LAN: `upgrade-insecure-requests` sends
      // its assets to https on a plain-http address (a blank page), and `https:` / the online
      // validator are hosts on the internet; every asset is served from this package.
      transformStaticCSP: (header: string) => header
        .replace(/\s*upgrade-insecure-requests;?/, '')
        .replace(/ https:/g, '')
        .replace(/ validator\.swagger\.io/g, ''),
      uiConfig: { deepLinking: true }
    })
  })
}, { name: 'openapi' })

/** An operation's `security` from the route's own auth config (src/http/plugins/auth.ts), so the document cannot disagree with it. */
function withSecurity (schema: Schema | undefined, auth: RouteAuth | undefined): Schema | undefined {
  const security = securityOf(auth)
  return schema === undefined || security === undefined ? schema : { ...schema, security }
}
