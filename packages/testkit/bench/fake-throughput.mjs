// Throughput of the in-memory FakeSteamNetwork on its virtual clock.
//
//   fake_packets_per_sec        small packets sent, carried and read between two peers per wall second
//   fake_250x60hz_sim_speed     simulated seconds per wall second for 250 clients at 60 Hz
//                               (each tick: every client sends an input to the host, the host sends a
//                               snapshot to every client), the load a later issue puts through the fake
//
// Each prints one JSON line: the median over several rounds, with min and max. There is no ratio: the
// fake is a test double, and nothing a user could pick instead does what it does (a bare array queue,
// once the baseline here, says nothing about it). What these figures tell is how long tests and the
// in-memory benchmarks take.
// Runs against dist/: `npm run bench` from the repo root (turbo builds first), or build, then
// `node bench/fake-throughput.mjs` from packages/testkit (bench/run-all.mjs runs every bench here).
import { P2PSend } from '@steamwire/transport-steam';
import { FakeSteamNetwork } from '../dist/index.js';

const PAYLOAD = new Uint8Array(32).fill(7);

async function fakePacketsPerSec(total) {
  const net = new FakeSteamNetwork({ seed: 1 });
  const a = net.createPeer();
  const b = net.createPeer();
  b.on('sessionRequest', (id) => b.acceptP2PSessionWithUser(id));
  a.sendP2PPacket(b.localSteamId, PAYLOAD, P2PSend.Reliable);
  await net.advance(10);
  b.runCallbacks();
  await net.advance(10);
  while (b.readP2PPacket(100) !== null);

  const start = performance.now();
  let read = 0;
  for (let sent = 0; sent < total; ) {
    // 1000 packets per simulated millisecond, alternating unreliable and reliable.
    for (let i = 0; i < 1000; i++, sent++) {
      a.sendP2PPacket(b.localSteamId, PAYLOAD, i & 1 ? P2PSend.Reliable : P2PSend.Unreliable, i & 3);
    }
    await net.advance(1);
    for (let ch = 0; ch < 4; ch++) while (b.readP2PPacket(100, ch) !== null) read++;
  }
  // Drain as a game would, every millisecond: the receiver buffers 1000 packets per sender (Steam's
  // RecvBufferMessages), so waiting 20 ms before reading would drop what is still in flight.
  for (let ms = 0; ms < 20; ms++) {
    await net.advance(1);
    for (let ch = 0; ch < 4; ch++) while (b.readP2PPacket(100, ch) !== null) read++;
  }
  const seconds = (performance.now() - start) / 1000;
  net.dispose();
  if (read !== total) throw new Error(`fake network lost packets: ${read} of ${total}`);
  return total / seconds;
}

async function simSpeed250x60(simSeconds) {
  const net = new FakeSteamNetwork({ seed: 2, conditions: { latencyMs: 30, jitterMs: 10, loss: 0.01 } });
  const host = net.createPeer();
  const clients = Array.from({ length: 250 }, () => net.createPeer());
  host.on('sessionRequest', (id) => host.acceptP2PSessionWithUser(id));
  const input = new Uint8Array(24).fill(1);
  const snapshot = new Uint8Array(400).fill(2);
  const ticks = Math.round(simSeconds * 60);
  let received = 0;
  const start = performance.now();
  for (let t = 0; t < ticks; t++) {
    for (const c of clients) c.sendP2PPacket(host.localSteamId, input, P2PSend.UnreliableNoDelay, 1);
    for (const c of clients) host.sendP2PPacket(c.localSteamId, snapshot, P2PSend.Unreliable, 2);
    if (t % 30 === 0) for (const c of clients) c.sendP2PPacket(host.localSteamId, input, P2PSend.Reliable, 0);
    await net.advance(1000 / 60);
    host.runCallbacks();
    for (let ch = 0; ch < 3; ch++) while (host.readP2PPacket(1200, ch) !== null) received++;
    for (const c of clients) {
      c.runCallbacks();
      while (c.readP2PPacket(1200, 2) !== null) received++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  net.dispose();
  return { speed: simSeconds / seconds, received, packetsPerSec: received / seconds };
}

const TOTAL = 100_000;
const ROUNDS = 5;
await fakePacketsPerSec(50_000); // warm-up
const fake = [];
const sims = [];
for (let r = 0; r < ROUNDS; r++) {
  fake.push(await fakePacketsPerSec(TOTAL));
  if (r < 3) sims.push(await simSpeed250x60(2));
}
const sorted = (xs) => [...xs].sort((x, y) => x - y);
/** Median with min and max over the rounds, rounded to `d` decimals. */
function spread(xs, d) {
  const s = sorted(xs);
  const r = (x) => Number(x.toFixed(d));
  return { value: r(s[Math.floor(s.length / 2)]), min: r(s[0]), max: r(s[s.length - 1]), rounds: s.length };
}

const rows = [
  { metric: 'fake_packets_per_sec', ...spread(fake, 0), unit: 'packets/s', packets: TOTAL },
  {
    metric: 'fake_250x60hz_sim_speed',
    ...spread(
      sims.map((x) => x.speed),
      2,
    ),
    unit: 'simulated s per wall s',
    packets_per_sec: Math.round(sorted(sims.map((x) => x.packetsPerSec))[1]),
  },
];
for (const row of rows) console.log(JSON.stringify(row));
console.log('');
console.log('metric                      value');
for (const row of rows) console.log(`${row.metric.padEnd(28)}${row.value} ${row.unit}`);
