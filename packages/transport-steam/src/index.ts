/**
 * `@steamwire/transport-steam`: the seam. {@link P2PNetworking} (Steam's P2P API as one typed
 * interface), SteamIDs, errors, limits and the clock, and the types of the typed Sockets and Utils
 * APIs with Steam's enums: everything a layer above Steam (rpc, the testkit, a game's logic, a
 * browser or Electron-renderer bundle) needs, and nothing that binds Steam. This entry's module graph
 * holds no binding file; the binding (`initSteam`, the doctor) is `@steamwire/transport-steam/steam`,
 * so importing the seam never even resolves koffi.
 * @packageDocumentation
 */

export * from './clock.js';
export * from './errors.js';
export * from './friends.js';
export * from './lobbies.js';
export * from './lobby-checks.js';
export * from './lobby-errors.js';
export * from './p2p.js';
export * from './sockets-checks.js';
export * from './sockets-constants.js';
export * from './sockets-errors.js';
export * from './sockets-mapping.js';
export type * from './sockets-types.js';
export * from './steam-id.js';
