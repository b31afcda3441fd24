/**
 * The routing file (ROUTING_FILE): which sector system handles an online dossier, by procedure.
 * Validated at start-up (an invalid file stops the gateway); SIGHUP reads it again, and an
 * invalid new file is refused while the routes in force stay.
 */
import fp from 'fastify-plugin'
import { loadRouting, Routing } from '../../services/routing/routing-file.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The routes in force now. */
    procedureRoutes: () => Routing
    reloadRouting: () => boolean
  }
}

export default fp(async (app) => {
  const file = app.config.ROUTING_FILE
  const systems = app.hasDecorator('registry') ? app.registry.systems() : undefined
  const load = (): Routing => file === undefined ? Routing.empty() : loadRouting(file, systems)
  let routing = load()
  if (file === undefined) app.log.warn('ROUTING_FILE is not set: online dossiers stay unrouted until an admin routes them')
  else app.log.info({ routes: routing.size }, 'routing file loaded')
  app.decorate('procedureRoutes', () => routing)
  app.decorate('reloadRouting', () => {
    if (file === undefined) return true
    try {
      routing = load()
    } catch (err) {
      app.log.error({ reason: (err as Error).message }, 'routing file refused: the routes loaded before stay in force')
      return false
    }
    app.log.info({ routes: routing.size }, 'routing file reloaded')
    return true
  })
}, { name: 'routing', dependencies: ['config'] })
