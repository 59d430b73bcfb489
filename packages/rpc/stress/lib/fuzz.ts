/**
 * The fuzzer: a host and a client under fire from raw fake peers that send random and mutated
 * packets. Mutations start from captured valid traffic so they reach the deep paths (decode,
 * validation, dispatch, responses, reassembly), and structured generators add what mutations rarely
 * find: lying lengths, deep nesting, extension types, invalid UTF-8, NaN, `__proto__` keys, wrong ids,
 * channels, directions and send types, and data before the handshake.
 *
 * Meanwhile an honest client keeps a reliable conversation with the host; at the end every one of
 * its messages and calls must have arrived, in order.
 * @packageDocumentation
 */
import { type FakePeer, FakeSteamNetwork } from '@steamwire/testkit';
import { P2PSend, type SteamId } from '@steamwire/transport-steam';
import { pack } from 'msgpackr';
import {
  type Client,
  connectToHost,
  createHost,
  type EndpointDebugState,
  type Host,
  type RejectReason,
} from '../../src/index.js';
import { Audit, auditClient, auditHost, CONTROL, drainRaw, heapUsed, helloPacket } from './audit.js';
import {
  dataPacket,
  frame,
  hostileValue,
  mutate,
  nearlyValid,
  oddNumber,
  varint,
  warmHostileCache,
} from './hostile.js';
import { type HostileProtocol, hostileProtocol } from './protocol.js';
import { Rand } from './rand.js';

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** Hostile packets to send in total (host and client targets together). */
  packets: number;
  /** Seed of everything random. */
  seed: number;
  /**
   * `true` (default): no rate limits and a violation policy that never kicks, so every packet is
   * processed as deep as it goes. `false`: the defaults, so attackers are kicked and come back.
   */
  lenient?: boolean;
  /** Hostile packets per 16 ms tick (default 64). */
  perTick?: number;
  /** Called every ~5 % with the packets sent so far. */
  progress?: (sent: number) => void;
}

/** What a fuzz run observed. */
export interface FuzzReport {
  packets: number;
  /** Exceptions out of `update()`/public calls, uncaught exceptions and unhandled rejections. */
  escapedExceptions: number;
  /** `error` events (handlers never throw here, so each one is an internal failure). */
  internalErrors: number;
  /** Payloads a handler saw that its independent predicate refused. */
  invalidDelivered: number;
  /** Payloads a handler saw that were valid (the fuzzer got through to handlers this often). */
  validDelivered: number;
  /** Rejections on host and client, by reason. */
  rejected: Partial<Record<RejectReason, number>>;
  /** Times an attacker was removed (kicked, refused, left) and had to say hello again. */
  attackerResets: number;
  /** Honest reliable messages (both ways) that did not arrive exactly once and in order. */
  honestLost: number;
  /** Honest calls that did not resolve. */
  honestCallsFailed: number;
  /** Heap after warm-up and at the end (after a GC when `--expose-gc` is available). */
  heapStartBytes: number;
  heapEndBytes: number;
  /** The host's bookkeeping at the end. */
  hostState: EndpointDebugState;
  /** `Object.prototype` and friends unchanged. */
  prototypesIntact: boolean;
  /** The first failures, if any. */
  samples: string[];
}

const TICK = 16;
const DATA_CHANNELS = [0, 1, 2, 3, 4];

type Corpus = { data: Uint8Array; channel: number; sendType: P2PSend }[];

/** Wraps `peer.sendP2PPacket` to keep a copy of everything it sends (up to `max` packets). */
function capture(peer: FakePeer, corpus: Corpus, max: number): () => void {
  const original = peer.sendP2PPacket;
  peer.sendP2PPacket = (remote, data, sendType, channel = 0) => {
    // Fragments of the big message keep only their head: mutating megabytes would be slow.
    if (corpus.length < max) corpus.push({ data: data.slice(0, 4096), channel, sendType });
    return original.call(peer, remote, data, sendType, channel);
  };
  return () => {
    peer.sendP2PPacket = original;
  };
}

