/**
 * Lua for the centre statistics. STATS_APPLY is embedded in the scripts that change a dossier
 * (like SET_STATE in src/store/scripts-intake.ts), so a transition and its counters move together
 * or not at all. Its keys are not in KEYS: they are derived from `statsPrefix`, which carries the
 * dossier's hash tag `{<agency>}`, so they live on the script's own Redis Cluster slot.
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

/**
 * `statsApply(statsPrefix, dims, encoded)`: statsPrefix is `<KEY_PREFIX>:{<agency>}:stats`
 * (`statsPrefix()` in stats-store.ts), dims is `dimsOf(...)`, encoded is `encodeBumps(...)`
 * ('' does nothing). Defines only that local function.
 */
export const STATS_APPLY = `
local function statsApply (statsPrefix, dims, encoded)
  if encoded == '' then return end
  redis.call('SADD', statsPrefix .. ':dims', dims)
  local c, s, p, ch = string.match(dims, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
  local singles = {}
  if c then singles = { 'c=' .. c, 's=' .. s, 'p=' .. p, 'ch=' .. ch } end
  for day, metric, delta in string.gmatch(encoded, '([%d%-]*)|(%a+)|(%-?%d+)') do
    local buckets
    if day == '' then
      buckets = { statsPrefix .. ':open', statsPrefix .. ':open' }
    else
      local month = string.sub(day, 1, 7)
      buckets = { statsPrefix .. ':d:' .. day, statsPrefix .. ':dt:' .. day, statsPrefix .. ':m:' .. month, statsPrefix .. ':mt:' .. month }
    end
    for i = 1, #buckets, 2 do
      local k, t, f = buckets[i], buckets[i + 1], dims .. '|' .. metric
      if redis.call('HINCRBY', k, f, delta) == 0 then redis.call('HDEL', k, f) end
      if redis.call('HINCRBY', t, metric, delta) == 0 then redis.call('HDEL', t, metric) end
      for _, one in ipairs(singles) do
        local sf = one .. '|' .. metric
        if redis.call('HINCRBY', t, sf, delta) == 0 then redis.call('HDEL', t, sf) end
      end
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
