-- A signed callback kept for admins as it was sent, without effect on any dossier (a HoSoMoi
-- whose dossier is incomplete): takes the event id, so a copy is a duplicate.
-- Returns 'kept' or 'duplicate'.
--!include shared/keep-unmatched.lua
if redis.call('EXISTS', K.evt) == 1 then return 'duplicate' end
redis.call('SET', K.evt, '1', 'PX', A.retentionMs)
keepUnmatched(K.unmatchedIndex, K.unmatchedData, A.now, A.unmatchedEntry, A.unmatchedCap, A.retentionMs)
return 'kept'
