-- One page of a sorted-set index (K.index) after an exclusive (score, member) place; see
-- sorted-index.ts. A.dir: asc|desc; A.min, A.max: scores, inclusive ('-inf'/'+inf'); A.afterScore
-- ('' from the start) and A.afterMember: the place; A.tieMode: gt|all|none; A.count.
-- Returns member, score, member, score… in A.dir order.
local key, dir, min, max = K.index, A.dir, A.min, A.max
local s, r, mode, count = A.afterScore, A.afterMember, A.tieMode, tonumber(A.count)
-- Byte order (Lua's own < follows the server's locale).
local function less (a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local function below (score) return redis.call('ZCOUNT', key, '-inf', '(' .. score) end
local function upTo (score) return redis.call('ZCOUNT', key, '-inf', score) end
-- First rank whose (score, member) is > (s, r) when strict, >= otherwise.
local function lowerBound (strict)
  local lo = below(s)
  local hi = upTo(s)
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    local m = redis.call('ZRANGE', key, mid, mid)[1]
    local goRight
    if strict then goRight = not less(r, m) else goRight = less(m, r) end
    if goRight then lo = mid + 1 else hi = mid end
  end
  return lo
end
local first, last
if dir == 'asc' then
  first = below(min)
  if s ~= '' then
    local b
    if mode == 'gt' then b = lowerBound(true) elseif mode == 'all' then b = below(s) else b = upTo(s) end
    if b > first then first = b end
  end
  last = math.min(first + count, upTo(max)) - 1
else
  last = upTo(max)
  if s ~= '' then
    local b
    if mode == 'gt' then b = lowerBound(false) elseif mode == 'all' then b = upTo(s) else b = below(s) end
    if b < last then last = b end
  end
  last = last - 1
  first = math.max(last - count + 1, below(min))
end
if last < first then return {} end
local out = redis.call('ZRANGE', key, first, last, 'WITHSCORES')
if dir == 'asc' then return out end
local rev = {}
for i = #out - 1, 1, -2 do
  rev[#rev + 1] = out[i]
  rev[#rev + 1] = out[i + 1]
end
return rev
