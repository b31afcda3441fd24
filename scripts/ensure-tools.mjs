#!/usr/bin/env node
// What `npm run demo` and `npm test` need on a fresh machine: the Node of `engines`
// (scripts/ensure-node.mjs), the npm dependencies, and the Debian packages behind the real processes the tests start (Redis, Sentinel, Chromium). Each is
// installed when missing and possible (root with apt-get); otherwise the exact install line is
// printed and the command stops, so no test fails later on a missing binary.
// Plain JavaScript on purpose: it must run before any dependency is installed.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { reexecUnderProjectNode } from './ensure-node.mjs'

function run (cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

export function has (bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0
}

export function ensureDependencies () {
  if (!existsSync('node_modules/.package-lock.json')) {
    console.log('• installing dependencies (npm ci)')
    run('npm', ['ci', '--no-audit', '--no-fund'])
  }
}

/** Binaries whose Debian package has another name. */
const PACKAGE_OF = { pdftotext: 'poppler-utils', pdfinfo: 'poppler-utils', pdftoppm: 'poppler-utils' }

/** Debian package for each binary; one apt-get for all that are missing. */
export function ensureBinaries (bins, why) {
  const missing = [...new Set(bins.filter(b => !has(b)).map(b => PACKAGE_OF[b] ?? b))]
  if (missing.length === 0) return
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log(`• installing ${missing.join(', ')} (apt-get)`)
    run('apt-get', ['update', '-qq'])
    run('apt-get', ['install', '-y', '-qq', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    return
  }
  console.error(`${why} need ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed.\n` +
    `Install ${missing.length === 1 ? 'it' : 'them'} first, e.g.: sudo apt-get install ${missing.join(' ')}`)
  process.exit(1)
}

// `node scripts/ensure-tools.mjs test`: npm's pretest.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'test') {
  // Under the Node of `engines` (fetched from npm when this one is older), so that `npm ci` runs
  // there too: the `test` script itself goes through scripts/ensure-node.mjs.
  await reexecUnderProjectNode()
  ensureDependencies()
  ensureBinaries(['redis-server', 'redis-sentinel', 'chromium', 'pdftotext', 'pdfinfo'], 'The tests (real Redis, Sentinel and Chromium processes; poppler for the apology letter)')
}
