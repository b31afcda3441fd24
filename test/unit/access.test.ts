/** The one scope rule (src/domain/access.ts), case by case: every route and list asks it. */
import t from 'tap'
import { may, type Access, type Scope, type Target } from '../../src/domain/access.js'

const land: Scope = { id: 'land-h42', role: 'sector', system: 'land', agencies: ['000.00.12.H42', '*.H44'] }
const operator: Scope = { id: 'ops', role: 'admin', adminRole: 'operator', agencies: [] }
const viewer: Scope = { id: 'look', role: 'admin', adminRole: 'viewer', agencies: [] }
const h42: Scope = { id: 'ops-h42', role: 'admin', adminRole: 'operator', agencies: ['*.H42'] }
const landOps: Scope = { id: 'ops-land', role: 'admin', adminRole: 'operator', agencies: [], systems: ['land'] }
const landH42: Scope = { id: 'ops-land-h42', role: 'admin', adminRole: 'operator', agencies: ['*.H42'], systems: ['land', 'civil-status'] }

const own = { agency: '000.00.12.H42', system: 'land' }
const other = { agency: '000.00.12.H42', system: 'civil-status' }
const routedToLand = { agency: '000.00.12.H42', system: 'portal', routing: { system: 'land', client: 'land-h42' } }
const routedElsewhere = { agency: '000.00.12.H42', system: 'portal', routing: { system: 'civil-status', client: 'cs-h42' } }
const callback = { agency: '000.00.12.H42', system: null }

const cases: Array<[string, Scope, Access, Target, boolean]> = [
  // Agency patterns: exact codes, and *.<last segment> for a whole province.
  ['exact agency', land, 'read', { agency: '000.00.12.H42' }, true],
  ['a longer last segment is another agency', land, 'read', { agency: '000.00.12.H421' }, false],
  ['another exact agency', land, 'read', { agency: '000.00.13.H42' }, false],
  ['*.H44 covers the province', land, 'read', { agency: '000.00.01.H44' }, true],
  ['*.H44 covers a short code', land, 'read', { agency: 'G01.H44' }, true],
  ['*.H44: the whole last segment only', land, 'read', { agency: '000.00.31.AH44' }, false],
  ['*.H44: the last segment, not any segment', land, 'read', { agency: '000.00.H44.H42' }, false],
  ['a sector client with no agencies covers none', { role: 'sector', agencies: [] }, 'act', { agency: '000.00.12.H42' }, false],
  // Sector clients: their system, their agencies, and what was routed to them.
  ['sector: own system and agency', land, 'read', own, true],
  ['sector: acts on its own', land, 'act', own, true],
  ['sector: lists its own', land, 'list', own, true],
  ['sector: another system', land, 'read', other, false],
  ['sector: own system, another agency', land, 'read', { agency: '000.00.99.H43', system: 'land' }, false],
  ['sector: routed to it', land, 'act', routedToLand, true],
  ['sector: routed to another client', land, 'read', routedElsewhere, false],
  ['sector: never a thing of no system', land, 'list', callback, false],
  ['sector: posts for its system', land, 'act', { system: 'land' }, true],
  ['sector: not for another', land, 'act', { system: 'civil-status' }, false],
  // Admins of everything.
  ['operator: any dossier', operator, 'act', other, true],
  ['operator: unmatched callbacks', operator, 'list', callback, true],
  ['viewer: reads any', viewer, 'read', other, true],
  ['viewer: lists', viewer, 'list', callback, true],
  ['viewer: never acts', viewer, 'act', own, false],
  // Admins limited to agencies.
  ['agencies: inside', h42, 'act', own, true],
  ['agencies: outside', h42, 'read', { agency: '000.00.01.H44', system: 'land' }, false],
  ['agencies: callbacks of theirs', h42, 'list', callback, true],
  ['agencies: any system alone', h42, 'list', { system: 'land' }, true],
  // Admins limited to systems.
  ['systems: theirs', landOps, 'act', own, true],
  ['systems: another', landOps, 'read', other, false],
  ['systems: routed to theirs (by the routed system)', landOps, 'read', routedToLand, true],
  ['systems: routed elsewhere', landOps, 'read', routedElsewhere, false],
  ['systems: a callback has no system yet', landOps, 'list', callback, false],
  ['systems: nothing of no system at all', landOps, 'list', { system: null }, false],
  ['systems: an agency as a first cut', landOps, 'list', { agency: '000.00.01.H44' }, true],
  ['systems: a system alone, theirs', landOps, 'list', { system: 'land' }, true],
  ['systems: a system alone, not theirs', landOps, 'list', { system: 'civil-status' }, false],
  // Both.
  ['both: inside both', landH42, 'act', other, true],
  ['both: outside the agencies', landH42, 'act', { agency: '000.00.01.H44', system: 'land' }, false],
  ['both: outside the systems', landH42, 'read', { agency: '000.00.12.H42', system: 'social-insurance' }, false]
]

for (const [name, who, access, target, want] of cases) {
  t.equal(may(who, access, target), want, name)
}
