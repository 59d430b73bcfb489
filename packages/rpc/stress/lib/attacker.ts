/**
 * Attackers who read the source: a raw fake peer that speaks the wire by hand (hellos, goodbyes,
 * pings, forged frames, fragments), a network whose sends fail on demand (Steam's back-pressure, or
 * first sends lost until the peers find each other), and the msgpack bombs that are valid but
 * expensive to decode. Shared by the attack tests (`test/hostile/`) and `npm run attack`.
 * @packageDocumentation
 */
import type { FakePeer, FakeSteamNetwork } from '@steamwire/testkit';
import { type P2PNetworking, P2PSend, type P2PSendFailure, type SteamId } from '@steamwire/transport-steam';
import { forgeMessagePacket, type Protocol } from '../../src/index.js';
import { CONTROL, helloPacket } from './audit.js';
import { varint } from './hostile.js';

/** Control kinds, as the wire writes them. */
export const Kind = { Hello: 0x10, Welcome: 0x11, Refuse: 0x12, Ping: 0x13, Pong: 0x14, Bye: 0x15 } as const;

const utf8 = new TextEncoder();

/** A control string: varint(length) + UTF-8. */
function str(s: string): number[] {
  const b = utf8.encode(s);
  return [...varint(b.length), ...b];
}

/** A BYE packet. */
export function byePacket(reason = 'left', detail = ''): Uint8Array {
  return Uint8Array.from([Kind.Bye, ...str(reason), ...str(detail)]);
}

/** A PING (or PONG) carrying `time`. */
export function timePacket(kind: number, time: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = kind;
  new DataView(out.buffer).setFloat64(1, time);
  return out;
}

/**
 * A raw peer that plays a client by hand: it can say hello as often as it likes, say goodbye, ping,
 * and send any bytes on any channel. `heard` collects the control packets the host sent it.
 */
export class RawPeer {
  readonly peer: FakePeer;
  /** Control packets received, by kind byte (welcome, refuse, pong…), in order. */
  readonly heard: number[] = [];
  private seq = 0;

  constructor(
    readonly net: FakeSteamNetwork,
    readonly hostId: SteamId,
    peer?: FakePeer,
  ) {
    this.peer = peer ?? net.createPeer();
  }

  get id(): SteamId {
    return this.peer.localSteamId;
  }

  /** Sends `data` on `channel`; false when Steam refused it. */
  send(data: Uint8Array, channel: number, sendType: P2PSend = P2PSend.Reliable): boolean {
    return this.peer.sendP2PPacket(this.hostId, data, sendType, channel);
  }

  hello(fingerprint: string): boolean {
    return this.send(helloPacket(fingerprint), CONTROL);
  }

  bye(): boolean {
    return this.send(byePacket(), CONTROL);
  }

  ping(time = this.net.clock.now()): boolean {
    return this.send(timePacket(Kind.Ping, time), CONTROL, P2PSend.Unreliable);
  }

  /** Sends one message of `protocol` as a peer running it would, with none of the sender's checks. */
  forge(protocol: Protocol, name: string, payload: unknown): boolean {
    const p = forgeMessagePacket(protocol, name, payload, this.seq++);
    return this.send(p.data, p.channel, p.sendType);
  }

  /** Sends one frame `id` whose msgpack body is `body`, reliably, on `channel`. */
  frame(id: number, body: Uint8Array, channel: number): boolean {
    return this.send(reliableFrame(id, body), channel);
  }

  /** Sends `frame` (tag, length, body) fragmented as the wire does, in parts of at most `part` bytes. */
  fragmented(frameBytes: Uint8Array, channel: number, part = 1024 * 1024 - 8): number {
    let sent = 0;
    for (let at = 0; at < frameBytes.length; at += part) {
      const chunk = frameBytes.subarray(at, Math.min(frameBytes.length, at + part));
      const head = at === 0 ? [0x02, ...varint(frameBytes.length)] : [0x03];
      const packet = new Uint8Array(head.length + chunk.length);
      packet.set(head);
      packet.set(chunk, head.length);
      if (this.send(packet, channel)) sent++;
    }
    return sent;
  }

