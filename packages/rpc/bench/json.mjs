// json_ratio: what msgpack buys, measured on the same pipeline.
//
// Both variants run the full rpc pipeline (client.send, batching, the in-memory fake, host drain,
// enforcement, dispatch) with the same game objects. The msgpack variant sends the object as is; the
// JSON variant is what a user would write to use JSON instead: the message is declared as a string,
// the sender `JSON.stringify`s the object and the handler `JSON.parse`s it (the string still rides
// in a msgpack str frame, which costs 2-3 bytes and a UTF-8 copy). Runs alternate round by round and
// the median round is reported.
//
// json_ratio        = JSON messages/s ÷ msgpack messages/s (below 1: JSON is slower)
// json_bytes_ratio  = JSON bytes on the wire per message ÷ msgpack bytes per message
// Payloads: the ~600 B snapshot of the host benchmarks (reliable, so packets batch many of them) and
// the small six-number state of pipeline.mjs (unreliable), reported as extra keys.

import { connectToHost, createHost, defineProtocol, message, typed } from '@steamwire/rpc';
import { FakeSteamNetwork } from '@steamwire/testkit';
import { makeSnapshot } from './world.mjs';

const protocol = defineProtocol({
  snapM: message(typed(), { from: 'client', channel: 1, send: 'reliable' }),
  snapJ: message(typed(), { from: 'client', channel: 2, send: 'reliable' }),
  smallM: message(typed(), { from: 'client', channel: 3, send: 'unreliable' }),
  smallJ: message(typed(), { from: 'client', channel: 4, send: 'unreliable' }),
});
const channelOf = { snapM: 1, snapJ: 2, smallM: 3, smallJ: 4 };

const snapshot = makeSnapshot(42);
const small = { x: 12.5, y: -3.25, z: 100, vx: 0.5, vy: 1, vz: -2 };

async function setup() {
  const net = new FakeSteamNetwork({ seed: 1, conditions: { latencyMs: 1 } });
  const hostPeer = net.createPeer();
  const host = createHost({ network: hostPeer, protocol, clock: net.clock, rateLimits: false });
  let client;
  connectToHost({ network: net.createPeer(), protocol, host: hostPeer.localSteamId, clock: net.clock }).then(
    (c) => {
      client = c;
    },
  );
  while (client === undefined) {
    host.update();
    await net.advance(5);
  }
  return { net, host, client };
}

const world = await setup();
let received = 0;
let sink = 0;
world.host.on('snapM', (m) => {
  received++;
  sink += m.players.length;
});
world.host.on('snapJ', (s) => {
  received++;
  sink += JSON.parse(s).players.length;
});
world.host.on('smallM', (m) => {
  received++;
  sink += m.x;
});
world.host.on('smallJ', (s) => {
  received++;
  sink += JSON.parse(s).x;
});

/** A runner pushing `count` messages of `name` through the pipeline, `perRound` per update. */
function runner(name, value, json, perRound) {
  const { net, host, client } = world;
  return async (count) => {
    const target = received + count;
    for (let sent = 0; sent < count; sent += perRound) {
      for (let i = 0; i < perRound; i++) client.send(name, json ? JSON.stringify(value) : value);
      client.update();
      await net.advance(1);
      host.update();
    }
    while (received < target) {
      await net.advance(1);
      host.update();
    }
  };
}

async function rate(fn, count) {
  const t0 = performance.now();
  await fn(count);
  return count / ((performance.now() - t0) / 1000);
}

/** Wire bytes per message of `name`, from the client's channel statistics. */
function bytesPerMessage(name, before) {
  const after = world.client.stats();
  const ch = channelOf[name];
  return (
    (after.channels[ch].bytesOut - before.channels[ch].bytesOut) /
    (after.messages[name].messagesOut - before.messages[name].messagesOut)
  );
}

