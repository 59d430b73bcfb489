// The example's command line, as a user runs it (`npm start -- ...` runs dist/main.js).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyNativeFake, ensureNativeFake } from '@steamwire/testkit/native';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

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
    // The bots came through the host's lobby: it holds the host and the three of them.
    expect(summary.lobby).toMatchObject({ members: 4, memberLimit: 17 });
    expect(BigInt(summary.lobby.id) >> 32n).toBe(0x01860000n);
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
const describeNative = process.env.STEAMWIRE_SKIP_NATIVE === '1' ? describe.skip : describe;

describe('npm start -- --steam, over the real koffi binding and the native fake Steam library', () => {
  it('rejects an unknown --backend', () => {
    const r = run('--steam', '--backend', 'carrier-pigeon');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--backend must be legacy, messages or sockets');
  });

  itNative.each(['legacy', 'sockets'] as const)(
    'one process hosts without a lobby, another joins by SteamID, and they play (%s backend)',
    async (backend) => {
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
          [MAIN, '--steam', '--no-lobby', '--backend', backend, '--lib', hostLib, '--seconds', '6'],
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

/** Runs `npm start -- --steam ...` as a native fake Steam user: friends from the fake's environment. */
function steamArena(
  dir: string,
  source: string,
  id: bigint,
  friends: bigint[],
  args: string[],
  started: ChildProcess[],
) {
  const child = spawn(
    process.execPath,
    [MAIN, '--steam', '--lib', copyNativeFake(join(dir, String(id)), source), ...args],
    {
      env: {
        ...process.env,
        STEAMWIRE_FAKE_STEAMID: String(id),
        STEAMWIRE_FAKE_PEERS: join(dir, 'peers'),
        STEAMWIRE_FAKE_FRIENDS: friends.join(','),
        STEAMWIRE_FAKE_CONNECT_TIMEOUT_MS: '3000',
      },
    },
  );
  started.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => {
    out.stdout += d;
  });
  child.stderr.on('data', (d) => {
    out.stderr += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { out, exit: exit.then((status) => ({ status, ...out })) };
}

/** Waits (real time) until `pattern` shows in `out.stdout`; its first group. */
async function printed(out: { stdout: string }, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const match = pattern.exec(out.stdout);
    if (match) return match[1] ?? match[0];
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${pattern} never showed in:\n${out.stdout}`);
}

describeNative(
  'npm start -- --steam through a lobby, processes over the real binding and the native fake',
  () => {
    let dir: string;
    let source: string;
    const started: ChildProcess[] = [];
    // Ids of fake users no other test uses (friendships are by id).
    const base = 0x0110000100000000n + BigInt(0x31000000 + Math.floor(Math.random() * 0x1000000));
    beforeEach(() => {
      source = ensureNativeFake();
      dir = mkdtempSync(join(tmpdir(), 'arena-lobby-'));
    });
    afterEach(() => {
      for (const child of started.splice(0)) if (child.exitCode === null) child.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it('A hosts a friends-only lobby; B joins it with --join-lobby, C with +connect_lobby; a stranger is refused; the match finishes', async () => {
      const [a, b, c, stranger] = [base + 1n, base + 2n, base + 3n, base + 4n];
      const host = steamArena(dir, source, a, [b, c], ['--seconds', '9'], started);
      const lobbyId = await printed(host.out, /Hosting as \d+ in lobby (\d+) \(friends only\)/);
      expect(await printed(host.out, /npm start -- --steam --join-lobby (\d+)/)).toBe(lobbyId);
      expect(BigInt(lobbyId) >> 32n).toBe(0x01860000n);

      const [bob, cleo, refused] = await Promise.all([
        steamArena(dir, source, b, [a], ['--join-lobby', lobbyId, '--seconds', '3', '--name', 'Bob'], started)
          .exit,
        steamArena(
          dir,
          source,
          c,
          [a],
          ['+connect_lobby', lobbyId, '--seconds', '3', '--name', 'Cleo'],
          started,
        ).exit,
        steamArena(dir, source, stranger, [], ['--join-lobby', lobbyId, '--name', 'Eve'], started).exit,
      ]);
      for (const joined of [bob, cleo]) {
        expect(joined.stderr).toBe('');
        expect(joined.status).toBe(0);
        expect(joined.stdout).toContain(`Joined lobby ${lobbyId}: the host is ${a}.`);
        const snapshots = Number(/Match over: (\d+) snapshots received/.exec(joined.stdout)?.[1]);
        expect(snapshots).toBeGreaterThan(20);
      }
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/Could not join: .*not allowed in/);

      const hosted = await host.exit;
      expect(hosted.stderr).toBe('');
      expect(hosted.status).toBe(0);
      for (const name of ['Bob', 'Cleo']) {
        expect(hosted.stdout).toContain(`${name} joined`);
        expect(hosted.stdout).toContain(`${name} left (left)`);
      }
      expect(hosted.stdout).not.toContain('Eve');
    }, 60_000);

    it("a host who accepts a friend's invite while hosting leaves its match and plays in the friend's", async () => {
      const [ada, bo] = [base + 11n, base + 12n];
      const first = steamArena(dir, source, ada, [bo], ['--seconds', '8', '--name', 'Ada'], started);
      const firstLobby = await printed(first.out, /in lobby (\d+)/);
      // Bo hosts too and invites his friends from the overlay: Ada, online and hosting, accepts.
      const second = steamArena(dir, source, bo, [ada], ['--seconds', '8'], started);
      const secondLobby = await printed(second.out, /in lobby (\d+)/);
      expect(secondLobby).not.toBe(firstLobby);
      const [switched, hosted] = await Promise.all([first.exit, second.exit]);
      expect(switched.stderr).toBe('');
      expect(switched.status).toBe(0);
      expect(switched.stdout).toContain(
        `You accepted an invite: leaving this match to join lobby ${secondLobby}.`,
      );
      expect(switched.stdout).toContain(`Joined lobby ${secondLobby}: the host is ${bo}.`);
      expect(Number(/(\d+) snapshots received/.exec(switched.stdout)?.[1])).toBeGreaterThan(20);
      expect(hosted.status).toBe(0);
      expect(hosted.stdout).toContain('Ada joined');
    }, 60_000);
  },
);
