/**
 * What the route schemas cannot say in the OpenAPI document: the intake and callback routes read
 * raw bytes (their format is the sender's, per system), so their request bodies, the system list,
 * the `X-Ma-Ho-So` header and the SOAP reply are described here, on the finished document.
 * Also every operation's id, and `security: []` where a route has none. Only the document changes, never a route.
 */
import { existsSync, readFileSync } from 'node:fs'
import type { SectorMapping } from '../../mappings/types.js'
import { SOAP_CONTENT_TYPE, soapSuccess } from '../../adapters/soap.js'
import { PortalCallbackEnvelopeSchema } from '../../mappings/schemas/portal-callback.js'

type Obj = Record<string, unknown>
interface Operation extends Obj { parameters?: Obj[], responses?: Record<string, Obj>, security?: unknown[] }

const JSON_TYPES = ['application/json']
const XML_TYPES = ['application/xml', 'text/xml']
const SOAP_TYPES = ['text/xml', 'application/soap+xml']

// Three levels up from src/http/plugins, four from the compiled dist/src/http/plugins.
const fixturesDir = ['../../../fixtures/', '../../../../fixtures/'].map(p => new URL(p, import.meta.url)).find(u => existsSync(u))

/** The sample a system's fixtures hold (fixtures/<system>/sample.input.*), if this install has them. */
function sample (dir: string, names: string[]): string | undefined {
  if (fixturesDir === undefined) return undefined
  for (const name of names) {
    const url = new URL(`${dir}/${name}`, fixturesDir)
    if (existsSync(url)) return readFileSync(url, 'utf8')
  }
  return undefined
}

/** `post /v1/admin/dossiers/{maHoSo}/replay` → `postAdminDossiersByMaHoSoReplay`. */
export function operationIdOf (method: string, path: string): string {
  const words = path.split('/').filter(s => s !== '' && s !== 'v1').map(s => {
    const param = /^\{(\w+)\}$/.exec(s)?.[1]
    const word = (param ?? s).split(/[-_]/).map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('')
    return param === undefined ? word : `By${word}`
  })
  return method.toLowerCase() + words.join('')
}

function systemBody (mappings: SectorMapping[]): Obj {
  const content: Record<string, Obj> = {}
  const json = mappings.filter(m => m.format === 'json')
  const xml = mappings.filter(m => m.format !== 'json')
  const examples = (ms: SectorMapping[]): Obj => Object.fromEntries(ms.flatMap(m => {
    const raw = sample(m.system, m.format === 'json' ? ['sample.input.json'] : ['sample.input.xml'])
    if (raw === undefined) return []
    return [[m.system, { summary: `${m.system} (fixtures/${m.system}/sample.input.${m.format === 'json' ? 'json' : 'xml'})`, value: m.format === 'json' ? JSON.parse(raw) as unknown : raw }]]
  }))
  const names = (ms: SectorMapping[]): string => ms.map(m => `\`${m.system}\``).join(', ')
  for (const type of JSON_TYPES) {
    content[type] = {
      schema: { type: 'object', description: `The system's own JSON format (shared/contracts/sector-formats.md): ${names(json)}. / Định dạng JSON của từng phần mềm chuyên ngành.` },
      examples: examples(json)
    }
  }
  for (const type of [...new Set([...XML_TYPES, ...SOAP_TYPES])]) {
    const own = xml.filter(m => m.format === 'soap' ? SOAP_TYPES.includes(type) : XML_TYPES.includes(type))
    content[type] = {
      schema: { type: 'string', description: `The system's own XML document or SOAP 1.1 envelope, UTF-8: ${names(own)}. / Tài liệu XML hoặc phong bì SOAP của từng phần mềm chuyên ngành.` },
      examples: examples(own)
    }
  }
  return {
    required: true,
    description: 'The dossier as the sector software writes it; the content type the system\'s format takes (JSON systems: application/json; XML: application/xml or text/xml; SOAP: text/xml or application/soap+xml). A body of another type is refused with 415. / Hồ sơ theo định dạng của phần mềm chuyên ngành.',
    content
  }
}

