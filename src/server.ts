/**
 * Entry point: validates config (fails fast), builds the app, listens, and shuts down
 * gracefully on SIGTERM/SIGINT so in-flight requests and jobs finish.
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

closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
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
