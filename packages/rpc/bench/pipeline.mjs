// rpc benchmarks (run with `npm run bench` in packages/rpc; it builds first).
//
// rpc_pipeline_ratio_vs_msgpackr{,_nested,_chat}: throughput of messages from `client.send` through
//   batching, the in-memory fake network, the host's drain/enforce/decode/dispatch, to the handler,
//   divided by the throughput of raw msgpackr pack+unpack of the same object, measured in the same
//   round (rounds interleaved; median with min and max over the rounds). Three payloads: a flat
//   six-number input; one part of the arena example's split snapshot (nested objects and arrays, the
//   shape of examples/arena/src/parts.ts, ~450 B); a chat line (an object with a 60-character string).
// rpc_header_bytes_per_msg: framing bytes (everything in a packet that is not msgpack payload)
//   per message in a full batch.
//
// Prints one JSON object per metric line, then a small table.

import { connectToHost, createHost, defineProtocol, message, typed } from '@steamwire/rpc';
import { FakeSteamNetwork } from '@steamwire/testkit';
import { Packr, pack, unpack } from 'msgpackr';

const state = { x: 12.5, y: -3.25, z: 100, vx: 0.5, vy: 1, vz: -2 };
/** One part of the arena's split snapshot: 6 players (its PLAYERS_PER_PART), part 0 with coins and hazards. */
const snapshotPart = {
  tick: 12345,
  time: 205750,
  part: 0,
  parts: 3,
  players: Array.from({ length: 6 }, (_, i) => ({
    id: String(76561198000000000n + BigInt(i * 7919)),
    name: `Player ${i + 1}`,
    x: Math.round((10 + i * 7.31) * 100) / 100,
    y: Math.round((5 + i * 2.17) * 100) / 100,
    score: i * 3,
    alive: i % 4 !== 3,
    deaths: i,
  })),
  coins: Array.from({ length: 6 }, (_, i) => [Math.round((3 + i * 9.7) * 100) / 100, 4.25 + i]),
  hazards: Array.from({ length: 3 }, (_, i) => [Math.round((20 + i * 11.3) * 100) / 100, 7.5 - i]),
};
/** A chat line as the arena's host relays it. */
const chatLine = {
  kind: 'player',
  seq: 4711,
  from: 'Player 3',
  text: 'gg, one more round? meet at the north coins after the respawn',
};
const PAYLOADS = { flat: state, nested: snapshotPart, chat: chatLine };
const protocol = defineProtocol({
  stateU: message(typed(), { from: 'client', channel: 1, send: 'unreliable' }),
  stateR: message(typed(), { from: 'client', channel: 2, send: 'reliable' }),
});

async function setup() {
  const net = new FakeSteamNetwork({ seed: 1, conditions: { latencyMs: 1 } });
  const hostPeer = net.createPeer();
  // Generous limits: the bench measures the pipeline, not the rate limiter.
  const host = createHost({ network: hostPeer, protocol, clock: net.clock, rateLimits: false });
  const p = connectToHost({
    network: net.createPeer(),
    protocol,
    host: hostPeer.localSteamId,
    clock: net.clock,
  });
  let client;
  p.then((c) => {
    client = c;
  });
  while (client === undefined) {
    host.update();
    await net.advance(5);
  }
  return { net, host, client };
}

