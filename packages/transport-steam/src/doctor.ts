/**
 * `steamwire doctor`: tells a user, in plain words, what is right or wrong with their Steam setup —
 * which library was found, whether it has every function the binding needs, whether Steam is running,
 * and what `SteamAPI_InitFlat` answered.
 * @packageDocumentation
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REQUIRED_SYMBOLS } from './flat.js';
import type { SteamBackend } from './init.js';
import { locateSteamLibrary } from './library.js';
import { checkLibraryFile, describeLibraryProblem } from './library-file.js';
import { PROBE_MARKER, type ProbeResult } from './probe.js';

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** Explicit library path (`--lib`); otherwise the usual search (see `locateSteamLibrary`). */
  libraryPath?: string;
  /** App id to initialise with (`--app-id`). */
  appId?: number;
  /** Backend whose interface is checked at init (`--backend`, default `legacy`). */
  backend?: SteamBackend;
  /** Base directory of the library search (default `process.cwd()`). */
  searchFrom?: string;
  /** Environment of the probe process (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** Everything the doctor found. `ok` is true only when Steam initialised. */
export interface DoctorReport {
  ok: boolean;
  backend: SteamBackend;
  library: {
    path: string | null;
    tried: string[];
    sizeBytes: number | null;
    /** Interface version strings found in the file, e.g. `SteamNetworking006`. */
    interfaces: string[];
    /** The SDK version the interface strings point to, when recognised. */
    sdkGuess: string | null;
    /**
     * What is wrong with the file itself (truncated, not a library, another platform's), as the end of
     * a sentence; `null` when it is fit to load. When set, nothing native was tried.
     */
    problem: string | null;
  };
  symbols: { required: number; resolved: string[]; missing: string[] } | null;
  steamRunning: boolean | null;
  init: ProbeResult['init'];
  /** Set when the probe process died or produced no result (e.g. the library crashed). */
  probeFailure: string | null;
  /** What the library itself printed on stderr during the probe (Valve's `[S_API]` lines). */
  libraryOutput: string;
}

const INTERFACE_PATTERN = /(?:Steam[A-Za-z]+\d{3}|STEAM[A-Z_]+_V(?:ERSION_?)?\d{3})(?![A-Za-z0-9_])/g;
/** The interfaces the binding uses, listed first in the report. */
const KEY_INTERFACES =
  /^(SteamNetworking\d|SteamNetworkingMessages\d|SteamNetworkingSockets\d|SteamNetworkingUtils\d|SteamUser\d|STEAMTIMELINE)/;
/** SDK releases recognisable by their timeline interface version (STEAM_API.md §1). */
const SDK_BY_TIMELINE: Readonly<Record<string, string>> = {
  STEAMTIMELINE_INTERFACE_V001: '1.60',
  STEAMTIMELINE_INTERFACE_V004: '1.62',
};

/** Interface version strings found in a library file. */
export function scanInterfaces(path: string): string[] {
  const text = readFileSync(path).toString('latin1');
  const found = [...new Set(text.match(INTERFACE_PATTERN) ?? [])];
  const key = found.filter((s) => KEY_INTERFACES.test(s)).sort();
  return [...key, ...found.filter((s) => !KEY_INTERFACES.test(s)).sort()];
}

function probeModuleUrl(): URL {
  const sibling = new URL('./probe.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  // Running from TypeScript sources (tests): use the build.
  return new URL('../dist/probe.js', import.meta.url);
}

/** Runs the native probe in a child process and parses its one result line. */
function runProbe(
  libraryPath: string,
  options: DoctorOptions,
  backend: SteamBackend,
): { result: ProbeResult | null; failure: string | null; stderr: string } {
  const script = [
    `const { probeLibrary, PROBE_MARKER } = await import(${JSON.stringify(probeModuleUrl().href)});`,
    `const [path, backend, appId] = JSON.parse(process.argv[1]);`,
    `const result = probeLibrary(path, backend, appId ?? undefined);`,
    `process.stdout.write('\\n' + PROBE_MARKER + JSON.stringify(result) + '\\n');`,
  ].join('\n');
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify([libraryPath, backend, options.appId ?? null])],
    { env: options.env ?? process.env, encoding: 'utf8', timeout: 30_000 },
  );
  const stderr = (child.stderr ?? '').trim();
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith(PROBE_MARKER));
  if (line !== undefined)
    return { result: JSON.parse(line.slice(PROBE_MARKER.length)) as ProbeResult, failure: null, stderr };
  const how = child.error
    ? child.error.message
    : child.signal
      ? `it was killed by ${child.signal}`
      : `it exited with code ${child.status}`;
  return {
    result: null,
    failure: `The check process produced no result (${how}): the library probably crashed while loading or initialising.`,
    stderr,
  };
}

/**
 * Diagnoses the Steam setup. Synchronous; loads no native code in this process (the checks run in a
 * child process, so a crashing library cannot kill the caller).
 */
