/**
 * Shrunk sequences the model-based test found, kept as plain tests (regressions.test.ts replays
 * each the same way every time). `bug` names the KNOWN_BUGS flag of a failure whose fix is not
 * on main yet: the sequence then runs as a `todo` until the flag is closed.
 */
import type { Cmd } from './commands.js'
import type { KnownBug } from './known-bugs.js'

export interface Regression { name: string, bug?: KnownBug, cmds: Cmd[] }

export const REGRESSIONS: Regression[] = [
  {
    // MODEL_SEED=1392549765 (the full suite of 2026-12-08): a payment callback made a final,
    // delivered dossier send again; the portal went down just after the gateway had sent it, so
    // the model still counted it pending and kept it from compaction. A race of the test's: the
    // outage now starts with nothing in flight.
    name: 'compaction during a portal outage, after a payment callback',
    cmds: [{ k: 'new', agency: 0, commune: 0, status: '3', due: { hours: 1, dateOnly: false }, online: false, sid: '.', stepMinutes: 1227 }, { k: 'new', agency: 1, commune: 0, status: '3', due: { hours: 49, dateOnly: true }, online: true, sid: '.m', stepMinutes: 2356 }, { k: 'portal', i: 637, type: 'ThanhToan', score: 2 }, { k: 'outage', on: true }, { k: 'compact' }, { k: 'new', agency: 0, commune: 0, status: '3', due: { hours: -47, dateOnly: false }, online: false, sid: '-fW_', stepMinutes: 2922 }]
  },
  {
    // MODEL_SEED=5 MODEL_PATH=4:2:2: an event made the dossier final (3), then the sector resent
    // its own payload (status 2, its old step time) with a new summary: stale, content not
    // taken (the test's model had taken it as an update).
    name: 'a sector update after an event moved the dossier on is classified against the current status',
    cmds: [{ k: 'new', agency: 1, commune: 2, status: '2', due: { hours: 16, dateOnly: false }, online: true, sid: '-_U', stepMinutes: 2689 }, { k: 'review', sid: '-_-', days: -1 }, { k: 'event', i: 289, type: 'status', pick: 1, due: { hours: -14, dateOnly: false } }, { k: 'portal', i: 771, type: 'RutHoSo', score: 3 }, { k: 'update', i: 59, summary: 'Cấp bản sao trích lục', commune: 0 }]
  },
  {
    // MODEL_SEED=5: scanned overdue at a clock 83 h past the gateway's, then updated: the
    // gateway (rightly) takes a dossier due after its own clock off the overdue list. The test's
    // scans now never run ahead of the gateway's clock; the sequence stays as a regression.
    name: 'clock moves, a batch sharing a due date, a rating, an update with a corrected commune',
    cmds: [{ k: 'clock', hours: 33 }, { k: 'clock', hours: 37 }, { k: 'new', agency: 1, commune: 2, status: '10', due: { hours: 31, dateOnly: true }, online: false, sid: '_C', stepMinutes: 4909 }, { k: 'orphan', agency: 0, type: 'NopBoSung' }, { k: 'batch', agency: 1, n: 5, days: 2, sid: '.-.-' }, { k: 'new', agency: 0, commune: 2, status: '2', due: { hours: 48, dateOnly: false }, online: false, sid: 'aS', stepMinutes: 3556 }, { k: 'dup', i: 232 }, { k: 'portal', i: 947, type: 'DanhGia', score: 1 }, { k: 'clock', hours: 13 }, { k: 'new', agency: 1, commune: 0, status: '4', due: { hours: -36, dateOnly: false }, online: true, sid: '9-.X', stepMinutes: 3632 }, { k: 'update', i: 305, summary: 'Cấp bản sao trích lục', commune: 1 }]
  },
  {
    // MODEL_SEED=4: a resend of the same status without the step time changes the payload (an
    // update); the payload kept for the next duplicate must be that one (a bug of the test's model).
    name: 'a resend of the same final status without its step time is an update, and the same again a duplicate',
    cmds: [{ k: 'new', agency: 0, commune: 0, status: '3', due: { hours: 1, dateOnly: false }, online: false, sid: 'a', stepMinutes: 4883 }, { k: 'resend', i: 817, status: '3', stepMinutes: 3014 }, { k: 'dup', i: 932 }]
  },
  {
    // Found by MODEL_KNOWN_BUGS=none MODEL_SEED=3 MODEL_RUNS=6 MODEL_MAX_COMMANDS=40. Two dossiers
    // due the same day, refs `canonical:0a-0` and `canonical:0B-1`: sorted by localeCompare (a
    // before B), cursored by code units (B before a), so page 2 of limit=1 skipped the second
    // (fixed on main by the lists' (score, member) cursor).
    name: 'two overdue dossiers sharing a due instant page one by one (the overdue list at limit=1 lost the second)',
    cmds: [{ k: 'batch', agency: 0, n: 2, days: -2, sid: '0' }, { k: 'clock', hours: 1 }, { k: 'orphan', agency: 0, type: 'ThanhToan' }]
  },
  {
    name: 'the deadline scan runs on the test\'s clock only: an online dossier due an hour ago is not overdue until a scan says so',
    cmds: [{ k: 'online', agency: 0, commune: 0, routed: false, due: { hours: -1, dateOnly: false } }]
  },
  {
    name: 'a ThanhToan on a dossier due on a shared day',
    cmds: [{ k: 'batch', agency: 0, n: 2, days: -2, sid: '.' }, { k: 'portal', i: 0, type: 'ThanhToan', score: 1 }]
  },
  {
    name: 'an incomplete HoSoMoi is kept on the unmatched and failed lists once (its copy a duplicate), beside an online dossier and an orphan callback',
    cmds: [{ k: 'online', agency: 0, commune: 1, routed: true, due: { hours: 20, dateOnly: false } }, { k: 'incomplete', agency: 0, drop: 'ChuHoSo' }, { k: 'incomplete', agency: 1, drop: 'MaTTHC' }, { k: 'copy', j: 0 }, { k: 'orphan', agency: 0, type: 'DanhGia' }, { k: 'incomplete', agency: 0, drop: 'NgayHenTra' }]
  },
  {
    // MODEL_SEED=5 MODEL_PATH=0:6:3:3:3:3:3:4:4:4: the sector's payload (status 2) again after a
    // supplement request moved the dossier to 5 is `stale`, not a duplicate (the test's model
    // expected `duplicate`; lifecycle.md classifies a resend against the current status).
    name: 'the same payload again after an event moved the dossier on is classified against the current status',
    cmds: [{ k: 'new', agency: 0, commune: 0, status: '2', due: { hours: -1, dateOnly: false }, online: false, sid: '-' }, { k: 'event', i: 0, type: 'supplement-requested', pick: 0 }, { k: 'dup', i: 0 }]
  }
]
