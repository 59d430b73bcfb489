#!/usr/bin/env node
// steamworksjs_ns_per_packet: the binding most Node Steam games use today (npm `steamworks.js`, a
// napi-rs module) on the same per-packet loop as ffi_ns_per_packet — legacy SendP2PPacket to self +
// IsP2PPacketAvailable + ReadP2PPacket of a 100-byte packet — over the same native fake library, in
// the same process, rounds interleaved with Steamwire's own legacy backend on the same loop.
//
// How: steamworks.js's .node is linked (BIND_NOW, RUNPATH $ORIGIN) against a libsteam_api.so next to
// it, and needs ~110 functions the fake does not have (UGC, remote storage, input, stats…), which it
// never calls here. The bench builds, into a temporary directory, the fake's sources plus a stub
// returning 0 for each of those (the list read from the .node with `nm -D`), as libsteam_api.so, and
// copies the .node beside it. It is loaded before any other copy of the fake: its NEEDED entry has no
// path, and the dynamic linker would otherwise hand it a copy already loaded under the same soname.
//
// Where that cannot be done (not Linux x64, no `nm`, no C compiler) the line says why instead of a value.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNativeFake, buildPlan, compileC } from '../scripts/build-native.mjs';

const PACKETS_PER_ROUND = Number(process.env.BENCH_SWJS_PACKETS ?? 20_000);
const ROUNDS = 7;
const NATIVE = fileURLToPath(new URL('../native/', import.meta.url));
const require = createRequire(import.meta.url);