export function runDoctor(options: DoctorOptions = {}): DoctorReport {
  const backend = options.backend ?? 'legacy';
  const located = locateSteamLibrary({
    ...(options.libraryPath !== undefined && { libraryPath: options.libraryPath }),
    ...(options.searchFrom !== undefined && { searchFrom: options.searchFrom }),
    ...(options.env !== undefined && { env: options.env }),
  });
  const report: DoctorReport = {
    ok: false,
    backend,
    library: {
      path: located.path,
      tried: located.tried,
      sizeBytes: null,
      interfaces: [],
      sdkGuess: null,
      problem: null,
    },
    symbols: null,
    steamRunning: null,
    init: null,
    probeFailure: null,
    libraryOutput: '',
  };
  if (located.path === null) return report;
  report.library.sizeBytes = statSync(located.path).size;
  report.library.interfaces = scanInterfaces(located.path);
  report.library.sdkGuess =
    report.library.interfaces.map((s) => SDK_BY_TIMELINE[s]).find((v) => v !== undefined) ?? null;
  // The same check initSteam makes before loading: a truncated file would crash the probe.
  const target = { platform: process.platform, arch: process.arch };
  const problem = checkLibraryFile(located.path, target);
  if (problem !== null) {
    report.library.problem = describeLibraryProblem(problem, target);
    return report;
  }

  const probe = runProbe(located.path, options, backend);
  report.libraryOutput = probe.stderr;
  report.probeFailure = probe.failure;
  if (probe.result) {
    const required = Object.values(REQUIRED_SYMBOLS).reduce((n, group) => n + group.length, 0);
    if (probe.result.symbols) report.symbols = { required, ...probe.result.symbols };
    report.steamRunning = probe.result.steamRunning;
    report.init = probe.result.init;
    if (probe.result.error !== null && report.probeFailure === null) report.probeFailure = probe.result.error;
  }
  report.ok = report.init?.ok === true;
  return report;
}

/** The report as plain sentences, one finding per line. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = ['Steamwire doctor', ''];
  const { library } = report;
  if (library.path === null) {
    lines.push('Library: NOT FOUND. Looked in:');
    for (const p of library.tried) lines.push(`  - ${p}`);
    lines.push(
      '  Get libsteam_api from the Steamworks SDK (sdk/redistributable_bin/<platform>/), then pass --lib PATH,',
      '  set STEAMWIRE_STEAM_LIBRARY, or put the SDK folder next to your game.',
    );
  } else {
    lines.push(`Library: found ${library.path} (${library.sizeBytes?.toLocaleString('en-US')} bytes).`);
    if (library.interfaces.length > 0) {
      const sdk = library.sdkGuess ? ` It looks like Steamworks SDK ${library.sdkGuess}.` : '';
      const key = library.interfaces.filter((s) => KEY_INTERFACES.test(s));
      const others = library.interfaces.length - key.length;
      const more = others > 0 ? ` (and ${others} other interfaces; --json lists them)` : '';
      lines.push(
        `  Interface versions: ${(key.length > 0 ? key : library.interfaces).join(', ')}${more}.${sdk}`,
      );
    } else {
      lines.push("  No Steam interface version strings found in the file: is this really Valve's library?");
    }
    if (library.problem !== null) lines.push(`  PROBLEM: the file ${library.problem}.`);
  }
  if (report.symbols) {
    const { required, resolved, missing } = report.symbols;
    if (missing.length === 0) {
      lines.push(
        `Symbols: all ${required} required symbols resolve (legacy, Messages and Sockets backends, the Sockets/Utils APIs and lobbies usable).`,
      );
    } else if (resolved.length === 0) {
      lines.push(
        `Symbols: none of the ${required} required symbols resolve: this is not Steam's library (no SteamAPI_* symbols).`,
      );
      lines.push(
        "  Point --lib (or STEAMWIRE_STEAM_LIBRARY) to Valve's libsteam_api from the Steamworks SDK.",
      );
    } else {
      lines.push(
        `Symbols: ${resolved.length} of ${required} required symbols resolve; MISSING: ${missing.join(', ')}.`,
      );
      lines.push('  The library is from a Steamworks SDK that is too old: use SDK 1.60 or newer.');
    }
  }
  if (report.steamRunning !== null) {
    lines.push(
      report.steamRunning
        ? 'Steam running: yes (SteamAPI_IsSteamRunning() is true).'
        : 'Steam running: no. SteamAPI_IsSteamRunning() is false: Steam is not running (or not installed) for this user.',
    );
  }
  if (report.init) {
    if (report.init.ok) {
      lines.push(`Init (${report.backend} backend): OK. Logged in as SteamID ${report.init.localSteamId}.`);
    } else {
      lines.push(
        `Init (${report.backend} backend): FAILED [${report.init.code ?? 'error'}]. ${report.init.message}`,
      );
      const said = report.init.steamMessage;
      if (said && !report.init.message.includes(said)) lines.push(`  Valve's message: ${said}`);
    }
  }
  if (report.probeFailure) lines.push(`Problem: ${report.probeFailure}`);
  if (report.libraryOutput) {
    lines.push('', 'The Steam library printed:');
    for (const l of report.libraryOutput.split('\n')) lines.push(`  ${l}`);
  }
  lines.push(
    '',
    report.ok
      ? 'Result: Steam initialised. Everything is ready.'
      : 'Result: Steam did NOT initialise (see above).',
  );
  return lines.join('\n');
}
