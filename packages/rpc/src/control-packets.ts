/**
 * The packets of the control channel (handshake, heartbeats, goodbyes), one small packet each,
 * never batched: how each is built and read. `control.ts` decides what to do with them.
 *
 *     HELLO   0x10 varint(version) str(fingerprint) [0xc1 blob(entries)] [msgpack auth]
 *     WELCOME 0x11
 *     REFUSE  0x12 str(reason) str(detail) str(host fingerprint) [blob(differences)]
 *     PING    0x13 f64(sender time)
 *     PONG    0x14 f64(echoed time)
 *     BYE     0x15 str(reason) str(detail)
 *
 * where `str` is varint(length) + UTF-8, bounded by {@link MAX_CONTROL_STRING}, and `blob` is
 * varint(length) + UTF-8 JSON: the client's protocol entries (bounded by {@link MAX_HELLO_ENTRIES_BYTES};
 * 0xc1 is the one byte msgpack never uses, so it cannot be mistaken for the auth payload), and the
 * entries that differ (bounded by {@link MAX_REFUSAL_DIFFERENCES_BYTES}), read by `protocol-diff.ts`.
 * @packageDocumentation
 */
import { VarintReader, writeVarint } from './wire.js';

/** Kinds of control packets. */
export const ControlKind = {
  Hello: 0x10,
  Welcome: 0x11,
  Refuse: 0x12,
  Ping: 0x13,
  Pong: 0x14,
  Bye: 0x15,
} as const;

/** Version of the session protocol itself (not the user's protocol). */
export const SESSION_VERSION = 1;
/** Longest string a control packet may carry (bytes). */
export const MAX_CONTROL_STRING = 256;
/** Largest auth payload in a HELLO (bytes). */
export const MAX_AUTH_BYTES = 4096;
/** Marks the entry list in a HELLO (a byte msgpack never writes). */
export const HELLO_ENTRIES_MARK = 0xc1;
/** Largest entry list a HELLO carries (bytes; a larger protocol sends none, and a host ignores more). */
export const MAX_HELLO_ENTRIES_BYTES = 8192;
/** Largest list of differences in a REFUSE (bytes). */
export const MAX_REFUSAL_DIFFERENCES_BYTES = 1536;
/** Most differences a REFUSE lists. */
export const MAX_REFUSAL_DIFFERENCES = 16;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: false });

/** Builds a control packet: the kind byte, then strings, then an optional raw tail. */
export function controlPacket(kind: number, strings: readonly string[], tail?: Uint8Array): Uint8Array {
  const encodedStrings = strings.map((s) => utf8.encode(s).subarray(0, MAX_CONTROL_STRING));
  let size = 1 + (tail?.length ?? 0);
  for (const s of encodedStrings) size += 2 + s.length;
  const out = new Uint8Array(size);
  out[0] = kind;
  let pos = 1;
  for (const s of encodedStrings) {
    pos = writeVarint(out, pos, s.length);
    out.set(s, pos);
    pos += s.length;
  }
  if (tail) {
    out.set(tail, pos);
    pos += tail.length;
  }
  return out.subarray(0, pos);
}

/** Varint length + bytes. */
function blob(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + bytes.length);
  const pos = writeVarint(out, 0, bytes.length);
  out.set(bytes, pos);
  return out.subarray(0, pos + bytes.length);
}

function concat(parts: readonly (Uint8Array | undefined)[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p?.length ?? 0;
  const out = new Uint8Array(size);
  let pos = 0;
  for (const p of parts) {
    if (p === undefined) continue;
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/**
 * A HELLO packet. `entries` is the client's entry list as JSON, left out when it is larger than
 * {@link MAX_HELLO_ENTRIES_BYTES} (the host then cannot say which entries differ).
 */
export function helloPacket(fingerprint: string, auth: Uint8Array | undefined, entries?: string): Uint8Array {
  const list = entries === undefined ? undefined : utf8.encode(entries);
  const listed =
    list === undefined || list.length > MAX_HELLO_ENTRIES_BYTES
      ? undefined
      : concat([Uint8Array.of(HELLO_ENTRIES_MARK), blob(list)]);
  const head = controlPacket(ControlKind.Hello, [fingerprint], concat([listed, auth]));
  // Insert the version right after the kind byte.
  const out = new Uint8Array(head.length + 1);
  out[0] = ControlKind.Hello;
  out[1] = SESSION_VERSION;
  out.set(head.subarray(1), 2);
  return out;
}

/** A REFUSE packet; `differences` (JSON, already bounded by its writer) only for a protocol mismatch. */
export function refusePacket(
  reason: string,
  detail: string,
  fingerprint: string,
  differences?: string,
): Uint8Array {
  const tail = differences === undefined ? undefined : blob(utf8.encode(differences));
  return controlPacket(ControlKind.Refuse, [reason, detail, fingerprint], tail);
}

/** A PING or PONG packet carrying a time in ms. */
export function timePacket(kind: number, time: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = kind;
  new DataView(out.buffer).setFloat64(1, time);
  return out;
}

/** Reads the f64 time of a PING/PONG, or `NaN` when the packet is not 9 bytes. */
export function readTime(data: Uint8Array): number {
  if (data.length !== 9) return Number.NaN;
  return new DataView(data.buffer, data.byteOffset, 9).getFloat64(1);
}

/** Cursor over the strings of a control packet. */
export class ControlReader {
  /** Current position. */
  pos: number;
  private readonly varint = new VarintReader();
  constructor(
    private readonly data: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  /** Next string, or `null` when absent, too long or truncated. */
  string(): string | null {
    const len = this.varint.read(this.data, this.pos, this.data.length);
    const start = this.varint.end;
    if (len < 0 || len > MAX_CONTROL_STRING || start + len > this.data.length) return null;
    const s = fromUtf8.decode(this.data.subarray(start, start + len));
    this.pos = start + len;
    return s;
  }

  /**
   * Next blob as text: `undefined` when the packet ends here, `null` when its length runs past the
   * packet (unreadable), `''` when it is longer than `max` bytes (skipped, not decoded).
   */
  blob(max: number): string | null | undefined {
    if (this.pos >= this.data.length) return undefined;
    const len = this.varint.read(this.data, this.pos, this.data.length);
    const start = this.varint.end;
    if (len < 0 || start + len > this.data.length) return null;
    this.pos = start + len;
    return len > max ? '' : fromUtf8.decode(this.data.subarray(start, start + len));
  }

  /** Reads the HELLO's entry list when one is next (see {@link ControlReader.blob}). */
  helloEntries(): string | null | undefined {
    if (this.data[this.pos] !== HELLO_ENTRIES_MARK) return undefined;
    this.pos++;
    return this.blob(MAX_HELLO_ENTRIES_BYTES) ?? null;
  }
}