const work = mkdtempSync(join(tmpdir(), 'steamwire-swjs-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function unavailable(reason) {
  console.log(
    JSON.stringify({ metric: 'steamworksjs_ns_per_packet', value: null, unit: 'ns', unavailable: reason }),
  );
  process.exit(0);
}

if (process.platform !== 'linux' || process.arch !== 'x64')
  unavailable(`steamworks.js is measured on Linux x64 only (this is ${process.platform} ${process.arch})`);
const pkgDir = dirname(require.resolve('steamworks.js/package.json'));
const nodeFile = join(pkgDir, 'dist', 'linux64', 'steamworksjs.linux-x64-gnu.node');
const { version } = require('steamworks.js/package.json');

/** Dynamic symbols of an ELF file: `defined` or `undefined` ones. */
function symbols(file, which) {
  const out = execFileSync('nm', ['-D', which === 'defined' ? '--defined-only' : '--undefined-only', file], {
    encoding: 'utf8',
  });
  return new Set(out.split('\n').map((l) => l.trim().split(/\s+/).pop()));
}

let fakeForSwjs;
try {
  const { path: fakePath } = buildNativeFake();
  const have = symbols(fakePath, 'defined');
  const missing = [...symbols(nodeFile, 'undefined')].filter((s) => /^Steam/.test(s) && !have.has(s));
  const stubFile = join(work, 'steamworksjs_stubs.c');
  writeFileSync(
    stubFile,
    `${missing.map((s) => `__attribute__((visibility("default"))) void *${s}(void) { return 0; }`).join('\n')}\n`,
  );
  const plan = buildPlan();
  const sources = readdirSync(NATIVE)
    .filter((f) => f.endsWith('.c'))
    .map((f) => join(NATIVE, f));
  const dir = join(work, 'swjs');
  mkdirSync(dir);
  fakeForSwjs = join(dir, 'libsteam_api.so');
  compileC({
    sources: [...sources, stubFile],
    output: fakeForSwjs,
    flags: plan.library,
    libs: plan.libraryLibs,
    plan,
  });
  copyFileSync(nodeFile, join(dir, 'steamworksjs.node'));
  process.stdout.write(`steamworks.js ${version}: ${missing.length} stub functions beside the fake\n`);
} catch (err) {
  unavailable(`could not build the fake for steamworks.js: ${String(err.message ?? err).split('\n')[0]}`);
}

const peersDir = join(work, 'peers');
mkdirSync(peersDir);
Object.assign(process.env, {
  STEAMWIRE_FAKE_STEAMID: String(0x0110000100000000n | 0x3a000001n),
  STEAMWIRE_FAKE_PEERS: peersDir,
});
// Loaded first, before any other copy of the fake (see the file comment).
const swjs = require(join(work, 'swjs', 'steamworksjs.node'));
swjs.init(480);
const koffi = (await import('koffi')).default;
const swLib = koffi.load(fakeForSwjs);
const swCalls = swLib.func('uint64_t steamwire_fake_api_calls()');

const { initSteam } = await import('@steamwire/transport-steam/steam');
const ourDir = join(work, 'ours');
mkdirSync(ourDir);
const ourPath = join(ourDir, 'libsteam_api.so');
copyFileSync(buildNativeFake().path, ourPath);
process.env.STEAMWIRE_FAKE_STEAMID = String(0x0110000100000000n | 0x3a000002n);
const ours = initSteam({ libraryPath: ourPath, backend: 'legacy' });
const ourCalls = koffi.load(ourPath).func('uint64_t steamwire_fake_api_calls()');

const data = new Uint8Array(100).fill(1);
const swData = Buffer.from(data);
const swMe = swjs.localplayer.getSteamId().steamId64;
const sendType = swjs.networking.SendType.Unreliable;
function swLoop(n) {
  let got = 0;
  const net = swjs.networking;
  for (let i = 0; i < n; i++) {
    net.sendP2PPacket(swMe, sendType, swData);
    const size = net.isP2PPacketAvailable();
    if (size > 0 && net.readP2PPacket(size).data.length === 100) got++;
  }
  return got;
}
const ourMe = ours.networking.localSteamId;
function ourLoop(n) {
  let got = 0;
  const net = ours.networking;
  for (let i = 0; i < n; i++) {
    net.sendP2PPacket(ourMe, data, 0, 0);
    const size = net.getAvailableP2PPacketSize(0);
    if (size !== null && net.readP2PPacket(size, 0) !== null) got++;
  }
  return got;
}

/** ns per packet of `loop(n)`, and native calls per packet counted by the fake. */
function time(loop, calls) {
  const c0 = Number(calls());
  const t0 = process.hrtime.bigint();
  const got = loop(PACKETS_PER_ROUND);
  const ns = Number(process.hrtime.bigint() - t0) / PACKETS_PER_ROUND;
  if (got !== PACKETS_PER_ROUND) throw new Error(`a loop lost packets: ${got}/${PACKETS_PER_ROUND}`);
  return { ns, calls: (Number(calls()) - c0) / PACKETS_PER_ROUND };
}

swLoop(5000);
ourLoop(5000);
const sw = [];
const us = [];
const ratios = [];
let swCallsPerPacket = 0;
for (let r = 0; r < ROUNDS; r++) {
  const a = r % 2 === 0 ? time(swLoop, swCalls) : null;
  const b = time(ourLoop, ourCalls);
  const c = a ?? time(swLoop, swCalls);
  sw.push(c.ns);
  us.push(b.ns);
  ratios.push(c.ns / b.ns);
  swCallsPerPacket = c.calls;
}
ours.shutdown();
const spread = (xs, d = 1) => {
  const s = [...xs].sort((x, y) => x - y);
  const f = (x) => +x.toFixed(d);
  return { value: f(s[Math.floor(s.length / 2)]), min: f(s[0]), max: f(s[s.length - 1]) };
};
console.log(
  JSON.stringify({
    metric: 'steamworksjs_ns_per_packet',
    ...spread(sw),
    unit: 'ns',
    baseline: 'ffi_ns_per_packet loop through Steamwire legacy, same process, rounds interleaved',
    steamwire_ns_per_packet: spread(us).value,
    ratio_vs_steamwire: spread(ratios, 2).value,
    ratio_min: spread(ratios, 2).min,
    ratio_max: spread(ratios, 2).max,
    steam_calls_per_packet: +swCallsPerPacket.toFixed(2),
    version,
    rounds: ROUNDS,
  }),
);
process.exit(0);
