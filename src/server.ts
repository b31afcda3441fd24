/**
 * Entry point: validates config (fails fast), builds the app, listens, and shuts down
 * gracefully on SIGTERM/SIGINT so in-flight requests and jobs finish. SIGHUP reloads the
 * clients file (API keys) without a restart.
 */
import closeWithGrace from 'close-with-grace'
import { loadConfig } from './config.js'
import { buildApp } from './app.js'

let config
try {
  config = loadConfig(process.env, { dotenv: true })
} catch (err) {
  process.stderr.write(`invalid configuration: ${(err as Error).message}\n`)
  process.exit(1)
}

const app = await buildApp(config)

// close-with-grace would close on SIGHUP too (and Node's default is to exit): it reloads keys instead.
process.on('SIGHUP', () => {
  app.log.info({ signal: 'SIGHUP' }, 'reloading the clients file')
  app.reloadClients()
})

closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS, skip: ['SIGHUP'] }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
})

try {
  await app.listen({ host: config.HOST, port: config.PORT })
} catch (err) {
  app.log.error({ err }, 'cannot listen')
  process.exit(1)
}
