/**
 * `withLifecycle`: the dossier as the portal and the API show it, with what events did laid
 * over what the sector sent. Events come after the sector's data, so they win where both say
 * something: a due date set by an event replaces the sector's, and the supplements and results
 * the events recorded replace any the sender listed. Pure; the input is not modified.
 */
import type { CanonicalDossier } from '../canonical-dossier.js'
import type { Lifecycle } from './schemas.js'

export function withLifecycle (dossier: CanonicalDossier, lifecycle: Lifecycle | undefined): CanonicalDossier {
  if (lifecycle === undefined) return dossier
  const d: CanonicalDossier = { ...dossier }
  if (lifecycle.dueAt !== undefined) d.dueAt = lifecycle.dueAt
  if (lifecycle.finishedAt !== undefined) d.finishedAt = lifecycle.finishedAt
  if (lifecycle.refusedAt !== undefined) d.refusedAt = lifecycle.refusedAt
  if (lifecycle.returnedAt !== undefined) d.returnedAt = lifecycle.returnedAt
  if (lifecycle.supplements.length > 0) d.supplements = lifecycle.supplements.map(s => ({ ...s }))
  if (lifecycle.results.length > 0) d.results = lifecycle.results.map(r => ({ ...r }))
  return d
}
