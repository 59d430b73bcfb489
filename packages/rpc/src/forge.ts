/**
 * Forging packets, for tests of your own game's defences: the exact bytes a peer running the same
 * protocol would put on the wire for one message, WITHOUT the sender-side checks (direction, schema,
 * size). A test sends them through a fake peer that completed the handshake to play a cheating client
 * (e.g. a client sending a host-only message) and asserts that the host rejects and kicks it.
 * @packageDocumentation
 */
import type { P2PSend } from '@steamwire/transport-steam';
import { pack } from 'msgpackr';
import { ProtocolDefinitionError } from './errors.js';
import type { Protocol } from './protocol.js';
import { PacketKind, SEQ_MASK, varintSize, writeVarint } from './wire.js';

/** A forged packet and where a peer running the protocol would send it. */
export interface ForgedPacket {
  readonly data: Uint8Array;
  readonly channel: number;
  readonly sendType: P2PSend;
}

/**
 * Encodes one message `name` with `payload` as a complete packet (one frame).
 * @param sequence for unreliable messages, the 15-bit packet sequence number (increase it per packet
 *   so that loss accounting and latest-wins see fresh packets).
 * @throws {@link ProtocolDefinitionError} when `name` is not a message of `protocol`.
 */
export function forgeMessagePacket(
  protocol: Protocol,
  name: string,
  payload: unknown,
  sequence = 0,
): ForgedPacket {
  const entry = protocol.entry(name);
  if (entry?.kind !== 'message') {
    throw new ProtocolDefinitionError(
      name,
      `forgeMessagePacket: "${name}" is not a message of this protocol.`,
    );
  }
  const body = pack(payload);
  const head = entry.reliable ? 1 : 2;
  const tag = entry.id * 2 + 1;
  const data = new Uint8Array(head + varintSize(tag) + varintSize(body.length) + body.length);
  if (entry.reliable) {
    data[0] = PacketKind.Reliable;
  } else {
    const seq = sequence & SEQ_MASK;
    data[0] = PacketKind.Unreliable | (seq >> 8);
    data[1] = seq & 0xff;
  }
  let pos = writeVarint(data, head, tag);
  pos = writeVarint(data, pos, body.length);
  data.set(body, pos);
  return { data, channel: entry.channel, sendType: entry.sendType };
}
