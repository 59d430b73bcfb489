/**
 * `@steamwire/transport-steam`: the seam. {@link P2PNetworking} (Steam's P2P API as one typed
 * interface), SteamIDs, errors, limits and the clock: everything a layer above Steam (rpc, the
 * testkit, a game's logic, a browser or Electron-renderer bundle) needs, and nothing that binds
 * Steam. This entry's module graph holds no binding file; the binding (`initSteam`, the doctor) is
 * `@steamwire/transport-steam/steam`, so importing the seam never even resolves koffi.
 * @packageDocumentation
 */

export * from './clock.js';
export * from './errors.js';
export * from './p2p.js';
export * from './steam-id.js';