function systemParam (op: Operation, systems: string[]): void {
  for (const p of op.parameters ?? []) {
    if (p.in === 'path' && p.name === 'system') {
      p.schema = { ...(p.schema as Obj), enum: systems }
      p.description = 'the sector system, as in the client\'s key / hệ thống chuyên ngành'
    }
  }
}

function soapReply (mappings: SectorMapping[]): Obj | undefined {
  const soap = mappings.find(m => m.format === 'soap')
  if (soap === undefined) return undefined
  const example = soapSuccess({ MaHoSo: '000.00.31.H42-251207-00042', KetQua: 'new', TrangThai: 'pending' }, {
    namespace: soap.xml?.namespace ?? '', operation: soap.soapOperation ?? 'GuiHoSo'
  })
  return {
    description: 'SOAP systems only: the reply envelope (SOAP 1.1 over HTTP answers 200, WS-I BP R1111); a refusal is a SOAP Fault with 500 carrying the code and the status a JSON sender would get. / Hệ thống SOAP: phong bì trả lời.',
    content: { [SOAP_CONTENT_TYPE.split(';')[0] ?? 'text/xml']: { schema: { type: 'string' }, example } }
  }
}

function callbackBody (): Obj {
  const raw = sample('portal', ['hoso-moi-birth-registration.input.json'])
  return {
    required: true,
    description: 'One event from the portal (portal-protocol.md, "Callbacks"), signed as the operation says; `DuLieu` is checked against the schema of `LoaiSuKien`. / Một sự kiện từ Cổng.',
    content: {
      'application/json': {
        // DuLieu's own schema depends on LoaiSuKien: the document says so rather than `{}`.
        schema: {
          ...PortalCallbackEnvelopeSchema,
          properties: {
            ...PortalCallbackEnvelopeSchema.properties,
            DuLieu: { type: 'object', additionalProperties: true, description: 'the event\'s data, per LoaiSuKien (HoSoMoi: the HoSo) / dữ liệu của sự kiện' }
          }
        },
        ...(raw === undefined ? {} : { examples: { HoSoMoi: { summary: 'HoSoMoi (fixtures/portal/hoso-moi-birth-registration.input.json)', value: JSON.parse(raw) as unknown } } })
      }
    }
  }
}

/** Adds what the route schemas leave out; `mappings` are the systems the gateway takes in. */
export function describeBodies (doc: Obj, mappings: SectorMapping[]): Obj {
  const systems = mappings.map(m => m.system).sort()
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      op.operationId ??= operationIdOf(method, path)
      // Public routes say so: an operation without `security` would inherit a global one.
      op.security ??= []
      if (path === '/v1/inbound/{system}' || path === '/v1/validate/{system}') {
        systemParam(op, systems)
        op.requestBody = systemBody(mappings)
      }
      if (path === '/v1/inbound/{system}') {
        op.parameters = [...(op.parameters ?? []), {
          in: 'header',
          name: 'X-Ma-Ho-So',
          required: false,
          schema: { type: 'string' },
          description: 'the online dossier (the portal\'s MaHoSo) this sector dossier takes over, for a dossier the portal sent here / mã hồ sơ trực tuyến mà hồ sơ này tiếp nhận'
        }]
        const soap = soapReply(mappings)
        if (soap !== undefined) op.responses = { ...op.responses, 200: soap }
      }
      if (path === '/v1/portal/callbacks') {
        op.requestBody = callbackBody()
      }
    }
  }
  return doc
}

export const PORTAL_SECURITY_SCHEMES = {
  portalSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Portal-Signature',
    description: '`sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` with the secret shared with the portal / chữ ký của Cổng'
  },
  portalTimestamp: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Portal-Timestamp',
    description: 'Unix seconds, within 300 s of the gateway clock; signed with the body / thời điểm ký'
  }
} as const
