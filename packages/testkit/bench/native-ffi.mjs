#!/usr/bin/env node
// Benchmarks of the real koffi binding over the native fake library, printed as JSON lines
// {"metric":…,"value":…}, then a table. All ratios use baselines measured in this same run.
//
//   ffi_ns_per_packet             legacy: SendP2PPacket to self + IsP2PPacketAvailable + ReadP2PPacket
//                                 of a 100-byte packet through the binding (goal ≤ 1500 ns, ≤ 3 FFI calls)
//   ffi_vs_c_ratio                the same, divided by the same loop in C against the same fake library
//   messages_ns_per_packet        receiving a burst of 64 small packets through the Messages backend,
//                                 per packet (goal: below legacy_burst_ns_per_packet)
//   messages_packets_per_ffi_call packets per ReceiveMessagesOnChannel call in that burst (goal ≥ 16)
//   legacy_burst_ns_per_packet    the same burst received through the legacy backend (the baseline)
//
// FFI calls are counted by the fake itself (steamwire_fake_api_calls), read through koffi.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { initSteam } from '@steamwire/transport-steam/steam';
import koffi from 'koffi';
import { buildNativeFake, buildNativeTool } from '../scripts/build-native.mjs';

const PACKETS = Number(process.env.BENCH_PACKETS ?? 200_000);
const BURST = 64;
const BURST_ROUNDS = Number(process.env.BENCH_BURST_ROUNDS ?? 400);
// Untimed rounds before measuring, the same for both backends: enough for V8 to optimise each
// backend's receive path (the legacy path is also warmed by the self loop above; the Messages path
// is first run here, and its batch loop is optimised only after ~50 rounds on 2 busy cores).
const WARMUP_ROUNDS = 100;

const { path: fakePath } = buildNativeFake();
const { path: cLoop } = buildNativeTool('ffi_loop');

