// Conformance against Valve's real redistributable for this platform (SDK 1.62, shipped in the npm
// package @pipelab/steamworks.js: linux64/libsteam_api.so, win64/steam_api64.dll, osx/libsteam_api.dylib).
// This machine has no Steam client, so init must fail cleanly: a typed error with Valve's own message,
// no crash, no callable networking. Init runs in child processes with HOME pointing at an empty
// directory, so no Steam install on a developer machine can interfere.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkSymbols, REQUIRED_SYMBOLS } from '@steamwire/transport-steam/steam';
import { beforeAll, describe, expect, it } from 'vitest';
import { distDir, ensureBuilt } from './helpers/dist.js';
import { describeNative } from './helpers/native.js';
import { buildStub } from './helpers/stub.js';

/** What Valve's library of each platform looks like and answers here (measured; macOS: not run yet). */
const VALVE: Record<string, { file: string; bytes: number; steamMessage: RegExp; stderr: RegExp | null }> = {
  'linux-x64': {
    file: 'linux64/libsteam_api.so',
    bytes: 388_288,
    steamMessage: /Failed to load module '.*steamclient\.so'/,
    stderr: /SteamAPI_IsSteamRunning\(\) did not locate a running instance of Steam/,
  },
  // With no Steam install registered, the DLL cannot find steamclient64.dll's folder.
  'win32-x64': {
    file: 'win64/steam_api64.dll',
    bytes: 319_584,
    steamMessage: /Could not determine Steam client install directory/,
    stderr: null,
  },
  'darwin-x64': { file: 'osx/libsteam_api.dylib', bytes: 415_344, steamMessage: /steamclient/, stderr: null },
  'darwin-arm64': {
    file: 'osx/libsteam_api.dylib',
    bytes: 415_344,
    steamMessage: /steamclient/,
    stderr: null,
  },
};
const platform = `${process.platform}-${process.arch}`;
const valve = VALVE[platform];
const realLibrary = join(
  dirname(createRequire(import.meta.url).resolve('@pipelab/steamworks.js/package.json')),
  'dist',
  valve?.file ?? 'none',
);
/** Fails the suite, saying why, where the test package has no library for this platform. */
function requireValveLibrary(): void {
  if (valve === undefined) {
    throw new Error(
      `@pipelab/steamworks.js ships Valve's library for Linux x64, Windows x64 and macOS only, not ${platform}; set STEAMWIRE_SKIP_NATIVE=1 to skip these tests.`,
    );
  }
}
const emptyHome = mkdtempSync(join(tmpdir(), 'steamwire-nohome-'));
const childEnv = { ...process.env, HOME: emptyHome, STEAMWIRE_STEAM_LIBRARY: '' };
const allSymbols = [
  ...REQUIRED_SYMBOLS.core,
  ...REQUIRED_SYMBOLS.legacy,
  ...REQUIRED_SYMBOLS.messages,
  ...REQUIRED_SYMBOLS.sockets,
  ...REQUIRED_SYMBOLS.utils,
  ...REQUIRED_SYMBOLS.lobbies,
  ...REQUIRED_SYMBOLS.apps,
];

/** Runs an ES module script in a fresh node process; its last stdout line is parsed as JSON. */
function runScript(source: string): {
  status: number | null;
  signal: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: whatever JSON the child printed; each test asserts its shape.
  result: any;
  stderr: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'steamwire-child-'));
  const file = join(dir, 'child.mjs');
  writeFileSync(file, source);
  const child = spawnSync(process.execPath, [file], { env: childEnv, encoding: 'utf8', timeout: 30_000 });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  let result: unknown = null;
  try {
    result = JSON.parse(last);
  } catch {
    result = null;
  }
  return { status: child.status, signal: child.signal, result, stderr: child.stderr };
}
const dist = (file: string) => JSON.stringify(pathToFileURL(join(distDir, file)).href);

