-- One dossier's webhook queue as one reading: {length, active 1/0, head, failed}.
return { tostring(redis.call('LLEN', K.whq)), tostring(redis.call('SISMEMBER', K.whActive, A.code)),
  redis.call('LINDEX', K.whq, 0) or '', redis.call('HGET', K.whFailed, A.code) or '' }
