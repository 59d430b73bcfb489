/**
 * The flood: one client sends at ten times the host's rate limit — valid messages and oversized
 * ones — while honest clients play. The honest clients' heartbeat RTT (virtual clock) is compared
 * with a calm run of the same world, and the flooder must be kicked.
 * @packageDocumentation
 */
import { P2PSend, type SteamId } from '@steamwire/transport-steam';
import { pack } from 'msgpackr';
import { HOST_RATE_LIMITS } from '../../src/index.js';
import { heapUsed } from './audit.js';
import { dataPacket, frame } from './hostile.js';
import { hostileProtocol } from './protocol.js';
import { createWorld, down, up, type World } from './world.js';

/** Options of {@link runFlood}. */
export interface FloodOptions {
  seed: number;
  /** Honest clients (default 8). */
  clients?: number;
  /** Seconds of flood after a calm warm-up (default 20). */
  seconds?: number;
  /** Multiple of the host's rate limits the flooder sends at (default 10). */
  factor?: number;
}

/** One run's figures. */
export interface FloodRun {
  /** Mean of the honest clients' smoothed RTT samples (ms), taken every frame after warm-up. */
  rttMs: number;
  /** The same, seen from the host's side. */
  hostRttMs: number;
  /** Virtual ms from the start of the flood to the flooder's kick (-1 when not kicked). */
  kickedAfterMs: number;
  /** How the flooder left. */
  kickReason: string;
  /** Messages and bytes the flooder pushed. */
  floodMessages: number;
  floodBytes: number;
  /** Honest reliable messages lost, duplicated or reordered (both ways). */
  honestLost: number;
  /** Payloads handlers saw that were invalid, and internal errors. */
  invalidDelivered: number;
  internalErrors: number;
  /** Wall-clock ms the host's `update()` took per frame, mean (not a virtual-time figure). */
  hostUpdateWallMs: number;
  heapBytes: number;
}

/** The flood report: calm and flood runs of the same world. */
export interface FloodReport {
  calm: FloodRun;
  flood: FloodRun;
  /** flood RTT / calm RTT of the honest clients (goal ≤ 1.10). */
  rttRatio: number;
}

const MAX_MESSAGE = 256 * 1024;

