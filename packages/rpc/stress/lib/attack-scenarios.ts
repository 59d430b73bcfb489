/**
 * The catalogue of `npm run attack`: one scenario per attack observed on the defences of issue 12
 * (identity resets, decode bombs, unaccounted traffic, half-open sessions, back-pressure, lost hellos)
 * plus the fuzz, flood and chaos parts, each written as an attacker who read the source would.
 * A scenario starts against a playing {@link Arena} and sends its packets once a frame.
 * @packageDocumentation
 */
import { P2PSend, type SteamId } from '@steamwire/transport-steam';
import { pack } from 'msgpackr';
import { connectToHost } from '../../src/index.js';
import type { Arena } from './attack-arena.js';
import {
  emptyMapsBomb,
  emptyMapsInData,
  failingSends,
  manyKeysBomb,
  RawPeer,
  wholeFrame,
} from './attacker.js';
import { CONTROL } from './audit.js';
import { dataPacket, frame, hostileValue, mutate, nearlyValid, varint } from './hostile.js';
import { hostileProtocol } from './protocol.js';
import { Rand } from './rand.js';

/** A running attack. */
export interface Attack {
  /** Sends this frame's packets. */
  tick(): void;
  /** The SteamIDs the attacker plays (their removal by the host is `kickedAfterMs`). */
  ids(): Iterable<SteamId>;
  /** A failure of the scenario's own goal at the end, or `null`. */
  check?(): string | null;
}

/** One scenario of the catalogue. */
export interface Scenario {
  readonly name: string;
  /** The class of issue 12 it attacks (or the part of the older runs). */
  readonly attacks: string;
  /**
   * Whether the host must have shut the attacker out by the end: removed it (violations, timeout)
   * or refused it (its joins, a kick cooldown).
   */
  readonly expectRemoval: boolean;
  /** How long the attack lasts, if not the run's default (ms). */
  readonly attackMs?: number;
  /** Starts the attack; `scale` (0–1] thins it for the sample in `npm test`. */
  start(arena: Arena, scale: number): Promise<Attack>;
}

const fp = hostileProtocol.fingerprint;
const id = (name: string) => hostileProtocol.entry(name)!.id;

/** A raw peer that completed the handshake. */
async function connectedRaw(arena: Arena): Promise<RawPeer> {
  const raw = new RawPeer(arena.net, arena.hostId);
  raw.hello(fp);
  await arena.play(100);
  raw.drain();
  if (!arena.host.isConnected(raw.id)) throw new Error('the attacker did not get in');
  return raw;
}

/** `n` times `what`, at least once. */
const times = (n: number, scale: number) => Math.max(1, Math.round(n * scale));