function runCli(args: string[]) {
  return spawnSync(process.execPath, [join(distDir, 'cli.js'), ...args], {
    env: childEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describeNative(`Valve's real ${valve?.file ?? 'library'} (SDK 1.62), no Steam client`, () => {
  beforeAll(() => {
    requireValveLibrary();
    ensureBuilt();
  }, 120_000);

  it('resolves every symbol the binding declares (core, legacy, Messages, Sockets, Utils, lobbies, friends, apps)', () => {
    const { resolved, missing } = checkSymbols(realLibrary);
    expect(missing).toEqual([]);
    expect(resolved).toEqual(allSymbols);
    expect(allSymbols).toHaveLength(109);
  });

  it('importing the package loads neither koffi nor any library', () => {
    const r = runScript(`
      import { createRequire } from 'node:module';
      const m = await import(${dist('steam.js')});
      m.locateSteamLibrary({ libraryPath: '/nowhere.so' });
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ exports: typeof m.initSteam, koffi: cache.some((k) => /[\\\\/]koffi[\\\\/]/.test(k)) }));
    `);
    expect(r.result).toEqual({ exports: 'function', koffi: false });
  });

  it.each(['legacy', 'messages'] as const)(
    "initSteam (%s backend) rejects with a typed SteamInitError carrying Valve's message, without crashing",
    (backend) => {
      const r = runScript(`
        const { initSteam, SteamInitError } = await import(${dist('steam.js')});
        const out = [];
        for (let attempt = 0; attempt < 2; attempt++) {
          try { initSteam({ libraryPath: ${JSON.stringify(realLibrary)}, backend: '${backend}', appId: 480 }); out.push({ ok: true }); }
          catch (e) { out.push({ isTyped: e instanceof SteamInitError, code: e.code, steamResult: e.steamResult, steamMessage: e.steamMessage, message: e.message }); }
        }
        console.log(JSON.stringify(out));
      `);
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      const [first, second] = r.result as Array<Record<string, unknown>>;
      expect(first).toMatchObject({ isTyped: true, code: 'STEAM_NOT_INSTALLED', steamResult: 1 });
      expect(first!.steamMessage).toMatch(valve!.steamMessage);
      expect(first!.message).toContain(first!.steamMessage as string);
      // Nothing was left half-initialised: a retry fails the same way, not with ALREADY_INITIALIZED.
      expect(second).toMatchObject({ code: 'STEAM_NOT_INSTALLED' });
      // Valve's Linux library reports on stderr; that is all it did.
      if (valve!.stderr) expect(r.stderr).toMatch(valve!.stderr);
    },
  );

  it('leaves no callable networking: interface accessors are NULL, and every P2P method of either backend throws NOT_INITIALIZED', () => {
    const r = runScript(`
      const { initSteam, SteamNotInitializedError } = await import(${dist('steam.js')});
      const { loadKoffi } = await import(${dist('koffi.js')});
      const { bindFunctions } = await import(${dist('flat.js')});
      const { SteamContext } = await import(${dist('context.js')});
      const { steamStructs } = await import(${dist('structs.js')});
      const { LegacyNetworking } = await import(${dist('legacy.js')});
      const { MessagesNetworking } = await import(${dist('messages.js')});
      const path = ${JSON.stringify(realLibrary)};
      try { initSteam({ libraryPath: path }); } catch {}
      const koffi = loadKoffi();
      const lib = koffi.load(path);
      const core = bindFunctions(lib, 'core').functions;
      const legacy = bindFunctions(lib, 'legacy').functions;
      const messages = bindFunctions(lib, 'messages').functions;
      const accessors = {
        user: core.SteamUser(),
        networking: legacy.SteamNetworking(),
        messages: messages.SteamNetworkingMessages(),
      };
      // The state a failed init leaves: a context that is not live. No method may reach the (NULL) interface.
      const ctx = new SteamContext(path, koffi, core, steamStructs(koffi));
      const id = 76561198000000002n;
      const results = {};
      for (const net of [new LegacyNetworking(ctx, legacy, 0n, 0n), new MessagesNetworking(ctx, messages, 0n, 0n)]) {
        for (const [name, call] of Object.entries({
          sendP2PPacket: () => net.sendP2PPacket(id, new Uint8Array(4), 2, 0),
          getAvailableP2PPacketSize: () => net.getAvailableP2PPacketSize(0),
          readP2PPacket: () => net.readP2PPacket(100, 0),
          acceptP2PSessionWithUser: () => net.acceptP2PSessionWithUser(id),
          allowP2PPacketRelay: () => net.allowP2PPacketRelay(true),
          closeP2PChannelWithUser: () => net.closeP2PChannelWithUser(id, 0),
          closeP2PSessionWithUser: () => net.closeP2PSessionWithUser(id),
          getP2PSessionState: () => net.getP2PSessionState(id),
          runCallbacks: () => net.runCallbacks(),
        })) {
          try { call(); results[net.constructor.name + '.' + name] = 'returned'; }
          catch (e) { results[net.constructor.name + '.' + name] = e instanceof SteamNotInitializedError ? e.code : String(e); }
        }
      }
      console.log(JSON.stringify({ accessors, results }));
    `);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.result.accessors).toEqual({ user: null, networking: null, messages: null });
    const values = Object.values(r.result.results as Record<string, string>);
    expect(values).toHaveLength(18);
    expect(new Set(values)).toEqual(new Set(['NOT_INITIALIZED']));
  });

  it('`steamwire doctor --lib` exits non-zero and says all symbols resolve and Steam is not running / not installed', () => {
    const run = runCli(['doctor', '--lib', realLibrary]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      `Library: found ${realLibrary} (${valve!.bytes.toLocaleString('en-US')} bytes)`,
    );
    expect(run.stdout).toContain('SteamNetworking006');
    expect(run.stdout).toContain('SteamNetworkingMessages002');
    expect(run.stdout).toContain('Steamworks SDK 1.62');
    expect(run.stdout).toContain('all 109 required symbols resolve');
    expect(run.stdout).toContain('SteamNetworkingSockets012');
    expect(run.stdout).toContain('SteamNetworkingUtils004');
    expect(run.stdout).toContain('Steam running: no');
    expect(run.stdout).toMatch(/FAILED \[STEAM_NOT_INSTALLED\].*not running/);
    expect(run.stdout).toMatch(valve!.steamMessage);
    expect(run.stdout).toContain('Result: Steam did NOT initialise');
  });

  it('`steamwire doctor --json --backend messages` gives the same findings as one JSON object', () => {
    const run = runCli([
      'doctor',
      '--lib',
      realLibrary,
      '--backend',
      'messages',
      '--app-id',
      '480',
      '--json',
    ]);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      ok: false,
      backend: 'messages',
      library: { path: realLibrary, sizeBytes: valve!.bytes, sdkGuess: '1.62' },
      symbols: { required: 109, missing: [] },
      steamRunning: false,
      init: { ok: false, code: 'STEAM_NOT_INSTALLED', steamResult: 1 },
      probeFailure: null,
    });
    expect(report.library.interfaces).toEqual(
      expect.arrayContaining(['SteamUser023', 'STEAMTIMELINE_INTERFACE_V004']),
    );
  });
});