  /** Reads what the host sent (control kinds into `heard`; data is dropped). */
  drain(channels: readonly number[] = [CONTROL, 0, 1, 2, 3, 4, 5]): void {
    const peer = this.peer;
    peer.runCallbacks();
    for (const channel of channels) {
      for (;;) {
        const size = peer.getAvailableP2PPacketSize(channel);
        if (size === null) break;
        const packet = peer.readP2PPacket(size, channel);
        if (packet === null) break;
        if (channel === CONTROL && packet.data.length > 0) {
          const kind = packet.data[0]!;
          this.heard.push(kind);
          // A raw peer still answers pings, so it is not timed out for silence.
          if (kind === Kind.Ping && packet.data.length === 9) {
            const pong = packet.data.slice();
            pong[0] = Kind.Pong;
            this.send(pong, CONTROL, P2PSend.Unreliable);
          }
        }
      }
    }
  }

  /** How many control packets of `kind` the host sent so far. */
  count(kind: number): number {
    return this.heard.filter((k) => k === kind).length;
  }
}

/** A reliable data packet of one frame (the last frame of a packet carries no length). */
export function reliableFrame(id: number, body: Uint8Array): Uint8Array {
  const tag = varint(id * 2);
  const out = new Uint8Array(1 + tag.length + body.length);
  out[0] = 0x00;
  out.set(tag, 1);
  out.set(body, 1 + tag.length);
  return out;
}

/** A complete frame (tag without length, then body) as a fragmented message carries it. */
export function wholeFrame(id: number, body: Uint8Array): Uint8Array {
  const tag = varint(id * 2);
  const out = new Uint8Array(tag.length + body.length);
  out.set(tag);
  out.set(body, tag.length);
  return out;
}

// ── msgpack bombs: valid msgpack, expensive to decode ─────────────────────────────────────────

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** An array of `n` empty maps: 1 byte each, one object each for the decoder. */
export function emptyMapsBomb(n: number): Uint8Array {
  const out = new Uint8Array(5 + n);
  out.set([0xdd, ...u32(n)]);
  out.fill(0x80, 5);
  return out;
}

/** `{ data: [n empty maps] }`: the bomb where a game's `{ data }` payload sits. */
export function emptyMapsInData(n: number): Uint8Array {
  const head = [0x81, 0xa4, ...utf8.encode('data'), 0xdd, ...u32(n)];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.fill(0x80, head.length);
  return out;
}

/** One map of `n` distinct string keys (`k0`, `k1`…), each mapping to nil. */
export function manyKeysBomb(n: number): Uint8Array {
  const bytes: number[] = [0xdf, ...u32(n)];
  for (let i = 0; i < n; i++) {
    const k = utf8.encode(`k${i}`);
    bytes.push(0xa0 | k.length, ...k, 0xc0);
  }
  return Uint8Array.from(bytes);
}

/** A string of `n` two-byte UTF-8 characters (the slowest strings to decode). */
export function wideStringBomb(n: number): Uint8Array {
  const bytes = n * 2;
  const out = new Uint8Array(5 + bytes);
  out.set([0xdb, ...u32(bytes)]);
  for (let i = 5; i < out.length; i += 2) {
    out[i] = 0xc3;
    out[i + 1] = 0xa9;
  }
  return out;
}

// ── a network whose sends fail on demand ───────────────────────────────────────────────────────

/** Decides the fate of one send: a failure to report, or `null` to let it through. */
export type SendHook = (
  remote: SteamId,
  data: Uint8Array,
  sendType: P2PSend,
  channel: number,
) => P2PSendFailure | null;

/**
 * `peer` as a `P2PNetworking` whose `sendP2PPacket` first asks `hook`: a failure it returns is
 * what the send reports (`false`, and `lastSendFailure`), as Steam does under back-pressure or before
 * the peers have found each other.
 */
export function failingSends(peer: FakePeer, hook: SendHook): P2PNetworking {
  let forced: P2PSendFailure | null = null;
  const send = (remote: SteamId, data: Uint8Array, sendType: P2PSend, channel = 0): boolean => {
    const failure = hook(remote, data, sendType, channel);
    if (failure !== null) {
      forced = failure;
      return false;
    }
    forced = null;
    return peer.sendP2PPacket(remote, data, sendType, channel);
  };
  return new Proxy(peer, {
    get(target, prop) {
      if (prop === 'sendP2PPacket') return send;
      if (prop === 'lastSendFailure') return forced ?? target.lastSendFailure;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as P2PNetworking;
}
