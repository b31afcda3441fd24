/**
 * CLI: `npm run simulator`. Reads SIM_* variables (docs/simulator.md), listens, and on SIGINT or
 * SIGTERM closes, cutting hung connections, before it exits.
 */
import { ConfigError, optionsFromEnv } from './config.js'
import { startSimulator, type RunningSimulator } from './index.js'

async function main (): Promise<void> {
  let sim: RunningSimulator
  try {
    sim = await startSimulator(optionsFromEnv(process.env))
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    process.stderr.write(`portal simulator: ${err instanceof ConfigError ? 'bad configuration: ' : ''}${message}\n`)
    process.exit(1)
  }
  sim.app.log.info({ url: sim.url, faults: sim.faults() }, 'portal simulator listening')

  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    sim.app.log.info({ signal }, 'portal simulator closing')
    // A stuck close must not keep the process: exit anyway after a few seconds.
    const force = setTimeout(() => process.exit(1), 5000)
    force.unref()
    sim.close().then(() => process.exit(0), (err: unknown) => {
      sim.app.log.error({ err }, 'close failed')
      process.exit(1)
    })
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

await main()
