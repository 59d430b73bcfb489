/**
 * The packages work outside this repository, as docs/GUIDE.md says: in a new temporary folder, every
 * step of the guide runs in order (pack the packages, make an empty project, install the tarballs and
 * their registry dependencies, write each file shown, type-check and build, run the fake-network match,
 * the project's vitest tests, the Steam program without Steam, and its rehearsal on the native fake
 * library, built on first use from the installed testkit). Then the installed packages' `exports`,
 * `types` and dependencies are checked. A failing step says which line of the guide failed and why.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GuideStep, readGuide } from './guide.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const guidePath = join(root, 'docs', 'GUIDE.md');
const steps = readGuide(guidePath);
const STEP_TIMEOUT_MS = 150_000;

let workDir = '';
let cwd = '';
let failedAt: string | null = null;

/**
 * The environment of the guide's commands: this one without what the outer `npm test` and vitest set
 * (npm's own configuration, vitest's markers, a Steam library of this machine), plus npm settings that
 * only make installs quieter and faster, and a fake-peer registry of this run's own.
 */
function guideEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|STEAMWIRE_)/i.test(key) || key === 'NODE_ENV' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return {
    ...env,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    STEAMWIRE_FAKE_PEERS: join(workDir, 'fake-peers'),
  };
}

/** Runs `script` with bash in `cwd`; resolves to its exit code, combined output and final folder. */
function runShell(script: string): Promise<{ code: number | null; output: string; cwd: string }> {
  const cwdFile = join(workDir, '.cwd');
  rmSync(cwdFile, { force: true });
  return new Promise((resolve, reject) => {
    // Its own process group, so whatever it leaves running (a background host) is ended with it.
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', `${script}\npwd > "${cwdFile}"`], {
      cwd,
      env: guideEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const endGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      endGroup();
      output += `\n[stopped after ${STEP_TIMEOUT_MS / 1000} s]`;
    }, STEP_TIMEOUT_MS - 5_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      endGroup();
      const next = existsSync(cwdFile) ? readFileSync(cwdFile, 'utf8').trim() : cwd;
      resolve({ code, output, cwd: next });
    });
  });
}

const tail = (text: string) => text.split('\n').slice(-40).join('\n');

async function runStep(step: GuideStep, where: string): Promise<void> {
  if (step.kind === 'file') {
    const path = join(cwd, step.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, step.text);
    return;
  }
  const run = await runShell(step.script);
  if (step.fails !== undefined) {
    if (run.code === 0)
      throw new Error(`${where} should fail (it needs Steam) but succeeded:\n${tail(run.output)}`);
    if (!run.output.includes(step.fails)) {
      throw new Error(`${where} failed without saying "${step.fails}":\n${tail(run.output)}`);
    }
    return;
  }
  if (run.code !== 0) throw new Error(`${where} exited with code ${run.code}:\n${tail(run.output)}`);
  if (step.prints !== undefined && !run.output.includes(step.prints)) {
    throw new Error(`${where} did not print "${step.prints}":\n${tail(run.output)}`);
  }
  cwd = run.cwd;
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'steamwire-guide-'));
  // The guide's `steamwire` folder is this checkout.
  symlinkSync(root, join(workDir, 'steamwire'), 'dir');
  cwd = workDir;
});

afterAll(() => {
  // Kept when something failed, for a look at the project; the failure names the folder.
  if (failedAt === null && workDir !== '') rmSync(workDir, { recursive: true, force: true });
});

describe('docs/GUIDE.md, followed step by step in an empty folder', () => {
  it('has steps: files to write and commands to run', () => {
    expect(steps.filter((s) => s.kind === 'file').length).toBeGreaterThanOrEqual(6);
    expect(steps.filter((s) => s.kind === 'shell').length).toBeGreaterThanOrEqual(5);
  });

  for (const step of steps) {
    const what = step.kind === 'file' ? `writes ${step.path}` : `runs \`${step.script.split('\n')[0]}\``;
    const where = `docs/GUIDE.md line ${step.line} (${what})`;
    it(`line ${step.line}: ${what}`, { timeout: STEP_TIMEOUT_MS }, async () => {
      if (failedAt !== null) throw new Error(`not run: an earlier step failed (${failedAt})`);
      try {
        await runStep(step, where);
      } catch (err) {
        failedAt = where;
        throw new Error(`${(err as Error).message}\n(the project is in ${cwd})`);
      }
    });
  }
});

describe('the installed packages', () => {
  const project = () => {
    if (failedAt !== null) throw new Error(`not checked: a step of the guide failed (${failedAt})`);
    return join(workDir, 'tictactoe');
  };

  it('have every file their main, types, exports and bin name', () => {
    const missing: string[] = [];
    const scope = join(project(), 'node_modules', '@steamwire');
    const names = readdirSync(scope);
    expect(names.sort()).toEqual(['rpc', 'testkit', 'transport-steam']);
    for (const name of names) {
      const dir = join(scope, name);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const targets: string[] = [pkg.main, pkg.types, ...Object.values<string>(pkg.bin ?? {})];
      for (const entry of Object.values<string | Record<string, string>>(pkg.exports)) {
        targets.push(...(typeof entry === 'string' ? [entry] : Object.values(entry)));
      }
      for (const target of targets) {
        if (!existsSync(join(dir, target))) missing.push(`@steamwire/${name}: ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('ship no stale build output: every dist/**/*.js has its src/**/*.ts', () => {
    const stale: string[] = [];
    const scope = join(project(), 'node_modules', '@steamwire');
    for (const name of readdirSync(scope)) {
      const dir = join(scope, name);
      for (const file of readdirSync(join(dir, 'dist'), { recursive: true }).map(String)) {
        if (!file.endsWith('.js')) continue;
        if (!existsSync(join(dir, 'src', file.replace(/\.js$/, '.ts'))))
          stale.push(`@steamwire/${name}: dist/${file}`);
      }
    }
    expect(stale, 'rebuild from a clean dist/ before packing').toEqual([]);
  });

  it('have all their dependencies, peer dependencies included (npm ls)', { timeout: 60_000 }, async () => {
    const dir = project();
    const saved = cwd;
    cwd = dir;
    const run = await runShell('npm ls --all');
    cwd = saved;
    expect(run.code, `npm ls --all found problems:\n${tail(run.output)}`).toBe(0);
  });
});
