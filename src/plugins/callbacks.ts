/** The service behind portal callbacks and the admin's routing of online dossiers. */
import fp from 'fastify-plugin'
import { CallbackService } from '../portal/callback-service.js'

declare module 'fastify' {
  interface FastifyInstance { callbacks: CallbackService }
}

export default fp(async (app) => {
  app.decorate('callbacks', new CallbackService(app.store, app.queues, app.procedureRoutes, app.clients))
}, { name: 'callbacks', dependencies: ['store', 'clients', 'routing'] })
