/**
 * `@steamwire/transport-steam`: Steam's P2P networking behind one typed interface.
 *
 * Importing this module never loads native code; the Steam library is opened only by `initSteam`.
 * @packageDocumentation
 */
export * from './errors.js';
export * from './clock.js';
export * from './p2p.js';
export * from './steam-id.js';
