/**
 * What a fake connection's status calls answer: the real-time status with its lanes' shares
 * (`getRealTimeStatus`), and Steam's human-readable dump (`getDetailedConnectionStatus`), in the
 * native fake's words.
 * @internal
 * @packageDocumentation
 */
import type { LaneStatus, RealTimeStatus } from '@steamwire/transport-steam';
import type { FakeConnection } from './connection.js';

/** The real-time status of `c` and the shares of its first `n` lanes, at `now` (ms). */
export function realTimeStatus(
  c: FakeConnection,
  n: number,
  now: number,
): { status: RealTimeStatus; lanes: LaneStatus[] } {
  const measured = c.state === 'connected' && c.rtt >= 0;
  const rate = c.num('SendRateMax');
  const queueTime = (bytes: number) => BigInt(Math.floor((bytes * 1_000_000) / rate));
  const secs = Math.max(1, now - c.counts.since) / 1000;
  const status: RealTimeStatus = {
    state: c.state,
    ping: measured ? Math.round(c.rtt) : -1,
    qualityLocal: measured ? 1 : -1,
    qualityRemote: measured ? 1 : -1,
    outPacketsPerSec: Math.fround(c.counts.outPackets / secs),
    outBytesPerSec: Math.fround(c.counts.outBytes / secs),
    inPacketsPerSec: Math.fround(c.counts.inPackets / secs),
    inBytesPerSec: Math.fround(c.counts.inBytes / secs),
    sendRateBytesPerSecond: rate,
    pendingUnreliable: c.pendingUnreliableBytes,
    pendingReliable: c.pendingReliableBytes,
    sentUnackedReliable: c.unackedBytes,
    queueTimeUs: queueTime(c.pendingReliableBytes + c.pendingUnreliableBytes),
  };
  const laneStatus = Array.from({ length: n }, (_, lane): LaneStatus => {
    let unreliable = 0;
    let reliable = 0;
    let unacked = 0;
    for (const m of c.pending) {
      if (m.lane !== lane) continue;
      if (m.reliable) reliable += m.data.length;
      else unreliable += m.data.length;
    }
    for (const m of c.unacked.values()) if (m.lane === lane) unacked += m.data.length;
    return {
      pendingUnreliable: unreliable,
      pendingReliable: reliable,
      sentUnackedReliable: unacked,
      queueTimeUs: queueTime(unreliable + reliable),
    };
  });
  return { status, lanes: laneStatus };
}

/** Steam's dump of `c`, for logs. */
export function detailedStatus(c: FakeConnection): string {
  return (
    `Connection #${c.handle} to steamid:${c.remote} (fake Steam)\n` +
    `State: ${c.state}  End reason: ${c.endReason} ${c.endDebug}\n` +
    `Ping: ${c.rtt < 0 ? -1 : Math.floor(c.rtt)} ms  Lanes: ${c.lanes.length}  Pending: ${c.pendingUnreliableBytes} unreliable, ${c.pendingReliableBytes} reliable, ${c.unackedBytes} unacked\n` +
    `Received, not yet read: ${c.queueCount} messages, ${c.queueBytes} bytes\n`
  );
}
