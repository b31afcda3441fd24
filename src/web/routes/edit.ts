/**
 * Edit and send again: the canonical record as a form, one input per field; the API validates
 * it as intake does and its field errors are shown beside the inputs they name. The form carries
 * the revision it was made on: a dossier changed meanwhile is refused (409), never overwritten.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { callApi, type ApiError } from '../api.js'
import { pageData, signedIn } from '../context.js'
import { applyForm, flatten, placeIssues } from '../record-form.js'
import { dossierPath } from './dossier.js'

type Params = { code: string }

/** Kept as the sender's: the number, the status (moved by events) and the agency. */
const READ_ONLY = new Set(['sourceId', 'status', 'agency.code'])

/** The record as the edit API takes it: the canonical view without what the gateway adds. */
function editable (dossier: Record<string, unknown>): Record<string, unknown> {
  const { schemaVersion: _s, maHoSo: _m, provenance, ...rest } = dossier
  return { sourceId: (provenance as { sourceId?: string } | undefined)?.sourceId, ...rest }
}

export default async function editRoutes (app: FastifyInstance): Promise<void> {
  const show = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, record: Record<string, unknown>, revision: number, extra: { error?: ApiError, reason?: string } = {}): Promise<FastifyReply> => {
    const leaves = flatten(record)
    const { byPath, loose } = placeIssues(leaves, extra.error?.errors ?? [])
    return await reply.view('edit', {
      ...pageData(req, reply),
      code: req.params.code,
      revision,
      leaves: leaves.map(l => ({ ...l, readOnly: READ_ONLY.has(l.path), issues: byPath.get(l.path) ?? [] })),
      loose,
      error: extra.error,
      reason: extra.reason ?? ''
    })
  }

  app.get<{ Params: Params }>('/dossiers/:code/edit', async (req, reply) => {
    const r = await callApi(app, signedIn(req), 'GET', `/v1/dossiers/${encodeURIComponent(req.params.code)}`)
    if (!r.ok) return await reply.code(r.status).view('error', { ...pageData(req, reply), status: r.status, apiError: r.error, back: '/admin/failed' })
    return await show(req, reply, editable(r.body.dossier), r.body.sync.revision)
  })

  app.post<{ Params: Params }>('/dossiers/:code/edit', { preHandler: app.csrfProtection }, async (req, reply) => {
    const me = signedIn(req)
    const form = req.body as Record<string, unknown>
    const revision = Number(form.revision)
    const reason = typeof form.reason === 'string' ? form.reason.trim() : ''
    const current = await callApi(app, me, 'GET', `/v1/dossiers/${encodeURIComponent(req.params.code)}`)
    if (!current.ok) return await reply.code(current.status).view('error', { ...pageData(req, reply), status: current.status, apiError: current.error, back: '/admin/failed' })
    const original = editable(current.body.dossier)
    const dossier = applyForm(original, form)
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
