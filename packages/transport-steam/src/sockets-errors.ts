/**
 * The typed error of the Sockets and Utils APIs: Steam refused to create something, or answered in a
 * way the call cannot turn into a value. Argument mistakes are `InvalidArgumentError` as elsewhere.
 * @packageDocumentation
 */
import { SteamwireError } from './errors.js';

/** Why a Sockets/Utils call failed; stable across versions. */
export type SteamNetworkingErrorCode =
  /** `CreateListenSocketP2P` returned no handle: the virtual port is taken or an option was refused. */
  | 'CREATE_LISTEN_SOCKET_FAILED'
  /** `ConnectP2P` returned no handle: e.g. a connection to yourself with no listen socket on that port. */
  | 'CONNECT_FAILED'
  /** `CreatePollGroup` returned no handle. */
  | 'CREATE_POLL_GROUP_FAILED'
  /** `CreateSocketPair` failed. */
  | 'CREATE_SOCKET_PAIR_FAILED'
  /** `AllocateMessage` returned NULL (out of memory). */
  | 'ALLOCATE_FAILED'
  /** `GetConnectionRealTimeStatus` refused the lane count: more lanes asked for than configured. */
  | 'INVALID_LANE_COUNT';

/** A Sockets/Utils call Steam refused. `code` says which; the message says what to do. */
export class SteamNetworkingError extends SteamwireError {
  declare readonly code: SteamNetworkingErrorCode;
  constructor(code: SteamNetworkingErrorCode, message: string) {
    super(code, message);
  }
}
