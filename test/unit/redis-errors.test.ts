import t from 'tap'
import { ReplyError } from 'ioredis'
import { isRedisUnavailable } from '../../src/adapters/redis-errors.js'

t.test('Redis refusing for now is unavailable (503)', async t => {
  for (const m of [
    "OOM command not allowed when used memory > 'maxmemory'.",
    "OOM command not allowed when used memory > 'maxmemory'. script: 6c4c6de2, on @user_script:215.",
    "READONLY You can't write against a read only replica.",
    'LOADING Redis is loading the dataset in memory',
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    'CLUSTERDOWN The cluster is down',
    'TRYAGAIN Multiple keys request during rehashing of slot',
    'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
    'MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.',
    'NOREPLICAS Not enough good replicas to write.',
    // Redis 6 wraps the error of a command inside a script.
    'ERR Error running script (call to f_e226fb27): @user_script:12: @user_script: 12: -OOM command not allowed when used memory > \'maxmemory\'.'
  ]) t.ok(isRedisUnavailable(new ReplyError(m)), m)
})

t.test('an unreachable or closed connection is unavailable', async t => {
  t.ok(isRedisUnavailable(new Error('Connection is closed.')))
  t.ok(isRedisUnavailable(new Error("Stream isn't writeable and enableOfflineQueue options is false")))
  t.ok(isRedisUnavailable(Object.assign(new Error('Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.'), { name: 'MaxRetriesPerRequestError' })))
  t.ok(isRedisUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })))
  t.ok(isRedisUnavailable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })))
  t.ok(isRedisUnavailable(new Error('connect ETIMEDOUT')))
  t.ok(isRedisUnavailable(new Error('Command timed out')))
  t.ok(isRedisUnavailable(Object.assign(new Error('Command aborted due to connection close'), { name: 'AbortError' })))
  t.ok(isRedisUnavailable(new Error('wrapped', { cause: new Error('Connection is closed.') })), 'through a cause')
})

t.test('anything else is not: a bug stays a 500', async t => {
  t.notOk(isRedisUnavailable(new ReplyError('ERR Error running script (call to f_1): @user_script:3: attempt to compare nil with number')))
  t.notOk(isRedisUnavailable(new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value')))
  t.notOk(isRedisUnavailable(new ReplyError('NOSCRIPT No matching script.')))
  t.notOk(isRedisUnavailable(new ReplyError('BUSYKEY Target key name already exists.')))
  t.notOk(isRedisUnavailable(new ReplyError('SEQUENCE_EXHAUSTED')))
  t.notOk(isRedisUnavailable(new TypeError("Cannot read properties of undefined (reading 'OOM')")))
  t.notOk(isRedisUnavailable(new Error('the citizen said: READONLY')), 'a word inside a message is not a reply prefix')
  t.notOk(isRedisUnavailable(new DOMException('This operation was aborted', 'AbortError')), 'an aborted fetch is not Redis')
  t.notOk(isRedisUnavailable(undefined))
  t.notOk(isRedisUnavailable('Connection is closed.'), 'only errors')
})