const work = mkdtempSync(join(tmpdir(), 'steamwire-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const peersDir = join(work, 'peers');
mkdirSync(peersDir);
let copies = 0;
function copyOfFake() {
  const dir = join(work, `lib${++copies}`);
  mkdirSync(dir);
  const target = join(dir, basename(fakePath));
  copyFileSync(fakePath, target);
  return target;
}
let nextId = 0x30000000;
function peer(backend) {
  const libraryPath = copyOfFake();
  const env = {
    STEAMWIRE_FAKE_STEAMID: String(0x0110000100000000n | BigInt(++nextId)),
    STEAMWIRE_FAKE_PEERS: peersDir,
    STEAMWIRE_FAKE_INIT_RESULT: '',
  };
  Object.assign(process.env, env);
  const session = initSteam({ libraryPath, backend });
  // The same file loaded again is the same library instance: its counters are the session's.
  const lib = koffi.load(libraryPath);
  return {
    session,
    net: session.networking,
    apiCalls: lib.func('uint64_t steamwire_fake_api_calls()'),
    pump: lib.func('bool steamwire_fake_pump()'),
    counters: () => JSON.parse(lib.func('const char *steamwire_fake_counters()')()),
  };
}
const ns = () => process.hrtime.bigint();
const calls = (p) => Number(p.apiCalls());

// ---- ffi_ns_per_packet: legacy, send to self, one peer ----
function selfLoop() {
  const p = peer('legacy');
  const me = p.net.localSteamId;
  const data = new Uint8Array(100).fill(1);
  const loop = (n) => {
    let received = 0;
    for (let i = 0; i < n; i++) {
      p.net.sendP2PPacket(me, data, 0, 0);
      const size = p.net.getAvailableP2PPacketSize(0);
      if (size !== null && p.net.readP2PPacket(size, 0) !== null) received++;
    }
    return received;
  };
  loop(20_000); // warm up the JIT and koffi's call paths
  const calls0 = calls(p);
  const t0 = ns();
  const received = loop(PACKETS);
  const elapsed = Number(ns() - t0);
  const ffiCalls = calls(p) - calls0;
  p.session.shutdown();
  if (received !== PACKETS) throw new Error(`self loop lost packets: ${received}/${PACKETS}`);
  return { nsPerPacket: elapsed / PACKETS, ffiCallsPerPacket: ffiCalls / PACKETS };
}

function cBaseline() {
  const run = spawnSync(cLoop, [copyOfFake(), String(PACKETS * 5)], {
    encoding: 'utf8',
    env: { ...process.env, STEAMWIRE_FAKE_PEERS: peersDir, STEAMWIRE_FAKE_STEAMID: '' },
  });
  if (run.status !== 0) throw new Error(`C baseline failed: ${run.stderr}`);
  return JSON.parse(run.stdout).nsPerPacket;
}

// ---- bursts of 64 small packets from one peer to another, received through one backend ----
async function burst(backend) {
  const a = peer(backend);
  const b = peer(backend);
  b.net.on('sessionRequest', (id) => b.net.acceptP2PSessionWithUser(id));
  const to = b.net.localSteamId;
  const payload = new Uint8Array(16).fill(2);
  // Connect first: a hello, accepted, until the sender sees an active session.
  a.net.sendP2PPacket(to, payload, 2, 0);
  for (let i = 0; i < 5000 && !a.net.getP2PSessionState(to)?.connectionActive; i++) {
    a.net.runCallbacks();
    b.net.runCallbacks();
    await new Promise((r) => setTimeout(r, 1));
  }
  while (b.net.readP2PPacket(1200, 0) !== null || b.net.getAvailableP2PPacketSize(0) !== null) {}
  let elapsed = 0;
  let received = 0;
  let receiveCalls = 0;
  let ffiCalls = 0;
  for (let round = 0; round < BURST_ROUNDS + WARMUP_ROUNDS; round++) {
    for (let i = 0; i < BURST; i++) a.net.sendP2PPacket(to, payload, 0, 1);
    // Let the burst land in b's fake (outside the timed part): pump until all 64 datagrams are in.
    const target = b.counters().datagramsReceived + BURST;
    for (let spins = 0; b.counters().datagramsReceived < target && spins < 100_000; spins++) b.pump();
    const c0 = b.counters();
    const calls0 = calls(b);
    const t0 = ns();
    let got = 0;
    for (
      let size = b.net.getAvailableP2PPacketSize(1);
      size !== null;
      size = b.net.getAvailableP2PPacketSize(1)
    ) {
      if (b.net.readP2PPacket(size, 1) !== null) got++;
    }
    const dt = Number(ns() - t0);
    if (round < WARMUP_ROUNDS) continue;
    elapsed += dt;
    received += got;
    ffiCalls += calls(b) - calls0;
    receiveCalls += b.counters().receiveCalls - c0.receiveCalls;
  }
  a.session.shutdown();
  b.session.shutdown();
  const expected = BURST_ROUNDS * BURST;
  if (received !== expected) throw new Error(`${backend} burst received ${received}/${expected} packets`);
  return {
    nsPerPacket: elapsed / received,
    ffiCallsPerPacket: ffiCalls / received,
    packetsPerReceiveCall: receiveCalls > 0 ? received / receiveCalls : null,
  };
}

const self = selfLoop();
const cNs = cBaseline();
const legacyBurst = await burst('legacy');
const messagesBurst = await burst('messages');

const metrics = [
  {
    metric: 'ffi_ns_per_packet',
    value: +self.nsPerPacket.toFixed(1),
    unit: 'ns',
    goal: 1500,
    ffiCallsPerPacket: +self.ffiCallsPerPacket.toFixed(2),
    packets: PACKETS,
  },
  { metric: 'c_ns_per_packet', value: +cNs.toFixed(1), unit: 'ns' },
  { metric: 'ffi_vs_c_ratio', value: +(self.nsPerPacket / cNs).toFixed(2), baseline: 'c_ns_per_packet' },
  {
    metric: 'legacy_burst_ns_per_packet',
    value: +legacyBurst.nsPerPacket.toFixed(1),
    unit: 'ns',
    ffiCallsPerPacket: +legacyBurst.ffiCallsPerPacket.toFixed(2),
    burst: BURST,
  },
  {
    metric: 'messages_ns_per_packet',
    value: +messagesBurst.nsPerPacket.toFixed(1),
    unit: 'ns',
    baseline: 'legacy_burst_ns_per_packet',
    ratio: +(messagesBurst.nsPerPacket / legacyBurst.nsPerPacket).toFixed(2),
    ffiCallsPerPacket: +messagesBurst.ffiCallsPerPacket.toFixed(2),
    burst: BURST,
  },
  {
    metric: 'messages_packets_per_ffi_call',
    value: messagesBurst.packetsPerReceiveCall === null ? 0 : +messagesBurst.packetsPerReceiveCall.toFixed(1),
    unit: 'packets per ReceiveMessagesOnChannel call',
    goal: 16,
  },
];
for (const m of metrics) console.log(JSON.stringify(m));
console.log('');
console.log('metric                          value');
for (const m of metrics) console.log(`${m.metric.padEnd(32)}${String(m.value).padStart(10)} ${m.unit ?? ''}`);
