#!/usr/bin/env node
// FFI cost of the binding, over the scriptable stub library (test/fixtures/stub_steam.c) in echo mode:
// every packet sent comes straight back, so a loop measures the binding's own cost per packet.
//   ffi_ns_per_packet            legacy: send + getAvailableP2PPacketSize + readP2PPacket of 100 bytes
//   ffi_c_ns_per_packet          the same loop in C against the same library (baseline, same run)
//   ffi_vs_c_ratio               ffi_ns_per_packet / ffi_c_ns_per_packet
//   messages_ns_per_packet       Messages backend: bursts of 64 × 100-byte packets, sent then drained
//   messages_packets_per_ffi_call packets returned per ReceiveMessagesOnChannel call in those bursts
//   messages_vs_legacy_ratio     messages_ns_per_packet / ffi_ns_per_packet
// Prints one JSON object per metric per line, then a table on stderr. Requires the package build (dist).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const { initSteam } = await import(new URL('../dist/index.js', import.meta.url).href);
const koffi = createRequire(import.meta.url)('koffi');

const dir = mkdtempSync(join(tmpdir(), 'steamwire-bench-'));
const stub = join(dir, 'stub.so');
const cLoop = join(dir, 'c-loop');
for (const args of [
  ['-shared', '-fPIC', '-O2', '-o', stub, join(here, '../test/fixtures/stub_steam.c')],
  ['-O2', '-o', cLoop, join(here, 'c-loop.c'), '-ldl'],
]) {
  const cc = spawnSync('cc', args, { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cc failed (the benchmark needs a C compiler): ${cc.stderr}`);
}
/** A fresh copy of the stub per session: independent state. */
let copies = 0;
function session(backend) {
  const path = join(dir, `copy-${copies++}.so`);
  copyFileSync(stub, path);
  koffi.load(path).func('void Stub_SetEcho(bool echo)')(true);
  return initSteam({ libraryPath: path, backend });
}

const PEER = 76561198000000002n;
const data = new Uint8Array(100);
const ITER = 200_000;

function legacyLoop(net, n) {
  for (let i = 0; i < n; i++) {
    net.sendP2PPacket(PEER, data, 0, 0);
    const size = net.getAvailableP2PPacketSize(0);
    if (net.readP2PPacket(size, 0) === null) throw new Error('lost a packet');
  }
}
function messagesLoop(net, bursts) {
  for (let b = 0; b < bursts; b++) {
    for (let i = 0; i < 64; i++) net.sendP2PPacket(PEER, data, 0, 0);
    let got = 0;
    for (let size = net.getAvailableP2PPacketSize(0); size > 0; size = net.getAvailableP2PPacketSize(0)) {
      net.readP2PPacket(size, 0);
      got++;
    }
    if (got !== 64) throw new Error(`burst lost packets: ${got}`);
  }
}
function time(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0);
}

const legacy = session('legacy');
legacyLoop(legacy.networking, 20_000); // warm-up (JIT)
const ffiNs = Math.min(...[0, 1, 2].map(() => time(() => legacyLoop(legacy.networking, ITER)) / ITER));
legacy.shutdown();

const cNs = Math.min(
  ...[0, 1, 2].map(() => {
    const run = spawnSync(cLoop, [stub, String(ITER)], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`c-loop failed: ${run.stderr}`);
    return Number(run.stdout.trim());
  }),
);

const messages = session('messages');
const net = messages.networking;
const BURSTS = Math.floor(ITER / 64);
messagesLoop(net, 300);
const calls0 = net.receiveCalls;
const received0 = net.messagesReceived;
const msgNs = Math.min(...[0, 1, 2].map(() => time(() => messagesLoop(net, BURSTS)) / (BURSTS * 64)));
const perCall = (net.messagesReceived - received0) / (net.receiveCalls - calls0);
messages.shutdown();

const metrics = [
  { metric: 'ffi_ns_per_packet', value: round(ffiNs), unit: 'ns', goal: '<= 1500' },
  { metric: 'ffi_c_ns_per_packet', value: round(cNs), unit: 'ns' },
  { metric: 'ffi_vs_c_ratio', value: round(ffiNs / cNs), unit: 'x', baseline: 'ffi_c_ns_per_packet' },
  { metric: 'messages_ns_per_packet', value: round(msgNs), unit: 'ns', baseline: 'ffi_ns_per_packet' },
  { metric: 'messages_packets_per_ffi_call', value: round(perCall), unit: 'packets', goal: '>= 16' },
  {
    metric: 'messages_vs_legacy_ratio',
    value: round(msgNs / ffiNs),
    unit: 'x',
    baseline: 'ffi_ns_per_packet',
  },
];
for (const m of metrics) console.log(JSON.stringify(m));
console.error('\nmetric                          value');
for (const m of metrics) console.error(`${m.metric.padEnd(32)}${String(m.value).padStart(10)} ${m.unit}`);

function round(x) {
  return Math.round(x * 10) / 10;
}