describe('steamwire doctor, other situations', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('says which paths it tried when there is no library, and exits 1', () => {
    const missing = resolve('/no/such/libsteam_api.so');
    const run = runCli(['doctor', '--lib', missing]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Library: NOT FOUND');
    expect(run.stdout).toContain(missing);
  });

  it('reports a file that is not a library, without crashing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'steamwire-bad-')), 'libsteam_api.so');
    writeFileSync(file, 'not a library');
    const run = runCli(['doctor', '--lib', file, '--json']);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(false);
    // Found by the file check, before anything native is tried.
    expect(report.library.problem).toMatch(/^is not a shared library \(no ELF, PE or Mach-O header\)/);
    expect(report.init).toBeNull();
  });

  it('rejects bad usage with exit code 2', () => {
    expect(runCli(['doctor', '--backend', 'carrier-pigeon']).status).toBe(2);
    expect(runCli(['frobnicate']).status).toBe(2);
    expect(runCli(['--help']).status).toBe(0);
  });
});

describeNative('steamwire doctor over the stub library', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('exits 0 when Steam initialises', () => {
    const run = runCli(['doctor', '--lib', buildStub()]);
    expect(run.stdout).toContain('Init (legacy backend): OK');
    expect(run.stdout).toContain('Steam running: yes');
    expect(run.status).toBe(0);
    const sockets = runCli(['doctor', '--lib', buildStub(), '--backend', 'sockets']);
    expect(sockets.stdout).toContain('Init (sockets backend): OK');
    expect(sockets.status).toBe(0);
  });
});
