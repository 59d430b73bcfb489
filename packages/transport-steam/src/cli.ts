/**
 * The `steamwire` command (bin/steamwire.mjs runs this). One subcommand for now:
 * `steamwire doctor [--lib PATH] [--app-id N] [--backend legacy|messages|sockets] [--json]`.
 * Exits 0 only when Steam initialised; 1 when it did not; 2 on a usage error.
 * @packageDocumentation
 */
import { type DoctorOptions, formatDoctorReport, runDoctor } from './doctor.js';

const USAGE = `Usage: steamwire doctor [--lib PATH] [--app-id N] [--backend legacy|messages|sockets] [--json]

  Checks the Steam library and tries to initialise Steam, then says in plain words what is wrong or right.
  --lib PATH      the libsteam_api file to check (default: STEAMWIRE_STEAM_LIBRARY, then the SDK folder search)
  --app-id N      your Steam app id (default: SteamAppId from the environment or steam_appid.txt)
  --backend B     legacy (ISteamNetworking, default), messages (ISteamNetworkingMessages)
                  or sockets (ISteamNetworkingSockets P2P connections)
  --json          print the full report as one JSON object`;

function parse(argv: string[]): { options: DoctorOptions; json: boolean } | string {
  const [command, ...rest] = argv;
  if (command !== 'doctor') return command === undefined ? 'missing command' : `unknown command ${command}`;
  const options: DoctorOptions = {};
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = (): string | undefined => rest[++i];
    if (arg === '--json') json = true;
    else if (arg === '--lib') {
      const v = value();
      if (!v) return '--lib needs a path';
      options.libraryPath = v;
    } else if (arg === '--app-id') {
      const v = Number(value());
      if (!Number.isInteger(v) || v <= 0 || v > 0xffffffff) return '--app-id needs a positive integer';
      options.appId = v;
    } else if (arg === '--backend') {
      const v = value();
      if (v !== 'legacy' && v !== 'messages' && v !== 'sockets')
        return '--backend must be legacy, messages or sockets';
      options.backend = v;
    } else return `unknown option ${arg}`;
  }
  return { options, json };
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const parsed = parse(args);
if (typeof parsed === 'string') {
  console.error(`steamwire: ${parsed}.\n\n${USAGE}`);
  process.exit(2);
}
const report = runDoctor(parsed.options);
console.log(parsed.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
process.exitCode = report.ok ? 0 : 1;
