/** A dossier by its code, for a caller who may read or act on it (src/domain/access.ts). */
import type { FastifyInstance } from 'fastify'
import { Errors } from '../../domain/errors.js'
import { may, type Access, type Client } from '../../domain/access.js'
import type { StoredDossier } from '../../store/dossier-store.js'

/** Outside the caller's scope a dossier is reported as absent (404): its existence is not theirs to know. */
export async function findDossier (app: FastifyInstance, client: Client, access: Access, maHoSo: string): Promise<StoredDossier> {
  const where = await app.store.locate(maHoSo)
  const d = where === undefined ? undefined : await app.store.load(where.agency, where.ref)
  if (d === undefined || !may(client, access, d)) throw Errors.notFound(`hồ sơ ${maHoSo}`, 'maHoSo')
  return d
}
