-- Applies bumps and nothing else: for the benchmark's generator, tests, and repairs.
-- K.stats: `statsKeysFor(statsPrefix, encoded)`; A.dims and A.encoded as statsApply takes them.
--!include shared/stats-apply.lua
statsApply(statsKeys(K.stats), A.dims, A.encoded)
return 1
