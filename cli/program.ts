/** The command tree of `lienthong`, its texts in the language ./lang.ts chose. */
import { Command, Option } from 'commander'
import { adminCommand } from './admin.js'
import { keysCommand } from './keys.js'
import { doctorCommand } from './doctor.js'
import { noticesCommand } from './notices.js'
import { localize, t } from './lang.js'

export function buildProgram (): Command {
  const program = new Command('lienthong')
    .description(t('cli_program'))
    .addOption(new Option('--url <url>', t('cli_optUrl')).env('LIENTHONG_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--key <key>', t('cli_optKey')).env('LIENTHONG_KEY'))
    .addOption(new Option('--lang <lang>', t('cli_optLang')).choices(['vi', 'en']).env('LIENTHONG_LANG'))
    .showHelpAfterError()

  program.addCommand(adminCommand())
  program.addCommand(keysCommand())
  program.addCommand(doctorCommand())
  program.addCommand(noticesCommand())
  program.command('validate <system> <file>')
    .description(t('cli_validate'))
    // Loaded only for this command: the mappings and their compiled schemas are not needed by the others.
    .action(async (system: string, file: string) => { process.exitCode = await (await import('./validate.js')).validateFile(system, file) })
  return localize(program)
}
