/** Waits for a condition, never for a fixed time: tests stay deterministic on a loaded machine. */
export async function waitFor (cond: () => boolean | Promise<boolean>, opts: { timeoutMs?: number, intervalMs?: number, what?: string } = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 30_000
  const interval = opts.intervalMs ?? 25
  const deadline = Date.now() + timeout
  for (;;) {
    if (await cond()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${opts.what ?? 'a condition'}`)
    await new Promise(resolve => setTimeout(resolve, interval))
  }
}
