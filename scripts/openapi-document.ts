/**
 * The gateway's OpenAPI document (what `/docs/json` serves), from the app built without listening
 * (on a throw-away redis-server: start-up checks Redis). With a path, writes it there; with
 * `--lint` (npm run lint), writes it to a temporary file and runs `redocly lint` on it
 * (rules in redocly.yaml).
 * Usage: node --import tsx scripts/openapi-document.ts <out.json> | --lint
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { RedisServer } from '../support/redis-server.js'
import { makeClients } from '../support/clients-file.js'
// @ts-expect-error plain JavaScript, no declarations
import { ensureBinaries } from './ensure-tools.mjs'

const arg = process.argv[2]
if (arg === undefined) {
  console.error('usage: openapi-document.ts <out.json> | --lint')
  process.exit(2)
}
;(ensureBinaries as (bins: string[], why: string) => void)(['redis-server'], 'Building the OpenAPI document (the app checks Redis at start-up)')
const redis = await RedisServer.start()
const dir = mkdtempSync(join(tmpdir(), 'lienthong-openapi-'))
const out = arg === '--lint' ? join(dir, 'openapi.json') : arg
let status = 0
try {
  // Only what building the API needs: the document is built in memory, no port is opened.
  const config = loadConfig({
    NODE_ENV: 'development', ROLE: 'api', LOG_LEVEL: 'silent', REDIS_URL: redis.url, CLIENTS_FILE: makeClients(dir).file, PORTAL_CALLBACK_SECRET: 'document-only-not-a-secret'
  }, { dotenv: false })
  const app = await buildApp(config)
  await app.ready()
  writeFileSync(out, JSON.stringify(app.swagger(), null, 2) + '\n')
  await app.close()
  if (arg === '--lint') status = spawnSync('npx', ['--no-install', 'redocly', 'lint', '--config', 'redocly.yaml', out], { stdio: 'inherit' }).status ?? 1
} finally {
  await redis.close()
  rmSync(dir, { recursive: true, force: true })
}
process.exitCode = status
