/** The `lienthong` CLI as an operator runs it: a child process with its own environment. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'

export interface Run { code: number | null, stdout: string, stderr: string }

export interface RunningCli {
  child: ChildProcessWithoutNullStreams
  /** Output so far. */
  readonly stdout: string
  readonly stderr: string
  done: Promise<Run>
}

/** Starts the CLI; LIENTHONG_* and CLIENTS_FILE come only from `env`, never from the caller's shell. */
export function startCli (args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/lienthong.ts', ...args], {
    env: { ...process.env, LIENTHONG_URL: '', LIENTHONG_KEY: '', CLIENTS_FILE: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  child.stdin.end()
  const run = { child, stdout: '', stderr: '' } as RunningCli & { stdout: string, stderr: string }
  child.stdout.on('data', (b: Buffer) => { run.stdout += b.toString() })
  child.stderr.on('data', (b: Buffer) => { run.stderr += b.toString() })
  run.done = new Promise<Run>(resolve => child.once('close', code => { resolve({ code, stdout: run.stdout, stderr: run.stderr }) }))
  return run
}

export async function cli (args: string[], env: Record<string, string> = {}): Promise<Run> {
  return await startCli(args, env).done
}

/**
 * Words of the other language in a CLI output: English words in a Vietnamese one, Vietnamese
 * letters in an English one. Codes, options, ids, paths and numbers are taken out first (any
 * token with a digit or one of -./:_@*$<>[]'"=), since they are the same in both languages; so are
 * the names in `ignore` (commands, typed as they are) and words in capitals (codes). "in" is not listed: it is Vietnamese too.
 */
export function foreignWords (text: string, lang: 'vi' | 'en', ignore: ReadonlySet<string> = new Set()): string[] {
  if (lang === 'en') return [...new Set(text.match(/[^\s]*[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ][^\s]*/giu) ?? [])]
  const words = text.split(/[\s,;()]+/).filter(w => w !== '' && !/[\d\-./:_@*$<>[\]'"=→…]/.test(w))
  // A word in capitals is a machine code (REQUIRED, INVALID…), the same in both languages.
  return [...new Set(words.filter(w => ENGLISH.has(w.toLowerCase()) && !ignore.has(w) && !/^[A-Z]{2,}$/.test(w)))]
}

const ENGLISH = new Set(('the and of is are not to for with every or a an its this that on by from no found failed ' +
  'done queued cancelled discarded delivered pending replayed skipped client clients added removed created kept installed ' +
  'drift drifts notice error unknown missing display help command options usage default choices sector all role viewer operator ' +
  'repaired key shown once secret dossier dossiers agencies checked run again replaying cancelling started matched reply when who ' +
  // What the lower layers say in English (logs, doctor --json): the clients file, configuration, doctor, network.
  'written would refuse file gateway must match pattern neither nor agency code province has record cannot ' +
  'callback callbacks entry entries before sorted index moved into next list read bad port connection refused ' +
  'invalid configuration required exist give waiting event marks failure state status score permission denied such').split(' '))
