/**
 * Edit and send again: the canonical record as a form, one input per field; the API validates
 * it as intake does and its field errors are shown beside the inputs they name. The form carries
 * the revision it was made on: a dossier changed meanwhile is refused (409), never overwritten.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { callApi, type ApiError } from '../api.js'
import { isOperator, pageData, signedIn } from '../context.js'
import { formatDate, formatDay, parseTyped, words } from '../i18n.js'
import { FIELD_KINDS, VALUES } from '../i18n-values.js'
import { applyForm, editableRecord, flatten, placeIssues } from '../record-form.js'
import { dossierPath } from './dossier.js'

type Params = { code: string }

/** Kept as the sender's: the number, the status (moved by events) and the agency. */
const READ_ONLY = new Set(['sourceId', 'status', 'agency.code'])

export default async function editRoutes (app: FastifyInstance): Promise<void> {
  const show = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, record: Record<string, unknown>, revision: number, extra: { error?: ApiError, reason?: string } = {}): Promise<FastifyReply> => {
    const leaves = flatten(record)
    const { byPath, loose } = placeIssues(leaves, extra.error?.errors ?? [])
    return await reply.view('edit', {
      ...pageData(req, reply),
      code: req.params.code,
      revision,
      leaves: leaves.map(l => ({ ...l, shown: shownValue(l.value), choices: choicesOf(l.path, l.value), readOnly: READ_ONLY.has(l.path), issues: byPath.get(l.path) ?? [] })),
      loose,
      error: extra.error,
      reason: extra.reason ?? ''
    })
  }

  app.get<{ Params: Params }>('/dossiers/:code/edit', async (req, reply) => {
    const me = signedIn(req)
    // A viewer gets no form it could not submit: the same refusal the API would give, as a page.
    if (!isOperator(me)) return await reply.code(403).view('error', { ...pageData(req, reply), status: 403, message: words(req.lang)('operatorsOnly'), back: dossierPath(req.params.code) })
    const r = await callApi(app, me, 'GET', `/v1/dossiers/${encodeURIComponent(req.params.code)}`)
    if (!r.ok) return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back: '/admin/failed' })
    return await show(req, reply, editableRecord(r.body.dossier), r.body.sync.revision)
  })

  app.post<{ Params: Params }>('/dossiers/:code/edit', { preHandler: app.csrfProtection }, async (req, reply) => {
    const me = signedIn(req)
    const form = req.body as Record<string, unknown>
    const revision = Number(form.revision)
    const reason = typeof form.reason === 'string' ? form.reason.trim() : ''
    const current = await callApi(app, me, 'GET', `/v1/dossiers/${encodeURIComponent(req.params.code)}`)
    if (!current.ok) return await reply.code(current.status).view('error', { ...pageData(req, reply), status: current.status, apiError: current.error, back: '/admin/failed' })
    const original = editableRecord(current.body.dossier)
    const dossier = applyForm(original, typedBack(original, form))
    const r = await callApi(app, me, 'POST', `/v1/admin/dossiers/${encodeURIComponent(req.params.code)}/edit`, { revision: Number.isInteger(revision) ? revision : 0, reason, dossier })
    if (r.ok) return await reply.redirect(`${dossierPath(req.params.code)}?done=1`, 303)
    if (r.status === 403 || r.status === 404) return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back: dossierPath(req.params.code) })
    // The officer's values stay in the form, with each error beside its field.
    const withValues = structuredClone(dossier)
    for (const leaf of flatten(original)) {
      if (typeof form[`f.${leaf.path}`] === 'string' && form[`f.${leaf.path}`] === '') setEmpty(withValues, leaf.path)
    }
    return await show(req, reply.code(r.status), withValues, Number.isInteger(revision) ? revision : current.body.sync.revision, { ...(r.error === undefined ? {} : { error: r.error }), reason })
  })
}

/** Dates as officers read and type them: dd/MM/yyyy, and HH:mm for an instant. */
function shownValue (v: string): string {
  return ISO_INSTANT.test(v) ? formatDate(v) : ISO_DAY.test(v) ? formatDay(v) : v
}

/** A coded field is chosen from its values in words (the current value kept even if unknown). */
function choicesOf (path: string, current: string): string[] | undefined {
  const kind = FIELD_KINDS[path.replace(/\.\d+(?=\.|$)/g, '')]
  if (kind === undefined) return undefined
  const known = Object.keys(VALUES[kind])
  return known.includes(current) ? known : [current, ...known]
}

/** The form's dates back to ISO: a value left as shown keeps the original exactly (seconds too). */
function typedBack (original: Record<string, unknown>, form: Record<string, unknown>): Record<string, unknown> {
  const out = { ...form }
  for (const leaf of flatten(original)) {
    const k = `f.${leaf.path}`
    const typed = form[k]
    if (typeof typed !== 'string' || !(ISO_INSTANT.test(leaf.value) || ISO_DAY.test(leaf.value))) continue
    out[k] = typed.trim() === shownValue(leaf.value) ? leaf.value : parseTyped(typed) ?? typed
  }
  return out
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/

/** An emptied field stays in the form, empty, rather than vanishing. */
function setEmpty (o: Record<string, unknown>, path: string): void {
  const segs = path.split('.')
  let cur: Record<string, unknown> = o
  for (const s of segs.slice(0, -1)) {
    if (cur[s] === null || typeof cur[s] !== 'object') cur[s] = {}
    cur = cur[s] as Record<string, unknown>
  }
  cur[segs.at(-1) ?? ''] = ''
}