const runs = {
  snapM: runner('snapM', snapshot, false, 200),
  snapJ: runner('snapJ', snapshot, true, 200),
  smallM: runner('smallM', small, false, 500),
  smallJ: runner('smallJ', small, true, 500),
};
const N = { snapM: 20_000, snapJ: 20_000, smallM: 50_000, smallJ: 50_000 };
for (const [name, fn] of Object.entries(runs)) await fn(N[name] / 4); // warm-up
const before = world.client.stats();
const ratios = { snap: [], small: [] };
for (let r = 0; r < 7; r++) {
  const sm = await rate(runs.snapM, N.snapM);
  const sj = await rate(runs.snapJ, N.snapJ);
  const mm = await rate(runs.smallM, N.smallM);
  const mj = await rate(runs.smallJ, N.smallJ);
  ratios.snap.push({ ratio: sj / sm, m: sm, j: sj });
  ratios.small.push({ ratio: mj / mm, m: mm, j: mj });
}
const bytes = {
  snapM: bytesPerMessage('snapM', before),
  snapJ: bytesPerMessage('snapJ', before),
  smallM: bytesPerMessage('smallM', before),
  smallJ: bytesPerMessage('smallJ', before),
};
if (sink === 0) throw new Error('nothing received');
world.net.dispose();

const pick = (list) => list.slice().sort((a, b) => a.ratio - b.ratio)[Math.floor(list.length / 2)];
const snap = pick(ratios.snap);
const sm = pick(ratios.small);
const round = (x, d = 3) => Number(x.toFixed(d));
const lines = [
  {
    metric: 'json_ratio',
    value: round(snap.ratio),
    min: round(Math.min(...ratios.snap.map((x) => x.ratio))),
    max: round(Math.max(...ratios.snap.map((x) => x.ratio))),
    rounds: ratios.snap.length,
    unit: 'ratio',
    baseline: 'same pipeline with msgpack (this run)',
    payload: '~600 B snapshot, reliable',
    json_msgs_per_sec: Math.round(snap.j),
    msgpack_msgs_per_sec: Math.round(snap.m),
    small_ratio: round(sm.ratio),
    small_ratio_min: round(Math.min(...ratios.small.map((x) => x.ratio))),
    small_ratio_max: round(Math.max(...ratios.small.map((x) => x.ratio))),
    small_json_msgs_per_sec: Math.round(sm.j),
    small_msgpack_msgs_per_sec: Math.round(sm.m),
  },
  {
    metric: 'json_bytes_ratio',
    value: round(bytes.snapJ / bytes.snapM),
    unit: 'ratio',
    kind: 'constant',
    payload: '~600 B snapshot',
    json_bytes_per_msg: round(bytes.snapJ, 1),
    msgpack_bytes_per_msg: round(bytes.snapM, 1),
    small_ratio: round(bytes.smallJ / bytes.smallM),
    small_json_bytes_per_msg: round(bytes.smallJ, 1),
    small_msgpack_bytes_per_msg: round(bytes.smallM, 1),
  },
];
for (const l of lines) console.log(JSON.stringify(l));
console.log('');
console.log('payload      msgpack msg/s   JSON msg/s   speed JSON/msgpack   bytes msgpack   bytes JSON');
console.log(
  `snapshot  ${String(lines[0].msgpack_msgs_per_sec).padStart(15)} ${String(lines[0].json_msgs_per_sec).padStart(12)} ${String(lines[0].value).padStart(20)} ${String(lines[1].msgpack_bytes_per_msg).padStart(15)} ${String(lines[1].json_bytes_per_msg).padStart(12)}`,
);
console.log(
  `small     ${String(lines[0].small_msgpack_msgs_per_sec).padStart(15)} ${String(lines[0].small_json_msgs_per_sec).padStart(12)} ${String(lines[0].small_ratio).padStart(20)} ${String(lines[1].small_msgpack_bytes_per_msg).padStart(15)} ${String(lines[1].small_json_bytes_per_msg).padStart(12)}`,
);
process.exit(0);
