/**
 * `system=canonical`: the sender already speaks the canonical schema, so the mapping is the
 * identity; the canonical schema itself validates it and names fields in the sender's terms.
 */
import type { CanonicalInput } from '../../schemas/canonical-dossier.js'
import type { SectorMapping } from '../types.js'

const mapping: SectorMapping = {
  system: 'canonical',
  version: '1.0.0',
  format: 'json',
  map: (r) => r.document as CanonicalInput
}
export default mapping
