/** Mappings, administrative units and the intake service: data read once, at start-up. */
import fp from 'fastify-plugin'
import { loadMappings, type MappingRegistry } from '../../mappings/registry.js'
import { loadAdminUnits, type AdminUnits } from '../../domain/admin-units/index.js'
import { IntakeService } from '../../services/intake/intake-service.js'
import { closeXmlPool, xmlLimitsFrom } from '../../adapters/xml.js'

declare module 'fastify' {
  interface FastifyInstance {
    registry: MappingRegistry
    intake: IntakeService
    /** Also read by the admin page (names of old communes). */
    adminUnits: AdminUnits
  }
}

export default fp(async (app) => {
  const c = app.config
  const registry = await loadMappings()
  const adminUnits = loadAdminUnits(c.ADMIN_UNITS_DIR)
  const intake = new IntakeService(registry, app.store, app.queues, { adminUnits }, xmlLimitsFrom(c), app.notices.kinds)
  app.addHook('onClose', async () => { await closeXmlPool() })
  app.decorate('registry', registry)
  app.decorate('intake', intake)
  app.decorate('adminUnits', adminUnits)
  app.log.info({ systems: registry.systems() }, 'sector mappings loaded')
}, { name: 'intake', dependencies: ['config', 'store', 'notices'] })
