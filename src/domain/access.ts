/**
 * Who may read, list or act on what: the one rule every route, list filter and service asks.
 * Pure and import-free, so any layer may use it and a table test covers every case
 * (test/unit/access.test.ts). Roles are checked before this, by the route's `auth` config
 * (src/http/plugins/auth.ts); this decides scope: agencies and systems.
 */

/** An API client as the rule needs it (src/http/plugins/clients.ts loads them from the clients file). */
export interface Client {
  id: string
  system: string | undefined
  role: 'sector' | 'admin'
  /** Admins: what they may do. A viewer reads (payloads too, audited); an operator also acts. */
  adminRole?: 'viewer' | 'operator'
  /** Agency codes and `*.<province>` patterns; for an admin, empty means every agency. */
  agencies: readonly string[]
  /** Admins limited to some systems; undefined means every system. */
  systems?: readonly string[]
  /** The secret is used to sign, never logged or shown. */
  webhook?: { url: string, secret: string }
}

/** The part of a client the rule reads: a stored bulk replay keeps only its creator's scope. */
export type Scope = Pick<Client, 'role' | 'agencies'> & Partial<Pick<Client, 'id' | 'system' | 'systems' | 'adminRole'>>

export type Access = 'read' | 'list' | 'act'

/**
 * What is asked about. A stored dossier is a target as it is.
 * - `agency` absent: any agency (a question about a system alone).
 * - `system` absent: anything of the agency (a list's first cut, before entries are read);
 *   `null`: a thing of no system yet (an unmatched portal callback), for admins of every system only.
 * - `routing`: an online dossier given to a sector client: admins scope it by the routed system,
 *   and the client it was routed to reads and acts on it.
 */
export interface Target {
  agency?: string
  system?: string | null
  routing?: { system?: string | undefined, client?: string | undefined }
}

/** Whether `who` may `access` `target`. Outside its scope a thing is as absent (the caller answers 404 or skips it). */
export function may (who: Scope, access: Access, target: Target): boolean {
  const { agency, system } = target
  if (who.role === 'sector') {
    if (agency !== undefined && !covers(who.agencies, agency)) return false
    if (system === undefined) return true
    if (system === null) return false
    return system === who.system || (target.routing?.client !== undefined && target.routing.client === who.id)
  }
  if (access === 'act' && who.adminRole === 'viewer') return false
  if (agency !== undefined && who.agencies.length > 0 && !covers(who.agencies, agency)) return false
  if (system === undefined || who.systems === undefined) return true
  if (system === null) return false
  return who.systems.includes(target.routing?.system ?? system)
}

/** An exact code, or `*.H42`: every agency whose last segment is H42 (the dot keeps it a whole segment). */
function covers (patterns: readonly string[], code: string): boolean {
  return patterns.some(p => p.startsWith('*.') ? code.endsWith(p.slice(1)) : p === code)
}
