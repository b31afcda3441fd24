/**
 * The CLI's language: every text it prints comes from the page's dictionary (src/web/i18n.ts),
 * Vietnamese unless `--lang en` or LIENTHONG_LANG=en. LANG is not read: on a server it is
 * usually en_US or C.UTF-8, and would turn an officer's terminal English by accident. Commander's
 * own texts (help headings, refusals of a command line) are put in the same words here.
 */
import { Help, type Command, type Option } from 'commander'
import { words, type Lang, type Word } from '../src/web/i18n.js'

/** `--lang` is read before commander parses, since the help texts are built with the commands. */
function chosen (argv: readonly string[], env: NodeJS.ProcessEnv): Lang {
  let v = env.LIENTHONG_LANG
  argv.forEach((a, i) => {
    if (a === '--lang') v = argv[i + 1]
    else if (a.startsWith('--lang=')) v = a.slice('--lang='.length)
  })
  return v?.trim().toLowerCase().startsWith('en') === true ? 'en' : 'vi'
}

let current: Lang = chosen(process.argv, process.env)

export function lang (): Lang { return current }
/** For tests that build the commands in both languages in one process. */
export function setLang (l: Lang): void { current = l }

export function t (w: Word): string { return words(current)(w) }

/** A word with its `{name}` places filled; a place with no value stays as it is. */
export function say (w: Word, vars: Record<string, string | number> = {}, l: Lang = current): string {
  return words(l)(w).replace(/\{(\w+)\}/g, (m, k: string) => Object.hasOwn(vars, k) ? String(vars[k]) : m)
}

/** Both languages of a word, as the gateway's refusals carry them. */
export function both (w: Word, vars: Record<string, string | number> = {}): { vi: string, en: string } {
  return { vi: say(w, vars, 'vi'), en: say(w, vars, 'en') }
}

/** A file that could not be read, in words (the system's error code only when it has none). */
export function readFailure (file: string, err: unknown): Error {
  const code = (err as { code?: string }).code
  const why = code === 'ENOENT' ? t('cli_noSuchFile') : code === 'EACCES' || code === 'EPERM' ? t('cli_noPermission') : code ?? String(err)
  return new Error(say('cli_cannotRead', { file, why }))
}

const TITLES: Record<string, Word> = {
  'Usage:': 'cli_usage', 'Options:': 'cli_options', 'Global Options:': 'cli_globalOptions', 'Arguments:': 'cli_arguments', 'Commands:': 'cli_commands'
}

/** Commander's help in the dictionary's words: headings, `[options]`, the help option, defaults. */
class WordedHelp extends Help {
  override styleTitle (str: string): string {
    const w = TITLES[str]
    return w === undefined ? str : t(w)
  }

  override commandUsage (cmd: Command): string { return bracketWords(super.commandUsage(cmd)) }
  override subcommandTerm (cmd: Command): string { return bracketWords(super.subcommandTerm(cmd)) }

  override optionDescription (option: Option): string {
    const extra: string[] = []
    if (option.argChoices !== undefined) extra.push(`${t('cli_choices')}: ${option.argChoices.join(', ')}`)
    if (option.defaultValue !== undefined && (option.required || option.optional)) extra.push(`${t('cli_default')}: ${String(option.defaultValue)}`)
    if (option.envVar !== undefined) extra.push(`${t('cli_env')}: ${option.envVar}`)
    return extra.length === 0 ? option.description : `${option.description} (${extra.join('; ')})`
  }
}

function bracketWords (s: string): string {
  return s.replaceAll('[options]', t('cli_optionsWord')).replaceAll('[command]', t('cli_commandWord'))
}

/** Commander's refusals of a command line, by their (stable) English form, in words. */
export function commanderError (message: string): string {
  const q = (s: string | undefined): string => `'${s ?? ''}'`
  const m = message.replace(/^error: /, '').trimEnd()
  const rules: Array<[RegExp, (x: RegExpExecArray) => string]> = [
    [/^missing required argument '([^']*)'$/, x => say('cli_errMissingArgument', { name: q(x[1]) })],
    [/^option '([^']*)' argument missing$/, x => say('cli_errOptionMissing', { flags: q(x[1]) })],
    [/^required option '([^']*)' not specified$/, x => say('cli_errRequiredOption', { flags: q(x[1]) })],
    [/^unknown option '([^']*)'(?:\s*\(Did you mean ([^?]*)\?\))?$/s, x => [say('cli_errUnknownOption', { flag: q(x[1]) }), ...(x[2] === undefined ? [] : [say('cli_errDidYouMean', { name: x[2] })])].join(' ')],
    [/^unknown command '([^']*)'(?:\s*\(Did you mean ([^?]*)\?\))?$/s, x => [say('cli_errUnknownCommand', { name: q(x[1]) }), ...(x[2] === undefined ? [] : [say('cli_errDidYouMean', { name: x[2] })])].join(' ')],
    [/^too many arguments/, () => t('cli_errTooMany')],
    [/^option '([^']*)' argument '([^']*)' is invalid\. Allowed choices are (.*)\.$/s, x => `${say('cli_errInvalidOption', { flags: q(x[1]), value: q(x[2]) })}: ${say('cli_errChoices', { list: x[3] ?? '' })}`],
    // The reason after "is invalid." is the CLI's own (InvalidArgumentError), already in words.
    [/^option '([^']*)' argument '([^']*)' is invalid\. ?(.*)$/s, x => `${say('cli_errInvalidOption', { flags: q(x[1]), value: q(x[2]) })}${x[3] === '' || x[3] === undefined ? '' : `: ${x[3]}`}`]
  ]
  for (const [re, f] of rules) {
    const x = re.exec(m)
    if (x !== null) return `${say('cli_err', { what: f(x) })}\n`
  }
  return `${say('cli_err', { what: m })}\n`
}

/** The words on every command of the tree (commander copies no settings to an added command). */
export function localize (cmd: Command): Command {
  cmd.createHelp = () => Object.assign(new WordedHelp(), cmd.configureHelp())
  cmd.helpOption('-h, --help', t('cli_help'))
  if (cmd.commands.length > 0) cmd.helpCommand('help [command]', t('cli_help'))
  cmd.configureOutput({ outputError: (str, write) => { write(commanderError(str)) } })
  for (const sub of cmd.commands) localize(sub)
  return cmd
}
