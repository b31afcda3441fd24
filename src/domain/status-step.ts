import type { CanonicalInput } from './canonical-dossier.js'

/** A status change waiting to be pushed to the portal as a TienDo step; `id` rises per dossier. */
export interface PendingStep { id?: number, status: string, at: string, step?: CanonicalInput['step'] }
