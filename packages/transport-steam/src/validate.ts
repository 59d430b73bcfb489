/**
 * Argument checks shared by the backends and the typed Sockets/Utils APIs. Hostile input is normal
 * input: every public method checks its arguments before anything reaches native code, and a bad
 * one is a typed error, never a crash.
 * @packageDocumentation
 */
import { InvalidArgumentError } from './errors.js';
import { isReliableSend, type P2PLimits, P2PSend, type P2PSendFailure } from './p2p.js';
import { checkData } from './sockets-checks.js';
import { isValidSteamId } from './steam-id.js';

export { checkBoolean, checkData, checkHandle, checkInt, checkString } from './sockets-checks.js';

const INT32_MAX = 0x7fffffff;

/** A channel: an int32 ≥ 0; `undefined` means 0. */
export function checkChannel(channel: unknown): number {
  if (channel === undefined) return 0;
  if (typeof channel !== 'number' || !Number.isInteger(channel) || channel < 0 || channel > INT32_MAX) {
    throw new InvalidArgumentError(
      'channel',
      `channel must be an integer from 0 to ${INT32_MAX}, got ${String(channel)}.`,
    );
  }
  return channel;
}

/** A send type: one of the four `P2PSend` numbers. */
export function checkSendType(sendType: unknown): P2PSend {
  if (
    sendType !== P2PSend.Unreliable &&
    sendType !== P2PSend.UnreliableNoDelay &&
    sendType !== P2PSend.Reliable &&
    sendType !== P2PSend.ReliableWithBuffering
  ) {
    throw new InvalidArgumentError(
      'sendType',
      `sendType must be 0, 1, 2 or 3 (P2PSend), got ${String(sendType)}.`,
    );
  }
  return sendType;
}

/** A byte count for `readP2PPacket`: an integer from 0 to 2^32-1. */
export function checkSize(size: unknown): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > 0xffffffff) {
    throw new InvalidArgumentError(
      'size',
      `size must be an integer from 0 to 4294967295, got ${String(size)}.`,
    );
  }
  return size;
}

/**
 * A remote SteamID. Not a bigint at all is a programming error (typed error); a bigint that is not a
 * valid SteamID is an answer Steam gives too, so the caller returns false/null as Steam does.
 * @returns whether `remote` is a valid SteamID.
 */
export function checkRemote(remote: unknown): remote is bigint {
  // Games send to the same few peers over and over; re-validating costs more than the FFI call.
  if (remote === lastValidRemote) return true;
  if (typeof remote !== 'bigint') {
    throw new InvalidArgumentError(
      'remote',
      `remote must be a SteamID as a bigint, got ${remote === null ? 'null' : typeof remote}.`,
    );
  }
  if (!isValidSteamId(remote)) return false;
  lastValidRemote = remote;
  return true;
}

let lastValidRemote: bigint | undefined;

const FAIL_INVALID_ID: P2PSendFailure = Object.freeze({ reason: 'invalidSteamId' });
const FAIL_TOO_LARGE: P2PSendFailure = Object.freeze({ reason: 'tooLarge' });

/**
 * The checks every `sendP2PPacket` makes before native code: bad argument types throw; an invalid
 * SteamID or a packet over the send type's limit is answered as Steam answers it (false), so the
 * caller sets `lastSendFailure` to the returned failure.
 * @returns the channel to send on, or the failure.
 */
export function checkSend(
  remote: unknown,
  data: unknown,
  sendType: unknown,
  channel: unknown,
  limits: P2PLimits,
): number | P2PSendFailure {
  const valid = checkRemote(remote);
  const bytes = checkData(data);
  const type = checkSendType(sendType);
  const ch = checkChannel(channel);
  if (!valid) return FAIL_INVALID_ID;
  const limit = isReliableSend(type) ? limits.maxReliableBytes : limits.maxUnreliableBytes;
  if (bytes.byteLength > limit) return FAIL_TOO_LARGE;
  return ch;
}
