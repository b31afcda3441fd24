/** The services behind portal callbacks, lifecycle events and the admin's routing of online dossiers. */
import fp from 'fastify-plugin'
import { CallbackService } from '../../services/callbacks/callback-service.js'
import { EventService } from '../../services/lifecycle/event-service.js'

declare module 'fastify' {
  interface FastifyInstance { callbacks: CallbackService, events: EventService }
}

export default fp(async (app) => {
  const events = new EventService(app.store, app.queues, app.notices.kinds)
  app.decorate('events', events)
  app.decorate('callbacks', new CallbackService(app.store, app.queues, app.procedureRoutes, app.clients, events))
}, { name: 'callbacks', dependencies: ['store', 'clients', 'routing'] })
