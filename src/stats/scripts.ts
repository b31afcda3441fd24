/**
 * Lua for the centre statistics. STATS_APPLY is embedded in the scripts that change a dossier
 * (like SET_STATE in src/store/scripts-shared.ts), so a transition and its counters move together
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

/** How many KEYS the statistics take in a script: dims, open, and two days' four buckets. */
export const STATS_KEY_COUNT = 10

/**
 * Defines `statsKeys(first)`: the statistics keys the caller put in KEYS from `first`
 * (`statsKeysFor`: dims, open, then for each day its day, day-totals, month and month-totals
 * buckets; unused places repeat dims), and `statsApply(sk, dims, encoded)`: dims is `dimsOf(...)`,
 * encoded is `encodeBumps(...)` ('' does nothing). A bump on a day whose buckets are not in KEYS
 * is an error raised before anything is written (the caller computes the keys from the same
 * bumps, so it is a programming error); `statsCovers(sk, encoded)` says it beforehand.
 */
export const STATS_APPLY = `
local function statsKeys (first)
  local sk = { dims = KEYS[first], open = KEYS[first + 1], days = {} }
  for j = first + 2, first + 6, 4 do
    local day = KEYS[j] and string.match(KEYS[j], ':d:(%d%d%d%d%-%d%d%-%d%d)$')
    if day then sk.days[day] = { KEYS[j], KEYS[j + 1], KEYS[j + 2], KEYS[j + 3] } end
  end
  return sk
end
local function statsCovers (sk, encoded)
  for day in string.gmatch(encoded, '([%d%-]*)|%a+|%-?%d+') do
    if day ~= '' and not sk.days[day] then return false end
  end
  return true
end
local function statsApply (sk, dims, encoded)
  if encoded == '' then return end
  if not statsCovers(sk, encoded) then error('STATS_KEYS: a bucket of ' .. encoded .. ' is not in KEYS') end
  redis.call('SADD', sk.dims, dims)
  local c, s, p, ch = string.match(dims, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
  local singles = {}
  if c then singles = { 'c=' .. c, 's=' .. s, 'p=' .. p, 'ch=' .. ch } end
  for day, metric, delta in string.gmatch(encoded, '([%d%-]*)|(%a+)|(%-?%d+)') do
    local buckets
    if day == '' then buckets = { sk.open, sk.open } else buckets = sk.days[day] end
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
 * KEYS: `statsKeysFor(statsPrefix, encoded)`. ARGV: dims, encoded.
 */
export const STATS_BUMP = `
${STATS_APPLY}
statsApply(statsKeys(1), ARGV[1], ARGV[2])
return 1
`
