#!/usr/bin/env node
// `npm run demo`: installs what is missing, then runs the demo (scripts/demo.ts) with tsx; it keeps
// the gateway, the simulator and the admin page running until Ctrl-C (`npm run demo -- --once`: run and exit).
// Plain JavaScript on purpose: it must run before any dependency is installed.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

function run (cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

function has (bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0
}

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('• installing dependencies (npm ci)')
  run('npm', ['ci', '--no-audit', '--no-fund'])
}
if (process.env.REDIS_URL === undefined && !has('redis-server')) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log('• installing redis-server (apt-get)')
    run('apt-get', ['update', '-qq'])
    run('apt-get', ['install', '-y', '-qq', 'redis-server'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  } else {
    console.error('redis-server is not installed: install it (e.g. `sudo apt-get install redis-server`) or set REDIS_URL')
    process.exit(1)
  }
}
// Ctrl-C reaches the demo too (same process group): let it stop its servers, then exit with it.
process.on('SIGINT', () => {})
process.on('SIGTERM', () => {})
run(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...process.argv.slice(2)])
