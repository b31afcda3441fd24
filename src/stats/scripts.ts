/**
 * Lua for the centre statistics. STATS_APPLY is embedded in the scripts that change a dossier
 * (like SET_STATE in src/store/scripts-intake.ts), so a transition and its counters move together
 * or not at all. Its keys are not in KEYS: they are derived from `statsPrefix`, which carries the
 * dossier's hash tag `{<agency>}`, so they live on the script's own Redis Cluster slot.
 *
 * Buckets, all hashes, none with an expiry (they are the centre's history):
 *   <statsPrefix>:d:<yyyy-mm-dd>  day bucket
 *   <statsPrefix>:m:<yyyy-mm>     month rollup (the sum of its days)
 *   <statsPrefix>:open            the overdueOpen gauge
 *   <statsPrefix>:dims            set of every dims string ever bumped: how a filtered query finds
 *                                 which fields to read without reading whole buckets
 * Each bump adds `delta` to the field `<dims>|<metric>` and to the agency's total `<metric>` (no
 * `|`), so a query without dimension filters reads a dozen fields per bucket whatever the number
 * of combinations. A field that comes back to 0 is deleted, which keeps buckets small.
 */

/**
 * `statsApply(statsPrefix, dims, encoded)`: statsPrefix is `<KEY_PREFIX>:{<agency>}:stats`
 * (`statsPrefix()` in stats-store.ts), dims is `dimsOf(...)`, encoded is `encodeBumps(...)`
 * ('' does nothing). Defines only that local function.
 */
export const STATS_APPLY = `
local function statsApply (statsPrefix, dims, encoded)
  if encoded == '' then return end
  redis.call('SADD', statsPrefix .. ':dims', dims)
  for day, metric, delta in string.gmatch(encoded, '([%d%-]*)|(%a+)|(%-?%d+)') do
    local buckets
    if day == '' then
      buckets = { statsPrefix .. ':open' }
    else
      buckets = { statsPrefix .. ':d:' .. day, statsPrefix .. ':m:' .. string.sub(day, 1, 7) }
    end
    for _, k in ipairs(buckets) do
      local f = dims .. '|' .. metric
      if redis.call('HINCRBY', k, f, delta) == 0 then redis.call('HDEL', k, f) end
      if redis.call('HINCRBY', k, metric, delta) == 0 then redis.call('HDEL', k, metric) end
    end
  end
end
`

/**
 * Applies bumps and nothing else: for the benchmark's generator, tests, and repairs.
 * KEYS: `<statsPrefix>:dims` (names the slot). ARGV: statsPrefix, dims, encoded.
 */
export const STATS_BUMP = `
${STATS_APPLY}
statsApply(ARGV[1], ARGV[2], ARGV[3])
return 1
`
