/**
 * Lua for the centre statistics. src/store/lua/shared/stats-apply.lua is included in the scripts
 * that change a dossier (like shared/set-state.lua), so a transition and its counters move together
 * or not at all. Every counter it touches is in the script's KEYS: the caller names them
 * (`statsKeysFor` in stats-store.ts, from the bumps it computed) and the script only picks among
 * them, so they are on the script's own Redis Cluster slot by construction, not by naming.
 *
 * Buckets, all hashes, none with an expiry (they are the centre's history):
 *   <statsPrefix>:d:<yyyy-mm-dd>  day bucket, field `<dims>|<metric>`
 *   <statsPrefix>:dt:<yyyy-mm-dd> the agency's day totals, field `<metric>`
 *   <statsPrefix>:m:<yyyy-mm>     month rollup (the sum of its days), field `<dims>|<metric>`
 *   <statsPrefix>:mt:<yyyy-mm>    the agency's month totals, field `<metric>`
 *   <statsPrefix>:open            the overdueOpen gauge, fields `<dims>|overdueOpen` and `overdueOpen`
 *   <statsPrefix>:dims            set of every dims string ever bumped: how a filtered query finds
 *                                 which fields to read without reading whole buckets
 * Each bump adds `delta` to the field `<dims>|<metric>` and to the agency's total `<metric>`, kept
 * in small hashes of their own, so a query without dimension filters reads a dozen fields of a
 * small hash per bucket whatever the number of combinations. The totals hashes also keep one
 * total per value of each single dimension (`c=<commune>|<metric>`, `s=<system>|…`,
 * `p=<procedure>|…`, `ch=<channel>|…`): a query filtered by one dimension reads a dozen fields
 * too, whatever the number of dossiers or combinations. A field that comes back to 0 is
 * deleted, which keeps buckets small.
 */
import { luaScript } from '../lua-script.js'

/** How many KEYS the statistics take in a script: dims, open, rolled, and two days' four buckets. */
export const STATS_KEY_COUNT = 11

/**
 * Applies bumps and nothing else (lua/stats-bump.lua): for the benchmark's generator, tests, and
 * repairs. `stats`: `statsKeysFor(statsPrefix, encoded)`.
 */
export const STATS_BUMP = luaScript('ltStatsBump', 'stats-bump.lua', [['stats', STATS_KEY_COUNT]], ['dims', 'encoded'])

/**
 * Rolls one day of one agency up into its month (lua/stats-rollup.lua): the day's buckets go, the
 * month keeps its counts. Idempotent; `StatsStore.rollUp` runs it for every day past the window.
 */
export const STATS_ROLLUP = luaScript('ltStatsRollup', 'stats-rollup.lua', ['rolled', 'day', 'dayTotals'], ['day'])

/**
 * Converts one bucket pair (d and dt of a day, m and mt of a month) from the first layout (an
 * integer field per metric) to packed fields, and sets the kept sets' totals from the
 * combinations; `gauge` 1: the gauge's kept-set fields too (lua/stats-upgrade.lua). Idempotent.
 * `StatsStore.rollUpAll` runs it over an agency's buckets the first time it rolls that agency up.
 */
export const STATS_UPGRADE = luaScript('ltStatsUpgrade', 'stats-upgrade.lua', ['combos', 'totals', 'open'], ['gauge'])