/** Valid payload templates per entry, for structured frames. */
const TEMPLATES: Record<string, Record<string, unknown>> = {
  input: { seq: 1, dx: 0.5, dy: -1 },
  aim: { seq: 1, angle: 3.1 },
  chat: { seq: 1, text: 'hello' },
  bulk: { seq: 1, data: new Uint8Array(8), tags: ['a', 'b'] },
  snapshot: { tick: 5, players: [{ x: 1, y: 2 }] },
  event: { seq: 1, kind: 'spawn' },
  echo: { seq: 1, text: 'echo' },
  note: { anything: [1, 'two'] },
  buy: { item: 'sword', qty: 2 },
  ask: { q: 'why' },
};

/** Runs one fuzz campaign and reports what it saw. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  warmHostileCache();
  const r = new Rand(options.seed);
  const lenient = options.lenient ?? true;
  const perTick = options.perTick ?? 64;
  const audit = new Audit();
  const onUncaught = (e: unknown) =>
    audit.guard('event loop', () => {
      throw e;
    });
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  const net = new FakeSteamNetwork({ seed: options.seed, conditions: { latencyMs: 2 } });
  const policy = lenient ? { violationPolicy: () => false, rateLimits: false as const } : {};
  const hostPeer = net.createPeer();
  const host: Host<HostileProtocol> = createHost({
    network: hostPeer,
    protocol: hostileProtocol,
    clock: net.clock,
    ...policy,
  });
  auditHost(host, audit);
  const rejected: Partial<Record<RejectReason, number>> = {};
  const countReject = (_p: SteamId, reason: RejectReason) => {
    rejected[reason] = (rejected[reason] ?? 0) + 1;
  };
  host.events.on('rejected', countReject);

  // ── the honest client, whose traffic becomes the corpus ──
  const toHost: Corpus = [];
  const toClient: Corpus = [];
  const honestPeer = net.createPeer();
  const stopA = capture(honestPeer, toHost, 400);
  const stopB = capture(hostPeer, toClient, 400);
  const honestP = connectToHost({
    network: honestPeer,
    protocol: hostileProtocol,
    host: hostPeer.localSteamId,
    clock: net.clock,
  });
  let honest: Client<HostileProtocol> | undefined;
  void honestP.then((c) => {
    honest = c;
  });
  const update = () => {
    audit.guard('host.update', () => host.update());
    if (honest !== undefined) audit.guard('client.update', () => honest!.update());
    for (const v of victims) audit.guard('victim.update', () => v.update());
  };
  const victims: Client<HostileProtocol>[] = [];
  let finished = false;
  for (let i = 0; i < 300 && honest === undefined; i++) {
    await net.advance(TICK);
    update();
  }
  if (honest === undefined) throw new Error('the honest client did not connect');
  const a = honest!;
  auditClient(a, audit);
  a.events.on('rejected', countReject);
  host.events.on('peerLeft', (peer, reason, detail) => {
    if (peer === a.network.localSteamId && !finished)
      audit.error(
        new Error(`the host dropped the honest client at ${net.clock.now()}: ${reason} ${detail}`),
        'honest',
      );
  });
  a.events.on('disconnected', (reason, detail) =>
    finished
      ? undefined
      : audit.error(
          new Error(`the honest client was disconnected at ${net.clock.now()}: ${reason} ${detail}`),
          'honest',
        ),
  );

  // Honest reliable conversation, checked at the end.
  let chatSent = 0;
  const chatsAtHost: number[] = [];
  host.on('chat', (m, peer) => {
    if (peer === honestPeer.localSteamId) chatsAtHost.push(m.seq);
  });
  let eventsSent = 0;
  const eventsAtA: number[] = [];
  a.on('event', (m) => eventsAtA.push(m.seq));
  let callsMade = 0;
  let callsOk = 0;

  const honestTraffic = (frameNo: number) => {
    audit.guard('honest send', () => {
      a.send('input', { seq: frameNo, dx: 1, dy: -1 });
      a.send('aim', { seq: frameNo, angle: frameNo / 10 });
      if (frameNo % 2 === 0) a.send('chat', { seq: chatSent++, text: `chat ${frameNo}` });
      if (frameNo % 5 === 0) a.send('echo', { seq: frameNo, text: 'e' });
      if (frameNo % 7 === 0) a.send('note', { frameNo, list: [1, 2, 3] });
      host.broadcast('snapshot', { tick: frameNo, players: [{ x: frameNo, y: 1 }] });
      if (frameNo % 3 === 0)
        host.sendTo(a.network.localSteamId, 'event', { seq: eventsSent++, kind: 'score' });
      if (frameNo % 11 === 0) host.broadcast('echo', { seq: frameNo, text: 'h' });
    });
    if (frameNo % 10 === 0) {
      callsMade++;
      a.call('buy', { item: 'sword', qty: 1 + (frameNo % 99) }).then(
        (res) => {
          audit.check('buy:response', res);
          callsOk++;
        },
        () => undefined,
      );
      host.call(a.network.localSteamId, 'ask', { q: 'hi' }).then(
        (res) => audit.check('ask:response', res),
        () => undefined,
      );
    }
  };

  // Capture a corpus: every entry, a fragmented bulk, calls both ways.
  for (let i = 0; i < 40; i++) {
    honestTraffic(i);
    if (i === 5)
      a.send('bulk', { seq: 0, data: new Uint8Array(3 * 1024 * 1024 + 17).fill(7), tags: ['big'] });
    if (i === 6) a.send('bulk', { seq: 1, data: new Uint8Array(3), tags: [] });
    await net.advance(TICK);
    update();
  }
  stopA();
  stopB();

  // ── the attackers ──
  // Against the host: a raw peer that says hello by hand, then sends anything.
  const attacker = net.createPeer();
  const hello = helloPacket(hostileProtocol.fingerprint);
  let attackerResets = 0;
  const ensureAttacker = () => {
    if (!host.isConnected(attacker.localSteamId)) {
      attacker.sendP2PPacket(hostPeer.localSteamId, hello, P2PSend.Reliable, CONTROL);
      attackerResets++;
    }
  };
  ensureAttacker();
  // Data before any handshake: a stranger that never says hello.
  const stranger = net.createPeer();
  // Against a client: a raw "host" that welcomes whoever says hello, then sends anything.
  const rawHost = net.createPeer();
  rawHost.on('sessionRequest', (id) => rawHost.acceptP2PSessionWithUser(id));
  const welcomed = new Set<SteamId>();
  const connecting: Promise<void>[] = [];
  let victimFailed = false;
  const newVictim = () => {
    const peer = net.createPeer();
    const p = connectToHost({
      network: peer,
      protocol: hostileProtocol,
      host: rawHost.localSteamId,
      clock: net.clock,
      ...policy,
    }).then(
      (c) => {
        auditClient(c, audit);
        c.events.on('rejected', countReject);
        victims.push(c);
      },
      () => {
        // Refused or timed out while connecting (the raw host sent a refusal, a goodbye…).
        victimFailed = true;
      },
    );
    connecting.push(p);
    if (connecting.length > 64) connecting.splice(0, 32);
    return peer.localSteamId;
  };
  let victimId = newVictim();
  const pendingWelcome: SteamId[] = [];
  const serveRawHost = () =>
    drainRaw(rawHost, (from, channel, data) => {
      if (channel !== CONTROL) return;
      if (data[0] === 0x10 && !welcomed.has(from)) pendingWelcome.push(from);
      if (data[0] === 0x13 && data.length === 9) {
        const pong = data.slice();
        pong[0] = 0x14;
        rawHost.sendP2PPacket(from, pong, P2PSend.Unreliable, CONTROL);
      }
    });

  const entries = hostileProtocol.entries;
  let seq = 0;
  const structured = (): { data: Uint8Array; channel: number; sendType: P2PSend } => {
    const frames: number[][] = [];
    const n = r.chance(0.7) ? 1 : 2 + r.int(3);
    const entry = r.pick(entries);
    for (let i = 0; i < n; i++) {
      const e = r.chance(0.8) ? entry : r.pick(entries);
      const id = r.chance(0.03) ? r.pick([0, 1, 40, 1000, 0x7ffffff]) : e.id;
      const template = TEMPLATES[e.name]!;
      let body = r.chance(0.6)
        ? nearlyValid(template, r)
        : r.chance(0.3)
          ? Array.from(pack(template))
          : hostileValue(r);
      if (e.kind === 'request') body = [...varint(r.chance(0.9) ? r.int(1000) : 0x0fffffff), ...body];
      frames.push(frame(id, body, i === n - 1 && r.chance(0.5)));
    }
    const reliable = r.chance(0.85) ? entry.reliable : !entry.reliable;
    const channel = r.chance(0.85) ? entry.channel : r.pick([...DATA_CHANNELS, 7, CONTROL]);
    const sendType = reliable
      ? r.chance(0.5)
        ? P2PSend.Reliable
        : P2PSend.ReliableWithBuffering
      : r.chance(0.5)
        ? P2PSend.Unreliable
        : P2PSend.UnreliableNoDelay;
    return { data: dataPacket(reliable, seq++ & 0x7fff, frames), channel, sendType };
  };
  const response = (): Uint8Array => {
    const ok = r.chance(0.6);
    const callId = r.chance(0.8) ? r.int(64) : r.int(0x0fffffff);
    const body = ok
      ? r.chance(0.4)
        ? Array.from(pack(r.pick([{ a: 'fine' }, { ok: true, gold: 3 }])))
        : r.chance(0.5)
          ? nearlyValid({ a: 'x', ok: true, gold: 1 }, r)
          : hostileValue(r)
      : r.chance(0.5)
        ? Array.from(pack(['CODE', 'message']))
        : r.chance(0.5)
          ? Array.from(pack(['C'.repeat(100), 'm'.repeat(5000)]))
          : hostileValue(r);
    return dataPacket(true, 0, [frame(ok ? 0 : 1, [...varint(callId), ...body], r.chance(0.5))]);
  };
  const fragments = (): { data: Uint8Array; channel: number }[] => {
    const channel = r.pick(DATA_CHANNELS);
    switch (r.int(4)) {
      case 0: // a declared total that lies (0, huge, just above the maximum)
        return [
          {
            data: Uint8Array.from([
              0x02,
              ...varint(r.pick([0, 1, 4 * 1024 * 1024 + 1, 0x0fffffff, 1 << 20])),
              ...r.bytes(r.int(32)),
            ]),
            channel,
          },
        ];
      case 1: // a stray continuation
        return [{ data: Uint8Array.from([0x03, ...r.bytes(r.int(64))]), channel }];
      case 2: {
        // a complete, honest fragmentation of a hostile frame
        const e = r.pick(entries);
        const f = frame(
          e.id,
          e.kind === 'request'
            ? [...varint(r.int(100)), ...nearlyValid(TEMPLATES[e.name]!, r)]
            : nearlyValid(TEMPLATES[e.name]!, r),
          true,
        );
        const parts = 1 + r.int(4);
        const size = Math.ceil(f.length / parts);
        const out = [];
        for (let i = 0; i < parts; i++) {
          const chunk = f.slice(i * size, (i + 1) * size);
          out.push({
            data: Uint8Array.from(i === 0 ? [0x02, ...varint(f.length), ...chunk] : [0x03, ...chunk]),
            channel: e.channel,
          });
        }
        return out;
      }
      default: // a first fragment, then one that overflows it
        return [
          { data: Uint8Array.from([0x02, ...varint(16), ...r.bytes(8)]), channel },
          { data: Uint8Array.from([0x03, ...r.bytes(9 + r.int(16))]), channel },
        ];
    }
  };
  const control = (): Uint8Array => {
    const t = new Uint8Array(9);
    const view = new DataView(t.buffer);
    switch (r.int(6)) {
      case 0:
        t[0] = 0x13;
        view.setFloat64(1, r.pick([Number.NaN, Number.POSITIVE_INFINITY, -1e300, net.clock.now() + 5, 0]));
        return t;
      case 1:
        t[0] = 0x14;
        view.setFloat64(
          1,
          r.pick([Number.NaN, Number.NEGATIVE_INFINITY, net.clock.now() - 30, net.clock.now() + 1000, -0]),
        );
        return t;
      case 2:
        return Uint8Array.from([r.pick([0x11, 0x12, 0x13, 0x14, 0x16, 0x00, 0xff]), ...r.bytes(r.int(20))]);
      case 3:
        return Uint8Array.from([
          0x10,
          r.int(3),
          ...varint(r.pick([0, 64, 300, 0x0fffffff])),
          ...r.bytes(r.int(40)),
        ]);
      case 4: // a hello with our fingerprint and a hostile auth payload
        return Uint8Array.from([...hello, ...hostileValue(r)]);
      default:
        return Uint8Array.from([0x15, ...varint(r.int(300)), ...r.bytes(r.int(30))]);
    }
  };

  /** One hostile packet: to the host (from the attacker or the stranger) or to the victim client. */
  const sendOne = () => {
    const toVictim = r.chance(0.35);
    const corpus = toVictim ? toClient : toHost;
    const from = toVictim ? rawHost : r.chance(0.05) ? stranger : attacker;
    const to = toVictim ? victimId : hostPeer.localSteamId;
    const send = (data: Uint8Array, channel: number, sendType: P2PSend) =>
      audit.guard('sendP2PPacket', () => {
        from.sendP2PPacket(to, data, sendType, channel);
      });
    const k = r.int(100);
    if (k < 38) {
      const base = r.pick(corpus);
      const data = mutate(base.data, r, r.pick(corpus).data);
      send(
        data,
        r.chance(0.9) ? base.channel : r.pick([...DATA_CHANNELS, CONTROL]),
        r.chance(0.9) ? base.sendType : (r.pick([0, 1, 2, 3]) as P2PSend),
      );
    } else if (k < 43) {
      const base = r.pick(corpus);
      send(base.data, r.chance(0.5) ? base.channel : r.pick(DATA_CHANNELS), base.sendType); // replay, or the wrong channel
    } else if (k < 70) {
      const p = structured();
      send(p.data, p.channel, p.sendType);
    } else if (k < 78) {
      send(response(), r.pick([0, 0, 3, 4]), P2PSend.Reliable);
    } else if (k < 86) {
      for (const f of fragments()) send(f.data, f.channel, P2PSend.Reliable);
    } else if (k < 95) {
      // Control-channel junk; hello/bye only rarely, so the sessions mostly survive.
      const data = control();
      if ((data[0] === 0x10 || data[0] === 0x15) && r.chance(0.8)) return;
      send(data, CONTROL, r.chance(0.5) ? P2PSend.Reliable : P2PSend.Unreliable);
    } else if (k < 98) {
      send(
        Uint8Array.from(r.bytes(r.int(64))),
        r.pick([...DATA_CHANNELS, CONTROL, 12345]),
        r.pick([0, 1, 2, 3]) as P2PSend,
      );
    } else {
      send(Uint8Array.from([0x00, ...frame(entries[0]!.id, oddNumber(r))]), 1, P2PSend.Reliable);
    }
  };

  // ── the campaign ──
  let sent = 0;
  let frameNo = 40;
  const step = Math.max(1, Math.floor(options.packets / 20));
  let nextProgress = step;
  let heapStartBytes = 0;
  const hostCalls: Promise<unknown>[] = [];
  while (sent < options.packets) {
    for (let i = 0; i < perTick && sent < options.packets; i++, sent++) sendOne();
    honestTraffic(frameNo++);
    // The host keeps calls open on the attacker, so forged responses have something to hit.
    if (frameNo % 4 === 0 && host.isConnected(attacker.localSteamId)) {
      hostCalls.push(
        host.call(attacker.localSteamId, 'ask', { q: 'answer me' }, { timeoutMs: 500 }).then(
          (res) => audit.check('ask:response', res),
          () => undefined,
        ),
      );
      if (hostCalls.length > 256) hostCalls.splice(0, 128);
    }
    // The victim keeps calls open on the raw host too.
    const victim = victims.at(-1);
    if (frameNo % 4 === 0 && victim?.state === 'connected') {
      victim.call('buy', { item: 'x', qty: 1 }, { timeoutMs: 500 }).then(
        (res) => audit.check('buy:response', res),
        () => undefined,
      );
    }
    await net.advance(TICK);
    serveRawHost();
    for (const id of pendingWelcome.splice(0)) {
      welcomed.add(id);
      rawHost.sendP2PPacket(id, Uint8Array.from([0x11]), P2PSend.Reliable, CONTROL);
    }
    drainRaw(attacker);
    drainRaw(stranger);
    update();
    ensureAttacker();
    if (victimFailed || (victim !== undefined && victim.state === 'disconnected')) {
      victimFailed = false;
      // The victim left (a forged goodbye, a refusal…): it crashes away for good and a new one
      // connects, so the run's own bookkeeping stays bounded.
      if (victim !== undefined && victim.state === 'disconnected') victims.splice(victims.indexOf(victim), 1);
      welcomed.delete(victimId);
      net.removePeer(victimId);
      rawHost.closeP2PSessionWithUser(victimId);
      victimId = newVictim();
    }
    if (frameNo === 240) heapStartBytes = heapUsed();
    if (sent >= nextProgress) {
      options.progress?.(sent);
      nextProgress += step;
    }
  }
  if (heapStartBytes === 0) heapStartBytes = heapUsed();

  // ── settle, then check the honest conversation ──
  for (let i = 0; i < 300; i++) {
    await net.advance(TICK);
    serveRawHost();
    drainRaw(attacker);
    drainRaw(stranger);
    update();
  }
  const expectChats = Array.from({ length: chatSent }, (_, i) => i);
  const expectEvents = Array.from({ length: eventsSent }, (_, i) => i);
  const honestLost = mismatches(chatsAtHost, expectChats) + mismatches(eventsAtA, expectEvents);
  const report: FuzzReport = {
    packets: sent,
    escapedExceptions: audit.escaped,
    internalErrors: audit.internalErrors,
    invalidDelivered: audit.invalid,
    validDelivered: audit.valid,
    rejected,
    attackerResets: attackerResets - 1,
    honestLost,
    honestCallsFailed: callsMade - callsOk,
    heapStartBytes,
    heapEndBytes: heapUsed(),
    hostState: host.debugState(),
    prototypesIntact: audit.prototypesIntact(),
    samples: audit.samples,
  };
  finished = true;
  host.close();
  a.disconnect();
  for (const v of victims) v.disconnect();
  await net.advance(2000);
  net.dispose();
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  return report;
}

/** How many positions of `got` differ from `want` (missing, duplicated, reordered), plus the length gap. */
function mismatches(got: readonly number[], want: readonly number[]): number {
  let bad = Math.abs(got.length - want.length);
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) if (got[i] !== want[i]) bad++;
  return bad;
}
