/**
 * `lienthong`: the gateway's operations from a terminal. `admin` speaks the HTTP API (--url,
 * --key); `keys` and `validate` work offline; `doctor` reads Redis directly. The key is sent, never
 * printed. Every text is the dictionary's (./lang.ts), Vietnamese unless --lang en. Refusals print
 * as `<status> <code> <field>: <message>` and exit non-zero.
 */
import { buildProgram } from './program.js'
import { formatError } from './api.js'

const program = buildProgram()
try {
  await program.parseAsync()
} catch (err) {
  process.stderr.write(`${formatError(err)}\n`)
  process.exitCode = process.exitCode === undefined || process.exitCode === 0 ? 1 : process.exitCode
}
