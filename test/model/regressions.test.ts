/**
 * The model-based test's recorded sequences (regressions.ts), replayed deterministically: each on
 * a fresh gateway, every command checked as it runs, then every list, the statistics and the
 * portal against the model (checks.ts).
 */
import t from 'tap'
import { checkAll } from './checks.js'
import { precondition, execute } from './run.js'
import { Model } from './model.js'
import { isOpen, KNOWN_BUGS } from './known-bugs.js'
import { REGRESSIONS } from './regressions.js'
import { World } from './world.js'

t.test('recorded sequences', async t => {
  const world = await World.start()
  t.teardown(async () => { await world.close() })
  for (const r of REGRESSIONS) {
    const open = r.bug !== undefined && isOpen(r.bug)
    await t.test(r.name, open ? { todo: `known bug ${String(r.bug)}, fixed on branch ${KNOWN_BUGS[r.bug as keyof typeof KNOWN_BUGS]}` } : {}, async t => {
      await world.reset()
      const model = new Model(Math.floor(Date.now() / 60_000) * 60_000)
      for (const c of r.cmds) {
        // A recorded command whose precondition no longer holds is skipped, as fast-check does.
        if (precondition(model, c)) await execute(model, world, c)
      }
      await checkAll(model, world)
      t.pass(`${r.cmds.length} commands agree with the model`)
    })
  }
})
