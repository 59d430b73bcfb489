// The example's command line, as a user runs it (`npm start -- ...` runs dist/main.js).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HOME: '/nonexistent' },
  });

describe('npm start', () => {
  it('without a terminal falls back to headless: one JSON summary line, exit 0 when healthy', () => {
    const r = run('--seconds', '5');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    expect(summary).toMatchObject({ healthy: true, clientsExpected: 3, clientsConnected: 3, errors: 0 });
    expect(summary.simulatedMs).toBe(5000);
    expect(Object.keys(summary.messagesSent).sort()).toEqual(
      expect.arrayContaining(['chat', 'input', 'snapshot']),
    );
  });

  it('more bots than the match holds: the late ones are told the match is full, the rest play', () => {
    const r = run('--headless', '--clients', '17', '--seconds', '3');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^\w+ could not join: the match is full \(16 players\)\n$/);
    expect(JSON.parse(r.stdout)).toMatchObject({ healthy: true, clientsConnected: 16, joinsRefused: 1 });
  });

  it('--steam without a Steam library explains what to do and exits 1', () => {
    const r = run('--steam', '--lib', '/nonexistent/libsteam_api.so');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Could not start Steam networking');
    expect(r.stderr).toContain('/nonexistent/libsteam_api.so');
    expect(r.stderr).toContain('npx steamwire doctor');
  });

  it('rejects bad arguments with a clear message', () => {
    const r = run('--clients', 'lots');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--clients must be a whole number');
  });

  it.each([['--bogus'], ['--seconds'], ['--headless=yes']])(
    'an unknown or malformed option (%s) prints the usage line and exits 2, without a stack trace',
    (arg) => {
      const r = run(arg);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/\nusage: npm start -- \[--headless\]/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );
});

// Needs the native fake built with a C compiler; without one it fails saying so, unless the documented
// opt-out STEAMWIRE_SKIP_NATIVE=1 is set.
const itNative = process.env.STEAMWIRE_SKIP_NATIVE === '1' ? it.skip : it;

describe('npm start -- --steam, over the real koffi binding and the native fake Steam library', () => {
  it('rejects an unknown --backend', () => {
    const r = run('--steam', '--backend', 'carrier-pigeon');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--backend must be legacy, messages or sockets');
  });

  itNative.each(['legacy', 'sockets'] as const)(
    'one process hosts, another joins by SteamID, and they play (%s backend)',
    async (backend) => {
      const { copyNativeFake, ensureNativeFake } = await import('@steamwire/testkit/native');
      const { mkdtempSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { spawn } = await import('node:child_process');
      const dir = mkdtempSync(join(tmpdir(), 'arena-steam-'));
      try {
        const source = ensureNativeFake();
        const base = 0x0110000100000000n + BigInt(0x30000000 + Math.floor(Math.random() * 0x1000000));
        const env = (id: bigint) => ({
          ...process.env,
          STEAMWIRE_FAKE_STEAMID: String(id),
          STEAMWIRE_FAKE_PEERS: join(dir, 'peers'),
          STEAMWIRE_FAKE_CONNECT_TIMEOUT_MS: '3000',
        });
        const hostLib = copyNativeFake(join(dir, 'host'), source);
        const joinLib = copyNativeFake(join(dir, 'join'), source);
        const host = spawn(
          process.execPath,
          [MAIN, '--steam', '--backend', backend, '--lib', hostLib, '--seconds', '6'],
          { env: env(base + 1n) },
        );
        let hostOut = '';
        host.stdout.on('data', (d) => {
          hostOut += d;
        });
        const hostExit = new Promise<number | null>((r) => host.on('exit', r));
        for (let i = 0; i < 200 && !hostOut.includes('Hosting as'); i++)
          await new Promise((r) => setTimeout(r, 25));
        expect(hostOut).toContain(`Hosting as ${base + 1n} (${backend} backend)`);
        const joiner = spawnSync(
          process.execPath,
          [
            MAIN,
            '--steam',
            '--backend',
            backend,
            '--lib',
            joinLib,
            '--join',
            String(base + 1n),
            '--seconds',
            '2',
            '--name',
            'Bob',
          ],
          { env: env(base + 2n), encoding: 'utf8', timeout: 30_000 },
        );
        expect(joiner.stderr).toBe('');
        expect(joiner.status).toBe(0);
        expect(joiner.stdout).toMatch(/Match over: \d+ snapshots received/);
        const snapshots = Number(/Match over: (\d+) snapshots/.exec(joiner.stdout)![1]);
        expect(snapshots).toBeGreaterThan(20);
        expect(await hostExit).toBe(0);
        expect(hostOut).toContain('Bob joined');
        expect(hostOut).toContain('Bob left (left)');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    40_000,
  );
});
