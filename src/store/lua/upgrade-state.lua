-- Moves refs of a legacy state set into the state's index, each only while its record is still in
-- that state (A.state). K.dossiers: one dossier key per ref; A.pairs: ref, score for each.
for k = 1, #K.dossiers do
  local ref, score = A.pairs[2 * k - 1], A.pairs[2 * k]
  if redis.call('HGET', K.dossiers[k], 'state') == A.state then redis.call('ZADD', K.index, 'NX', score, ref) end
  redis.call('SREM', K.legacy, ref)
end
return 1
