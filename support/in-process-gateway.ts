/**
 * The gateway built and listening in this process, with production's own logger options
 * (serializers and redaction) writing to a file: what tests, the admin-page scenario and the
 * screenshots inspect. The caller owns the config and whatever the gateway talks to.
 */
import { createWriteStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import type { Config } from '../src/config.js'
import { loggerOptions } from '../src/logger.js'

export interface ListeningGateway {
  app: FastifyInstance
  url: string
  logFile: string
  logs: () => string
  /** Closes the app, then flushes its log; later calls wait for the first. */
  close: () => Promise<void>
}

/** `port` 0 (the default): any free port. A test that must know it first (a URL in its env) gives it. */
export async function listenInProcess (config: Config, dir: string, port = 0): Promise<ListeningGateway> {
  const logFile = join(dir, 'gateway.log')
  const stream = createWriteStream(logFile)
  const app = await buildApp(config, { fastify: { logger: { ...loggerOptions(config.LOG_LEVEL), stream } as never } })
  await app.listen({ host: '127.0.0.1', port })
  const addr = app.server.address()
  // Once: a test that closes its gateway early leaves the fixture's teardown to close it again.
  let closed: Promise<void> | undefined
  return {
    app,
    url: `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`,
    logFile,
    logs: () => readFileSync(logFile, 'utf8'),
    close: async () => {
      closed ??= (async () => {
        await app.close()
        await new Promise<void>(resolve => stream.end(resolve))
      })()
      await closed
    }
  }
}
