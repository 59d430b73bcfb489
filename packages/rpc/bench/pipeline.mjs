// rpc benchmarks (run with `npm run bench` in packages/rpc; it builds first).
//
// rpc_pipeline_ratio_vs_msgpackr: throughput of a six-number message from `client.send` through
//   batching, the in-memory fake network, the host's drain/enforce/decode/dispatch, to the handler,
//   divided by the throughput of raw msgpackr pack+unpack of the same object, measured in this run.
// rpc_header_bytes_per_msg: framing bytes (everything in a packet that is not msgpack payload)
//   per message in a full batch.
//
// Prints one JSON object per metric line, then a small table.

import { connectToHost, createHost, defineProtocol, message, typed } from '@steamwire/rpc';
import { FakeSteamNetwork } from '@steamwire/testkit';
import { Packr, pack, unpack } from 'msgpackr';

const state = { x: 12.5, y: -3.25, z: 100, vx: 0.5, vy: 1, vz: -2 };
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

/** A connected pipeline for message `name`; `run(count)` pushes `count` messages to the handler. */
async function pipeline(name, perRound) {
  const { net, host, client } = await setup();
  let received = 0;
  host.on(name, () => {
    received++;
  });
  return async (count) => {
    const target = received + count;
    for (let sent = 0; sent < count; sent += perRound) {
      for (let i = 0; i < perRound; i++) client.send(name, state);
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
function rawRunner(packr) {
  const p = packr ? (v) => packr.pack(v) : pack;
  const u = packr ? (b) => packr.unpack(b) : unpack;
  let sink = 0;
  return (count) => {
    for (let i = 0; i < count; i++) sink += u(p(state)).x;
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

const N = 50_000;
const ROUNDS = 9;
const runners = {
  raw: rawRunner(),
  rawSame: rawRunner(new Packr({ useRecords: false, variableMapSize: true })),
  unreliable: await pipeline('stateU', 1000),
  reliable: await pipeline('stateR', 1000),
};
// Warm up, then interleave the runners round by round so machine noise hits all of them alike;
// each ratio is taken within a round, and the median round is reported.
for (const fn of Object.values(runners)) await fn(N / 2);
const ratios = { unreliable: [], reliable: [], same: [] };
const rates = { raw: [], unreliable: [] };
for (let r = 0; r < ROUNDS; r++) {
  const raw = await rate(runners.raw, N);
  const rawSame = await rate(runners.rawSame, N);
  const u = await rate(runners.unreliable, N);
  const rel = await rate(runners.reliable, N);
  ratios.unreliable.push(u / raw);
  ratios.reliable.push(rel / raw);
  ratios.same.push(u / rawSame);
  rates.raw.push(raw);
  rates.unreliable.push(u);
}
const unreliable = median(rates.unreliable);
const rawDefault = median(rates.raw);
// A full unreliable packet: 1200 bytes hold this many frames of this payload.
const payloadSize = new Packr({ useRecords: false, variableMapSize: true }).pack(state).length;
const perUnreliablePacket = Math.floor((1200 - 2 + 1) / (payloadSize + 2));
const hdrU = await headerBytes('stateU', 1, perUnreliablePacket);
const hdrR = await headerBytes('stateR', 2, Math.floor((1024 * 1024) / (payloadSize + 2)));

const round = (x, d = 3) => Number(x.toFixed(d));
const lines = [
  {
    metric: 'rpc_pipeline_ratio_vs_msgpackr',
    value: round(median(ratios.unreliable)),
    unit: 'ratio',
    goal: '>= 0.8',
    sendType: 'unreliable',
    baseline: 'msgpackr pack+unpack (default exports)',
  },
  {
    metric: 'rpc_pipeline_ratio_vs_msgpackr_reliable',
    value: round(median(ratios.reliable)),
    unit: 'ratio',
    sendType: 'reliable',
  },
  {
    metric: 'rpc_pipeline_ratio_vs_msgpackr_same_options',
    value: round(median(ratios.same)),
    unit: 'ratio',
    baseline: 'msgpackr pack+unpack, records off',
  },
  {
    metric: 'rpc_pipeline_msgs_per_sec',
    value: Math.round(unreliable),
    unit: 'msg/s',
    sendType: 'unreliable',
  },
  { metric: 'msgpackr_pack_unpack_per_sec', value: Math.round(rawDefault), unit: 'msg/s' },
  {
    metric: 'rpc_header_bytes_per_msg',
    value: round(hdrR.perMsg, 4),
    unit: 'bytes',
    goal: '<= 2',
    sendType: 'reliable',
    packets: hdrR.packets,
  },
  {
    metric: 'rpc_header_bytes_per_msg_unreliable',
    value: round(hdrU.perMsg),
    unit: 'bytes',
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
