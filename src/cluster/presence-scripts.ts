import { RedisScript } from './redis-script.js';

// Presence in Redis, keys under a prefix P:
//   P presence:nodes               ZSET node -> deadline (ms, Redis's clock) of its heartbeat
//   P presence:node:<node>         SET of JSON [room, id]: what to remove when the node is lost
//   P presence:room:<room>:order   ZSET id -> joining order
//   P presence:room:<room>:members HASH id -> JSON { id, name, node }
//   P presence:order               counter for joining order
// Deadlines use Redis's clock (TIME), so nodes' clocks need not agree. Scripts that read TIME
// and then write need effects replication: redis.replicate_commands() (default from Redis 7).
// Keys are built inside the scripts from the prefix: fine on one Redis, not on Redis Cluster.

const NOW = `
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** ARGV: prefix, node, ttlMs. Returns 1 when the node was absent (its entries must be written back). */
export const HEARTBEAT = new RedisScript(`${NOW}
return redis.call('ZADD', ARGV[1] .. 'presence:nodes', now + tonumber(ARGV[3]), ARGV[2])
`);

/**
 * ARGV: prefix, room, id, member JSON, node, ttlMs. Upsert that keeps the joining order.
 * Registers the node if absent (so that its members can always be swept); returns 1 then.
 */
export const JOIN = new RedisScript(`${NOW}
local P, room, id = ARGV[1], ARGV[2], ARGV[3]
local order = P .. 'presence:room:' .. room .. ':order'
if redis.call('ZSCORE', order, id) == false then
  redis.call('ZADD', order, redis.call('INCR', P .. 'presence:order'), id)
end
redis.call('HSET', P .. 'presence:room:' .. room .. ':members', id, ARGV[4])
redis.call('SADD', P .. 'presence:node:' .. ARGV[5], cjson.encode({room, id}))
return redis.call('ZADD', P .. 'presence:nodes', 'NX', now + tonumber(ARGV[6]), ARGV[5])
`);

/** ARGV: prefix, room, id. */
export const LEAVE = new RedisScript(`
local P, room, id = ARGV[1], ARGV[2], ARGV[3]
local members = P .. 'presence:room:' .. room .. ':members'
local member = redis.call('HGET', members, id)
if member == false then return 0 end
redis.call('HDEL', members, id)
redis.call('ZREM', P .. 'presence:room:' .. room .. ':order', id)
redis.call('SREM', P .. 'presence:node:' .. cjson.decode(member).node, cjson.encode({room, id}))
return 1
`);

/** ARGV: prefix, room. Member JSONs in joining order. */
export const MEMBERS = new RedisScript(`
local P, room = ARGV[1], ARGV[2]
local ids = redis.call('ZRANGE', P .. 'presence:room:' .. room .. ':order', 0, -1)
local out = {}
for start = 1, #ids, 1000 do
  local chunk = {}
  for i = start, math.min(start + 999, #ids) do chunk[#chunk + 1] = ids[i] end
  local values = redis.call('HMGET', P .. 'presence:room:' .. room .. ':members', unpack(chunk))
  for _, value in ipairs(values) do
    if value then out[#out + 1] = value end
  end
end
return out
`);

/**
 * ARGV: prefix, max nodes per call. Removes every member of nodes whose heartbeat lapsed, and
 * the nodes; returns [room1, member1 JSON, room2, member2 JSON, ...]. Atomic: of all the nodes
 * sweeping at once, exactly one gets each lost member.
 */
export const SWEEP = new RedisScript(`${NOW}
local P = ARGV[1]
local dead = redis.call('ZRANGEBYSCORE', P .. 'presence:nodes', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, node in ipairs(dead) do
  local entries = P .. 'presence:node:' .. node
  for _, entry in ipairs(redis.call('SMEMBERS', entries)) do
    local pair = cjson.decode(entry)
    local room, id = pair[1], pair[2]
    local members = P .. 'presence:room:' .. room .. ':members'
    local member = redis.call('HGET', members, id)
    if member then
      redis.call('HDEL', members, id)
      redis.call('ZREM', P .. 'presence:room:' .. room .. ':order', id)
      out[#out + 1] = room
      out[#out + 1] = member
    end
  end
  redis.call('DEL', entries)
  redis.call('ZREM', P .. 'presence:nodes', node)
end
return out
`);
