/**
 * The wire format: packet kinds, frame ids, and the varints frames are built from. Payloads are
 * msgpack: `codec.ts` encodes and decodes them, `msgpack-scan.ts` checks them first.
 *
 * A data packet starts with its kind: one byte for reliable packets, and for unreliable ones two
 * bytes holding the high bit and a 15-bit sequence number. Then come frames:
 *
 *     frame = varint(tag) [varint(length)] body      tag = id << 1 | hasLength
 *
 * The last frame of a packet omits its length (it runs to the end of the packet), so a full batch
 * costs 2 bytes of framing per message for ids < 64 and bodies < 128 bytes. Ids 0 and 1 are
 * responses (ok / error); declared entries start at 2. A request body starts with a varint call id.
 * @packageDocumentation
 */
/** First byte of every packet on a data channel. */
export const PacketKind = {
  /** Frames, sent reliably. */
  Reliable: 0x00,
  /**
   * Sent unreliably: any first byte with the high bit set. The low 7 bits and the next byte are a
   * 15-bit sequence number per (peer, channel); frames follow.
   */
  Unreliable: 0x80,
  /** First part of a reliable message too large for one packet: varint total length, then bytes. */
  FragmentFirst: 0x02,
  /** A following part of that message. */
  FragmentNext: 0x03,
} as const;

/** Bytes before the first frame of a reliable packet. */
export const RELIABLE_HEADER_BYTES = 1;
/** Bytes before the first frame of an unreliable packet (flag + 15-bit sequence). */
export const UNRELIABLE_HEADER_BYTES = 2;
/** Unreliable sequence numbers wrap at 2^15. */
export const SEQ_MASK = 0x7fff;
/** Frame id of a successful response. */
export const RESPONSE_OK_ID = 0;
/**
 * Frame id of a failed response. Body: call id, then msgpack `[code, message]` when the handler
 * threw, or one integer, the index in `RejectReasons` of why the request was refused on receipt.
 */
export const RESPONSE_ERROR_ID = 1;
/** Largest varint accepted: 4 bytes, i.e. below 2^28 (ids, lengths up to 256 MiB, call ids). */
export const MAX_VARINT = 0x0fffffff;

/** Bytes `value` (0 ≤ value ≤ {@link MAX_VARINT}) takes as a varint. */
export function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4;
}

/** Writes `value` as an unsigned LEB128 varint at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    buf[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[pos++] = value;
  return pos;
}

/**
 * Reads varints without reading at or past a given end. The position after the last varint read is
 * left in {@link VarintReader.end}: a field of this reader, owned by one part of one endpoint, so
 * that a read never returns an object and two endpoints never share the result.
 */
export class VarintReader {
  /** Position after the varint read by the last successful {@link VarintReader.read}. */
  end = 0;

  /**
   * Reads a varint at `pos`, reading nothing at or past `limit`.
   * @returns the value (its end in {@link VarintReader.end}), or -1 when truncated or longer than 4 bytes.
   */
  read(buf: Uint8Array, pos: number, limit: number): number {
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= limit) return -1;
      const byte = buf[pos++]!;
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.end = pos;
        return value >>> 0;
      }
    }
    return -1;
  }
}
