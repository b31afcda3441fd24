/**
 * Entry point: validates config (fails fast), builds the app, listens, and shuts down
 * gracefully on SIGTERM/SIGINT so in-flight requests and jobs finish. SIGHUP reloads the
 * clients file (API keys, webhooks), the routing file and the notices file without a restart.
 */
import { constants } from 'node:os'
import closeWithGrace from 'close-with-grace'
import { loadConfig } from './config.js'
import { buildApp } from './app.js'
import { problemText } from './web/problem-text.js'

let config
try {
  config = loadConfig(process.env, { dotenv: true })
} catch (err) {
  // For operators: both languages when the refusal carries a code (every one of ours does).
  const vi = problemText(err, 'vi')
  process.stderr.write(vi === undefined ? `invalid configuration: ${(err as Error).message}\n` : `${vi}\n${problemText(err, 'en') ?? ''}\n`)
  process.exit(1)
}

// Installed before the app is built: Node's default on SIGHUP is to exit, also during start-up.
// close-with-grace would close on it too; here it reloads the keys instead.
const running: { app?: Awaited<ReturnType<typeof buildApp>> } = {}
process.on('SIGHUP', () => {
  const app = running.app
  if (app === undefined) {
    process.stderr.write('SIGHUP during start-up: the clients file is read as the app starts\n')
    return
  }
  app.log.info({ signal: 'SIGHUP' }, 'reloading the clients file, the routing file and the notices file')
  app.reloadClients()
  app.reloadRouting()
  app.notices.reload()
})

// Until close-with-grace takes over, a stop signal ends start-up at once: as PID 1 in a container
// Node has no default action for SIGTERM, so an unhandled one would wait for SIGKILL.
const stopDuringStartup = (signal: NodeJS.Signals): void => {
  process.stderr.write(`${signal} during start-up: exiting\n`)
  process.exit(128 + (constants.signals[signal] ?? 0))
}
process.on('SIGTERM', stopDuringStartup)
process.on('SIGINT', stopDuringStartup)
const app = await buildApp(config)
running.app = app
process.off('SIGTERM', stopDuringStartup)
process.off('SIGINT', stopDuringStartup)

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