/** A connected pipeline for message `name`; `run(count)` pushes `count` messages of `payload` to the handler. */
async function pipeline(name, perRound, payload = state) {
  const { net, host, client } = await setup();
  let received = 0;
  host.on(name, () => {
    received++;
  });
  return async (count) => {
    const target = received + count;
    for (let sent = 0; sent < count; sent += perRound) {
      for (let i = 0; i < perRound; i++) client.send(name, payload);
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

/** Raw msgpackr pack+unpack of the same object, `count` times. */
function rawRunner(packr, payload = state) {
  const p = packr ? (v) => packr.pack(v) : pack;
  const u = packr ? (b) => packr.unpack(b) : unpack;
  let sink = 0;
  return (count) => {
    for (let i = 0; i < count; i++) sink += u(p(payload)) === null ? 0 : 1;
    return sink;
  };
}

/** Messages per second of `fn(count)`. */
async function rate(fn, count) {
  const t0 = performance.now();
  await fn(count);
  return count / ((performance.now() - t0) / 1000);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Framing bytes per message when one packet is filled completely. */
async function headerBytes(name, channel, messages) {
  const { client } = await setup();
  const payload = new Packr({ useRecords: false, variableMapSize: true }).pack(state).length;
  const before = client.stats().channels[channel];
  for (let i = 0; i < messages; i++) client.send(name, state);
  client.flush();
  const after = client.stats().channels[channel];
  const bytes = after.bytesOut - before.bytesOut;
  const packets = after.packetsOut - before.packetsOut;
  return { perMsg: (bytes - messages * payload) / messages, packets, payload };
}

const ROUNDS = 9;
/** Messages per round and runner: each payload's rounds take a similar time. */
const COUNT = { flat: 50_000, nested: 6_000, chat: 30_000 };
const sizes = Object.fromEntries(Object.entries(PAYLOADS).map(([k, v]) => [k, pack(v).length]));
const runners = {
  raw: rawRunner(),
  rawSame: rawRunner(new Packr({ useRecords: false, variableMapSize: true })),
  unreliable: await pipeline('stateU', 1000),
  reliable: await pipeline('stateR', 1000),
  rawNested: rawRunner(undefined, snapshotPart),
  rawNestedSame: rawRunner(new Packr({ useRecords: false, variableMapSize: true }), snapshotPart),
  nested: await pipeline('stateU', 2, snapshotPart),
  rawChat: rawRunner(undefined, chatLine),
  chat: await pipeline('stateR', 100, chatLine),
};
const counts = {
  raw: COUNT.flat,
  rawSame: COUNT.flat,
  unreliable: COUNT.flat,
  reliable: COUNT.flat,
  rawNested: COUNT.nested,
  rawNestedSame: COUNT.nested,
  nested: COUNT.nested,
  rawChat: COUNT.chat,
  chat: COUNT.chat,
};
// Warm up, then interleave the runners round by round so machine noise hits all of them alike;
// each ratio is taken within a round, and the median round is reported with the min and max.
for (const [k, fn] of Object.entries(runners)) await fn(counts[k] / 2);
const ratios = { unreliable: [], reliable: [], same: [], nested: [], nestedSame: [], chat: [] };
const rates = { raw: [], unreliable: [] };
for (let r = 0; r < ROUNDS; r++) {
  const rate_ = {};
  for (const [k, fn] of Object.entries(runners)) rate_[k] = await rate(fn, counts[k]);
  ratios.unreliable.push(rate_.unreliable / rate_.raw);
  ratios.reliable.push(rate_.reliable / rate_.raw);
  ratios.same.push(rate_.unreliable / rate_.rawSame);
  ratios.nested.push(rate_.nested / rate_.rawNested);
  ratios.nestedSame.push(rate_.nested / rate_.rawNestedSame);
  ratios.chat.push(rate_.chat / rate_.rawChat);
  rates.raw.push(rate_.raw);
  rates.unreliable.push(rate_.unreliable);
}
// A full unreliable packet: 1200 bytes hold this many frames of this payload.
const payloadSize = new Packr({ useRecords: false, variableMapSize: true }).pack(state).length;
const perUnreliablePacket = Math.floor((1200 - 2 + 1) / (payloadSize + 2));
const hdrU = await headerBytes('stateU', 1, perUnreliablePacket);
const hdrR = await headerBytes('stateR', 2, Math.floor((1024 * 1024) / (payloadSize + 2)));

const round = (x, d = 3) => Number(x.toFixed(d));
/** Median with min and max over the rounds. */
const spread = (xs, d = 3) => ({
  value: round(median(xs), d),
  min: round(Math.min(...xs), d),
  max: round(Math.max(...xs), d),
  rounds: xs.length,
});
const ratioGoal = (xs) => ({ ratio: '>= 0.8', met: median(xs) >= 0.8 });
const lines = [
  {
    metric: 'rpc_pipeline_ratio_vs_msgpackr',
    ...spread(ratios.unreliable),
    unit: 'ratio',
    goal: ratioGoal(ratios.unreliable),
    payload: `flat: six numbers, ${sizes.flat} B`,
    sendType: 'unreliable',
    baseline: 'msgpackr pack+unpack (default exports)',
  },
  {
    metric: 'rpc_pipeline_ratio_vs_msgpackr_nested',
    ...spread(ratios.nested),
    unit: 'ratio',
    goal: ratioGoal(ratios.nested),
    payload: `nested: one arena snapshot part (6 players, coins, hazards), ${sizes.nested} B`,
    sendType: 'unreliable',
    baseline: 'msgpackr pack+unpack (default exports)',
    vs_same_options: round(median(ratios.nestedSame)),
  },
  {
    metric: 'rpc_pipeline_ratio_vs_msgpackr_chat',
    ...spread(ratios.chat),
    unit: 'ratio',
    goal: ratioGoal(ratios.chat),
    payload: `chat: an arena chat line (60-character text), ${sizes.chat} B`,
    sendType: 'reliable',
    baseline: 'msgpackr pack+unpack (default exports)',
  },
  {
    metric: 'rpc_pipeline_ratio_vs_msgpackr_reliable',
    ...spread(ratios.reliable),
    unit: 'ratio',
    payload: 'flat',
    sendType: 'reliable',
  },
  {
    metric: 'rpc_pipeline_ratio_vs_msgpackr_same_options',
    ...spread(ratios.same),
    unit: 'ratio',
    payload: 'flat',
    baseline: 'msgpackr pack+unpack, records off',
  },
  {
    metric: 'rpc_pipeline_msgs_per_sec',
    ...spread(rates.unreliable, 0),
    unit: 'msg/s',
    payload: 'flat',
    sendType: 'unreliable',
  },
  {
    metric: 'msgpackr_pack_unpack_per_sec',
    ...spread(rates.raw, 0),
    unit: 'msg/s',
    payload: 'flat',
  },
  {
    metric: 'rpc_header_bytes_per_msg',
    value: round(hdrR.perMsg, 4),
    unit: 'bytes',
    kind: 'constant',
    goal: '<= 2',
    sendType: 'reliable',
    packets: hdrR.packets,
  },
  {
    metric: 'rpc_header_bytes_per_msg_unreliable',
    value: round(hdrU.perMsg),
    unit: 'bytes',
    kind: 'constant',
    sendType: 'unreliable',
    messagesPerPacket: perUnreliablePacket,
    packets: hdrU.packets,
  },
];
for (const l of lines) console.log(JSON.stringify(l));
console.log('');
console.log('metric                                         value');
for (const l of lines) console.log(`${l.metric.padEnd(46)} ${String(l.value).padStart(12)} ${l.unit}`);
process.exit(0);