const chatBody = (text: string) => Array.from(pack({ seq: 1, text }));

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'identity-reset-bad-frames',
    attacks: '1 identity reset',
    expectRemoval: true,
    async start(arena) {
      const raw = await connectedRaw(arena);
      const bad = dataPacket(true, 0, [frame(id('chat'), [0xc1])]);
      return {
        tick: () => {
          raw.hello(fp);
          raw.send(bad, 0);
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'identity-reset-chat-flood',
    attacks: '1 identity reset',
    expectRemoval: true,
    async start(arena, scale) {
      const raw = await connectedRaw(arena);
      const burst = dataPacket(
        true,
        0,
        Array.from({ length: times(200, scale) }, () => frame(id('chat'), chatBody('spam'))),
      );
      return {
        tick: () => {
          raw.hello(fp);
          raw.send(burst, 0);
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'identity-reset-slow-requests',
    attacks: '1 identity reset',
    expectRemoval: true,
    async start(arena, scale) {
      const raw = await connectedRaw(arena);
      arena.slow.add(raw.id);
      let callId = 0;
      const n = times(64, scale);
      return {
        tick: () => {
          raw.hello(fp);
          const frames = Array.from({ length: n }, () =>
            frame(id('buy'), [...varint(callId++ & 0x0fffffff), ...pack({ item: 'slow', qty: 1 })]),
          );
          raw.send(dataPacket(true, 0, frames), 0);
        },
        ids: () => [raw.id],
        check: () => {
          const inflight = arena.host.debugState().inflightRequests;
          return inflight <= 64 ? null : `${inflight} requests in flight, above the bound of 64`;
        },
      };
    },
  },
  {
    name: 'identity-reset-hello-bye-loop',
    attacks: '1 identity reset',
    expectRemoval: false,
    async start(arena) {
      const raw = await connectedRaw(arena);
      let n = 0;
      return {
        tick: () => {
          if (n++ % 2 === 0) raw.bye();
          else raw.hello(fp);
        },
        ids: () => [raw.id],
        check: () => {
          const joins = arena.joined.filter((p) => p === raw.id).length;
          return joins <= 8 ? null : `${joins} joins (each shown to every player)`;
        },
      };
    },
  },
  {
    name: 'cost-empty-maps-4mib',
    attacks: '2 cost is not bytes',
    expectRemoval: true,
    // Each bomb costs 4 MiB of the attacker's byte budget (4 MiB/s, 8 MiB of burst): two get through
    // whole, then its fragments are refused as rate-limited; the 50th refusal kicks, after ~6 s.
    attackMs: 8000,
    async start(arena) {
      const raw = await connectedRaw(arena);
      const bomb = wholeFrame(id('chat'), emptyMapsInData(4 * 1024 * 1024 - 64));
      let n = 0;
      return {
        // Every 20th frame: the sender's own Steam buffer holds 4 MiB.
        tick: () => {
          if (n++ % 20 === 0) raw.fragmented(bomb, 0);
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'cost-map-keys-1mib',
    attacks: '2 cost is not bytes',
    expectRemoval: true,
    async start(arena) {
      const raw = await connectedRaw(arena);
      const bomb = wholeFrame(id('note'), manyKeysBomb(150_000));
      let n = 0;
      return {
        tick: () => {
          if (n++ % 5 === 0) raw.fragmented(bomb, 3);
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'cost-within-limits',
    attacks: '2 cost is not bytes',
    expectRemoval: true,
    async start(arena, scale) {
      const raw = await connectedRaw(arena);
      // Valid for a type-only entry and within the default limits: 8 000 empty maps a message.
      const packet = dataPacket(true, 0, [frame(id('note'), Array.from(emptyMapsBomb(8000)), true)]);
      const n = times(30, scale);
      return {
        tick: () => {
          for (let i = 0; i < n; i++) raw.send(packet, 3, P2PSend.ReliableWithBuffering);
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'accounting-ping-flood',
    attacks: '3 unaccounted traffic',
    expectRemoval: true,
    async start(arena, scale) {
      const raw = await connectedRaw(arena);
      const n = times(500, scale);
      return {
        tick: () => {
          for (let i = 0; i < n; i++) raw.ping();
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'accounting-empty-packets',
    attacks: '3 unaccounted traffic',
    expectRemoval: true,
    async start(arena, scale) {
      const raw = await connectedRaw(arena);
      const n = times(100, scale);
      const empty = new Uint8Array(0);
      return {
        tick: () => {
          for (let i = 0; i < n; i++) raw.send(empty, i % 2 === 0 ? CONTROL : 1, P2PSend.Unreliable);
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'accounting-tiny-fragments',
    attacks: '3 unaccounted traffic',
    expectRemoval: true,
    async start(arena, scale) {
      const raw = await connectedRaw(arena);
      raw.send(Uint8Array.of(0x02, 0x80, 0x80, 0x80, 0x02, 0x01), 4);
      const n = times(1000, scale);
      const tiny = Uint8Array.of(0x03, 0x01);
      return {
        tick: () => {
          for (let i = 0; i < n; i++) raw.send(tiny, 4);
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'accounting-unused-channel',
    attacks: '3 unaccounted traffic',
    expectRemoval: false,
    async start(arena) {
      const raw = await connectedRaw(arena);
      const mib = new Uint8Array(1024 * 1024);
      let held = 0;
      return {
        tick: () => {
          raw.send(mib, 9);
          held = Math.max(held, arena.net.heldFrom(arena.hostId, raw.id).bytes);
        },
        ids: () => [raw.id],
        check: () => (held <= 1024 * 1024 ? null : `Steam held ${held} bytes of one sender for the host`),
      };
    },
  },
  {
    name: 'admission-half-open-churn',
    attacks: '4 admission',
    expectRemoval: false,
    async start(arena, scale) {
      const n = times(10, scale);
      const opened: RawPeer[] = [];
      // An honest player joins while the churn goes on.
      let joined = false;
      let failure = '';
      connectToHost({
        network: arena.net.createPeer(),
        protocol: hostileProtocol,
        host: arena.hostId,
        clock: arena.net.clock,
        tickMs: 16,
      }).then(
        (c) => {
          joined = true;
          c.disconnect();
        },
        (e: unknown) => {
          failure = String(e);
        },
      );
      return {
        tick: () => {
          for (let i = 0; i < n; i++) {
            const raw = new RawPeer(arena.net, arena.hostId);
            raw.ping();
            opened.push(raw);
          }
          // The churned ids go away again, so the fake network itself stays small.
          while (opened.length > 400) arena.net.removePeer(opened.shift()!.id);
        },
        ids: () => [],
        check: () => (joined ? null : `the honest join did not get in (${failure || 'still pending'})`),
      };
    },
  },
  {
    name: 'backpressure-stuck-peer',
    attacks: 'a peer whose Steam queue stays full',
    expectRemoval: true,
    // Its buffers (1 MiB received, 4 MiB sent, 8 MiB held for retry) take a few seconds to fill.
    attackMs: 6000,
    async start(arena) {
      const raw = await connectedRaw(arena);
      // It never reads again: its buffers fill, and every send to it is refused (limitExceeded).
      const big = { blob: 'x'.repeat(60_000) };
      return {
        tick: () => {
          if (arena.host.isConnected(raw.id)) arena.host.sendTo(raw.id, 'note', big);
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'hello-lost-first-sends',
    attacks: '6 lost hellos',
    expectRemoval: false,
    async start(arena) {
      const net = arena.net;
      const start = net.clock.now();
      // Steam refuses a new player's sends for its first 1.5 s, as before peers find each other.
      const network = failingSends(net.createPeer(), () =>
        net.clock.now() - start < 1500 ? { reason: 'noConnection' } : null,
      );
      let joined = false;
      let failure = '';
      connectToHost({
        network,
        protocol: hostileProtocol,
        host: arena.hostId,
        clock: net.clock,
        tickMs: 16,
      }).then(
        (c) => {
          joined = true;
          c.disconnect();
        },
        (e: unknown) => {
          failure = String(e);
        },
      );
      return {
        tick: () => {},
        ids: () => [],
        check: () => (joined ? null : `the player did not get in (${failure || 'still pending'})`),
      };
    },
  },
  {
    name: 'fuzz',
    attacks: 'fuzz: hostile packets, re-hello when kicked',
    expectRemoval: true,
    async start(arena, scale) {
      const raw = await connectedRaw(arena);
      const r = new Rand(7);
      const entries = hostileProtocol.entries;
      const templates = [
        chatBody('hello'),
        Array.from(pack({ seq: 1, dx: 0.5, dy: 1 })),
        Array.from(pack({ item: 'a', qty: 1 })),
      ];
      const n = times(100, scale);
      // Made before the attack: building hostile values is the attacker's work, on its own machine,
      // not the host's (here they share one thread).
      const pool = Array.from({ length: 4096 }, (_, i) => {
        const e = r.pick(entries);
        const k = r.int(4);
        let body =
          k === 0 ? hostileValue(r) : k === 1 ? nearlyValid({ seq: 1, text: 'x' }, r) : r.pick(templates);
        if (e.kind === 'request') body = [...varint(r.int(1000)), ...body];
        let data = dataPacket(e.reliable, i, [frame(e.id, body, r.chance(0.5))]);
        if (r.chance(0.3)) data = mutate(data, r);
        return {
          data,
          channel: r.chance(0.9) ? e.channel : r.pick([0, 1, 2, 3, 4, 9, CONTROL]),
          sendType: e.sendType,
        };
      });
      let next = 0;
      return {
        tick: () => {
          if (!arena.host.isConnected(raw.id)) raw.hello(fp);
          for (let i = 0; i < n; i++) {
            const p = pool[next++ % pool.length]!;
            raw.send(p.data, p.channel, p.sendType);
          }
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'flood',
    attacks: 'flood: 10x the rate limits, valid and oversized',
    expectRemoval: true,
    async start(arena, scale) {
      const raw = await connectedRaw(arena);
      // 20 000 valid chats a second in packets of 16, and 40 MiB a second of 1 MiB chats.
      const chats = dataPacket(
        true,
        0,
        Array.from({ length: 16 }, () => frame(id('chat'), chatBody('spam'.repeat(10)))),
      );
      const huge = dataPacket(true, 0, [
        frame(id('chat'), Array.from(pack({ seq: 1, text: 'x'.repeat(1024 * 1024 - 64) })), true),
      ]);
      const packets = times(21, scale);
      let n = 0;
      return {
        tick: () => {
          for (let i = 0; i < packets; i++) raw.send(chats, 0);
          if (n++ % 2 === 0) raw.send(huge, 0);
        },
        ids: () => [raw.id],
      };
    },
  },
  {
    name: 'chaos-terrible-link-then-crash',
    attacks: 'chaos: 30 % loss, duplication, reordering, spikes, then a crash',
    expectRemoval: true,
    attackMs: 12_000,
    async start(arena) {
      const net = arena.net;
      const peer = net.createPeer();
      const pending = connectToHost({
        network: peer,
        protocol: hostileProtocol,
        host: arena.hostId,
        clock: net.clock,
        tickMs: 16,
      });
      await arena.play(300);
      const c = await pending;
      net.setLinkConditions(arena.hostId, peer.localSteamId, {
        latencyMs: 80,
        jitterMs: 60,
        loss: 0.3,
        duplicate: 0.1,
        reorder: 0.1,
      });
      let f = 0;
      let crashed = false;
      return {
        tick: () => {
          f++;
          if (crashed) return;
          if (c.state === 'connected') {
            c.send('input', { seq: f, dx: 1, dy: 1 });
            if (f % 4 === 0) c.send('chat', { seq: f, text: 'through the storm' });
            if (f % 30 === 0)
              c.call('buy', { item: 'a', qty: 1 }, { timeoutMs: 1500 }).catch(() => undefined);
          }
          if (f === 60) {
            // Gone without a goodbye.
            crashed = true;
            net.removePeer(peer.localSteamId);
          }
        },
        ids: () => [peer.localSteamId],
      };
    },
  },
];

/** Scenario names, for the command line. */
export const SCENARIO_NAMES = SCENARIOS.map((s) => s.name);
