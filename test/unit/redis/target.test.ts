import test from 'ava';
import { RedisUrlError, redactRedisUrl, sentinelOptions } from '../../../src/redis/index.js';

test('redis+sentinel:// URLs become ioredis Sentinel options', (t) => {
  t.is(sentinelOptions('redis://127.0.0.1:6379'), undefined);
  t.deepEqual(sentinelOptions('redis+sentinel://10.0.0.1:26379,10.0.0.2:26380/mymaster'), {
    sentinels: [
      { host: '10.0.0.1', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
    ],
    name: 'mymaster',
  });
  t.deepEqual(sentinelOptions('redis+sentinel://:s%40cret@s1:26379/m?db=2&sentinelPassword=x'), {
    sentinels: [{ host: 's1', port: 26379 }],
    name: 'm',
    password: 's@cret',
    sentinelPassword: 'x',
    db: 2,
  });
});

test('malformed Sentinel URLs are errors that hide the password', (t) => {
  t.throws(() => sentinelOptions('redis+sentinel://:pw@s1:26379'), {
    instanceOf: RedisUrlError,
    message:
      'invalid Sentinel URL (redis+sentinel://host:port[,host:port…]/master): redis+sentinel://:***@s1:26379',
  });
  t.throws(() => sentinelOptions('redis+sentinel://s1/m'), {
    message: 'invalid Sentinel address "s1" (host:port)',
  });
});

test('URLs in messages lose every password, and nothing else', (t) => {
  t.is(redactRedisUrl('redis://:s3cret@10.0.0.1:6379/0'), 'redis://:***@10.0.0.1:6379/0');
  t.is(redactRedisUrl('rediss://user:pw@h:6380'), 'rediss://user:***@h:6380');
  t.is(
    redactRedisUrl('redis+sentinel://:a@s1:26379,s2:26379/m?db=1&sentinelPassword=b'),
    'redis+sentinel://:***@s1:26379,s2:26379/m?db=1&sentinelPassword=***',
  );
  t.is(
    redactRedisUrl('redis+socket:///srv/sigmirror/var/redis/redis.sock'),
    'redis+socket:///srv/sigmirror/var/redis/redis.sock',
  );
  t.is(redactRedisUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
});
