/**
 * Names shared by the scripts that change a dossier's lifecycle (lua/shared/lifecycle-set.lua):
 * its KEYS, appended to a script's (`closed`, the agency's notices and their queue
 * (lua/shared/notice-add.lua), then the statistics keys as one group), and its
 * ARGV (`lifecycleArgv` in lifecycle-store.ts builds them).
 */
import { STATS_KEY_COUNT } from './stats/scripts.js'

export const LIFECYCLE_KEYS = ['closed', 'notices', 'noticeQ', ['stats', STATS_KEY_COUNT]] as const
export const LIFECYCLE_ARGS = ['statusAt', 'dueAt', 'dueAtIso', 'final', 'lcNow', 'resolved', 'dims', 'bumps', 'receivedDay', 'paidOnline', 'notices'] as const
