#!/usr/bin/env node
// The Node.js that package.json's `engines.node` names, on a machine whose own Node is older: the
// official binaries are published on npm as node-<os>-<arch>, so npm (which every entry point
// already needs) fetches one into a cache outside the checkout (never in git, lint or a Docker
// build context). Used by .ci/run, `npm test`, `npm run demo` and their pretest.
//
//   node scripts/ensure-node.mjs tap …         # run a command under the project's Node
//   node scripts/ensure-node.mjs --node=24 tap  # under the newest 24.x from npm, whatever is installed
//   node scripts/ensure-node.mjs --bin-dir      # print the folder to put first on PATH (this Node's, if it fits)
//
// LIENTHONG_NODE_CACHE moves the cache (default ~/.cache/lienthong); delete it for a newer release.
// Plain JavaScript that runs on old Node releases on purpose: it must run before the right Node
// and any dependency are there.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { constants, homedir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const ENGINES = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node

/** [major, minor, patch] of 'v22.19.0', '22.19.0' or '24' (missing parts are 0). */
function parse (v) {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v)
  if (m === null) throw new Error(`not a Node version: ${v}`)
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]
}
function atLeast (a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i]
  return true
}

/**
 * Whether a version meets `engines.node`, for the two forms it uses (`^X.Y.Z`, `>=X.Y.Z` or `>=X`, joined by
 * `||`); semver is not installed yet when this runs. scripts/check-engines.mjs compares this with
 * semver itself, so a range this cannot read fails CI rather than being misread here.
 */
export function satisfies (version, range = ENGINES) {
  const v = parse(version)
  return range.split('||').some(part => {
    const p = part.trim()
    const m = /^(\^|>=)(\d+(?:\.\d+){0,2})$/.exec(p)
    if (m === null) throw new Error(`ensure-node reads only ^X.Y.Z and >=X.Y.Z (or >=X) in engines.node, not "${p}"`)
    const floor = parse(m[2])
    return atLeast(v, floor) && (m[1] === '>=' || v[0] === floor[0])
  })
}

/** The first line of the range (`^22.19.0`): the release line fetched by default. */
export function defaultLine (range = ENGINES) {
  const first = range.split('||')[0].trim()
  return first.replace(/^>=/, '^')
}

function platform () {
  const os = { linux: 'linux', darwin: 'darwin' }[process.platform]
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch]
  if (os === undefined || arch === undefined) return undefined
  return `${os}-${arch}`
}

function stop (why) {
  const line = defaultLine().replace(/^\^/, '')
  process.stderr.write(`lienthong needs Node.js ${ENGINES} (this is ${process.version}), and ${why}.\n` +
    `Install Node.js ${line} or later (https://nodejs.org/en/download, or your system's packages) and run the command again.\n`)
  process.exit(1)
}

/**
 * The bin folder of a Node for `line` (`^22.19.0`, `24`, `22.12.0`), fetched into the cache when
 * missing; a cached binary that no longer fits `line` is fetched again.
 */
export function fetchedNode (line) {
  const plat = platform()
  if (plat === undefined) stop(`npm publishes no Node binary for ${process.platform}-${process.arch}`)
  const spec = `node-${plat}@${line}`
  const base = process.env.LIENTHONG_NODE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lienthong')
  // One folder per release line (`^22.19.0` and `22` share node-22), one per pinned version.
  const dir = join(base, `node-${line.startsWith('^') ? parse(line.slice(1))[0] : line.replace(/[^0-9A-Za-z.]/g, '')}-${plat}`)
  const bin = join(dir, 'bin')
  const fits = () => {
    const r = spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' })
    if (r.status !== 0) return false
    const v = r.stdout.trim()
    return /^\^/.test(line) ? satisfies(v, line) : v.slice(1) === line || v.slice(1).startsWith(`${line}.`)
  }
  if (existsSync(join(bin, 'node')) && fits()) return bin
  process.stderr.write(`ensure-node: fetching ${spec} from the npm registry into ${dir}\n`)
  mkdirSync(base, { recursive: true })
  const tmp = mkdtempSync(join(base, '.fetch-'))
  try {
    const r = spawnSync('npm', ['pack', '--loglevel=error', spec], { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    if (r.signal) process.exit(1)
    const tgz = readdirSync(tmp).find(f => f.endsWith('.tgz'))
    if (r.status !== 0 || tgz === undefined) stop(`\`npm pack ${spec}\` failed: ${(r.stderr || r.error?.message || '').split('\n').filter(l => l.trim() !== '' && !/complete log/.test(l)).slice(0, 2).join(' / ')}`)
    const x = spawnSync('tar', ['xzf', tgz], { cwd: tmp, stdio: 'inherit' })
    if (x.status !== 0) stop(`unpacking ${tgz} failed`)
    // Moved into place only once complete, so an interrupted download is fetched again next time.
    rmSync(dir, { recursive: true, force: true })
    renameSync(join(tmp, 'package'), dir)
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  if (!fits()) stop(`the Node fetched as ${spec} does not run here or is not ${line}`)
  return bin
}

/** The bin folder to put first on PATH, or '' when this process's Node already fits. */
export function projectNodeBin (line) {
  if (line === undefined && satisfies(process.version)) return ''
  return fetchedNode(line ?? defaultLine())
}

/** Runs `cmd` with `binDir` first on PATH; resolves with its exit code. */
export function runWith (binDir, cmd, args) {
  // Ctrl-C and a hang-up reach the child from the terminal (same process group): the wrapper only
  // waits for it (Node's default on SIGHUP and SIGINT would be to exit at once and lose the child's
  // status; the demo stops its servers on the first SIGINT, a second one would cut that short).
  // SIGTERM is sent to one process (CI, systemd, kill): pass it on.
  const env = binDir === '' ? process.env : { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` }
  const child = spawn(cmd, args, { stdio: 'inherit', env })
  const onTerm = () => child.kill('SIGTERM')
  process.on('SIGHUP', () => {})
  process.on('SIGINT', () => {})
  process.on('SIGTERM', onTerm)
  return new Promise(resolve => {
    child.on('error', err => { process.stderr.write(`ensure-node: ${cmd}: ${err.message}\n`); resolve(127) })
    child.on('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)))
  })
}

/**
 * For a plain-JavaScript entry point (the demo, the pretest): when this Node is older than
 * `engines`, runs the same script again under the project's Node and exits with its status.
 */
export async function reexecUnderProjectNode () {
  if (satisfies(process.version)) return
  const bin = projectNodeBin()
  process.stderr.write(`ensure-node: Node ${process.version} is not ${ENGINES}: running ${process.argv[1]} under ${join(bin, 'node')}\n`)
  process.exit(await runWith(bin, join(bin, 'node'), [...process.execArgv, ...process.argv.slice(1)]))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.on('SIGHUP', () => {}) // before anything else: Node's default is to exit
  const args = process.argv.slice(2)
  let line
  if (args[0]?.startsWith('--node=')) line = args.shift().slice('--node='.length)
  if (args[0] === '--bin-dir') {
    process.stdout.write((projectNodeBin(line) || dirname(process.execPath)) + '\n')
  } else if (args.length === 0) {
    process.stderr.write('usage: node scripts/ensure-node.mjs [--node=<line>] (--bin-dir | <command> [args…])\n')
    process.exit(2)
  } else {
    const bin = projectNodeBin(line)
    if (bin !== '') {
      const v = spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim()
      process.stderr.write(`ensure-node: running ${args[0]} under Node ${v} (${bin})\n`)
    }
    process.exit(await runWith(bin, args[0], args.slice(1)))
  }
}