async function runOnce(options: Required<FloodOptions>, flooding: boolean): Promise<FloodRun> {
  const world: World = await createWorld({
    seed: options.seed,
    clients: options.clients + 1,
    conditions: { latencyMs: 30, jitterMs: 6 },
    host: { maxMessageBytes: MAX_MESSAGE },
  });
  const { host, clients, net, ledger } = world;
  const flooder = clients[clients.length - 1]!;
  const honest = clients.slice(0, -1);
  const flooderId: SteamId = flooder.network.localSteamId;
  const hostId = world.hostPeer.localSteamId;
  let kickedAt = -1;
  let kickReason = '';
  host.events.on('peerLeft', (peer, reason) => {
    if (peer === flooderId && kickedAt < 0) {
      kickedAt = net.clock.now();
      kickReason = reason;
    }
  });
  host.handle('buy', (req) => ({ ok: true, gold: req.qty }));

  const play = (frameNo: number) => {
    for (const c of honest) {
      if (c.state !== 'connected') continue;
      const id = c.network.localSteamId;
      world.audit.guard('send', () => {
        c.send('input', { seq: frameNo, dx: 1, dy: 0 });
        if (frameNo % 6 === 0) c.send('chat', { seq: ledger.next(up(id)), text: 'gg' });
        if (frameNo % 30 === 0 && host.isConnected(id))
          host.sendTo(id, 'event', { seq: ledger.next(down(id)), kind: 'score' });
      });
    }
    world.audit.guard('broadcast', () =>
      host.broadcast('snapshot', { tick: frameNo, players: [{ x: frameNo, y: 0 }] }),
    );
  };

  // Per frame at 10×: messages and bytes; one valid chat frame per 16 messages in a packet.
  const perSecond = HOST_RATE_LIMITS.messagesPerSecond * options.factor;
  const bytesPerSecond = HOST_RATE_LIMITS.bytesPerSecond * options.factor;
  const chatFrame = frame(
    hostileProtocol.entry('chat')!.id,
    Array.from(pack({ seq: 0, text: 'spam'.repeat(10) })),
  );
  const validPacket = dataPacket(
    true,
    0,
    Array.from({ length: 16 }, () => chatFrame),
  );
  const oversizedPacket = dataPacket(true, 0, [
    frame(
      hostileProtocol.entry('chat')!.id,
      Array.from(pack({ seq: 0, text: 'x'.repeat(MAX_MESSAGE + 1000) })),
      true,
    ),
  ]);
  let floodMessages = 0;
  let floodBytes = 0;
  let msgDebt = 0;
  let byteDebt = 0;
  const flood = () => {
    const raw = flooder.network;
    msgDebt += perSecond * (world.frameMs / 1000);
    byteDebt += bytesPerSecond * (world.frameMs / 1000);
    while (msgDebt >= 16) {
      raw.sendP2PPacket(hostId, validPacket, P2PSend.Reliable, 0);
      msgDebt -= 16;
      floodMessages += 16;
      floodBytes += validPacket.length;
      byteDebt -= validPacket.length;
    }
    while (byteDebt >= oversizedPacket.length) {
      raw.sendP2PPacket(hostId, oversizedPacket, P2PSend.Reliable, 0);
      floodMessages++;
      floodBytes += oversizedPacket.length;
      byteDebt -= oversizedPacket.length;
    }
  };

  const warmFrames = 3 * 60;
  const floodFrames = options.seconds * 60;
  let frameNo = 0;
  for (; frameNo < warmFrames; frameNo++) {
    play(frameNo);
    await world.frame();
  }
  const floodStart = net.clock.now();
  let rttSum = 0;
  let hostRttSum = 0;
  let samples = 0;
  let wall = 0;
  for (let i = 0; i < floodFrames; i++, frameNo++) {
    play(frameNo);
    if (flooding) flood();
    await net.advance(world.frameMs);
    const t = performance.now();
    world.audit.guard('host.update', () => host.update());
    wall += performance.now() - t;
    for (const c of clients)
      if (c.state === 'connected') world.audit.guard('client.update', () => c.update());
    // Count RTT once each honest client has had a few heartbeats in this phase.
    if (i >= 120) {
      for (const c of honest) {
        const rtt = c.stats().rttMs;
        const hostSide = host.stats(c.network.localSteamId)?.rttMs;
        if (rtt !== null && hostSide != null) {
          rttSum += rtt;
          hostRttSum += hostSide;
          samples++;
        }
      }
    }
  }
  // Settle, then count what the honest reliable streams lost.
  for (let i = 0; i < 180; i++) await world.frame();
  const heapBytes = heapUsed();
  const honestKeys = new Set(
    honest.flatMap((c) => [up(c.network.localSteamId), down(c.network.localSteamId)]),
  );
  const run: FloodRun = {
    rttMs: rttSum / samples,
    hostRttMs: hostRttSum / samples,
    kickedAfterMs: kickedAt < 0 ? -1 : kickedAt - floodStart,
    kickReason,
    floodMessages,
    floodBytes,
    honestLost: ledger.missing((k) => honestKeys.has(k)) + ledger.disorder((k) => honestKeys.has(k)),
    invalidDelivered: world.audit.invalid,
    internalErrors: world.audit.internalErrors + world.audit.escaped,
    hostUpdateWallMs: wall / floodFrames,
    heapBytes,
  };
  host.close();
  net.dispose();
  return run;
}

/** Runs the calm and the flooded world with the same seed and compares them. */
export async function runFlood(options: FloodOptions): Promise<FloodReport> {
  const o: Required<FloodOptions> = { clients: 8, seconds: 20, factor: 10, ...options };
  const calm = await runOnce(o, false);
  const flood = await runOnce(o, true);
  return { calm, flood, rttRatio: flood.rttMs / calm.rttMs };
}
