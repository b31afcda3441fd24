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
