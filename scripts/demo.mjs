#!/usr/bin/env node
// `npm run demo`: installs what is missing (Node 22 from npm too, when this Node is older), then
// runs the demo (scripts/demo.ts) with tsx; it keeps the gateway, the simulator and the admin page
// running until Ctrl-C (`npm run demo -- --once`: run and exit).
// Plain JavaScript on purpose: it must run before any dependency is installed.
import { spawnSync } from 'node:child_process'
import { reexecUnderProjectNode } from './ensure-node.mjs'
import { ensureBinaries, ensureDependencies } from './ensure-tools.mjs'

function run (cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

// Under the Node of `engines`: a machine's older Node runs this again with one fetched from npm.
await reexecUnderProjectNode()
ensureDependencies()
if (process.env.REDIS_URL === undefined) ensureBinaries(['redis-server'], 'The demo (or set REDIS_URL)')
// Ctrl-C reaches the demo too (same process group): let it stop its servers, then exit with it.
process.on('SIGINT', () => {})
process.on('SIGTERM', () => {})
run(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...process.argv.slice(2)])
