/**
 * `lienthong`: the gateway's operations from a terminal. `admin` speaks the HTTP API (--url,
 * --key); `keys` and `validate` work offline; `doctor` reads Redis directly. The key is sent, never printed. Refusals print as
 * `<status> <code> <field>: <vi> / <en>` and exit non-zero.
 */
import { Command, Option } from 'commander'
import { formatError } from './api.js'
import { adminCommand } from './admin.js'
import { keysCommand } from './keys.js'
import { doctorCommand } from './doctor.js'

const program = new Command('lienthong')
  .description('operate a lienthong gateway')
  .addOption(new Option('--url <url>', 'the gateway').env('LIENTHONG_URL').default('http://127.0.0.1:8080'))
  .addOption(new Option('--key <key>', 'an admin API key (better in the environment than on the command line)').env('LIENTHONG_KEY'))
  .showHelpAfterError()

program.addCommand(adminCommand())
program.addCommand(keysCommand())
program.addCommand(doctorCommand())
program.command('validate <system> <file>')
  .description('offline: the field errors of a payload, or the canonical record and portal HoSo it would become (.json / .xml)')
  // Loaded only for this command: the mappings and their compiled schemas are not needed by the others.
  .action(async (system: string, file: string) => { process.exitCode = await (await import('./validate.js')).validateFile(system, file) })

try {
  await program.parseAsync()
} catch (err) {
  process.stderr.write(`${formatError(err)}\n`)
  process.exitCode = process.exitCode === undefined || process.exitCode === 0 ? 1 : process.exitCode
}
