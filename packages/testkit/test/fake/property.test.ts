// Property: whatever the link conditions and the traffic, reliable packets arrive exactly once and
// in order per (sender, receiver, channel), and no packet arrives corrupted, on the wrong channel,
// at the wrong peer or attributed to the wrong sender.
import { isReliableSend, type P2PSend } from '@steamwire/transport-steam';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { play, world } from './helpers.js';

const HEADER = 8;

function packet(
  from: number,
  to: number,
  channel: number,
  sendType: number,
  seq: number,
  size: number,
): Uint8Array {
  const data = new Uint8Array(HEADER + size);
  const view = new DataView(data.buffer);
  data[0] = from;
  data[1] = to;
  data[2] = channel;
  data[3] = sendType;
  view.setUint32(4, seq);
  for (let i = 0; i < size; i++) data[HEADER + i] = (seq * 7 + i * 13) & 0xff;
  return data;
}

const conditions = fc.record({
  latencyMs: fc.integer({ min: 0, max: 80 }),
  jitterMs: fc.integer({ min: 0, max: 60 }),
  loss: fc.double({ min: 0, max: 0.5, noNaN: true }),
  duplicate: fc.double({ min: 0, max: 0.5, noNaN: true }),
  reorder: fc.double({ min: 0, max: 0.5, noNaN: true }),
  bandwidthBytesPerSec: fc.oneof(
    fc.constant(Number.POSITIVE_INFINITY),
    fc.integer({ min: 20_000, max: 500_000 }),
  ),
});

const send = fc.record({
  from: fc.integer({ min: 0, max: 2 }),
  to: fc.integer({ min: 0, max: 2 }),
  channel: fc.integer({ min: 0, max: 3 }),
  sendType: fc.integer({ min: 0, max: 3 }),
  size: fc.integer({ min: 0, max: 300 }),
  gapMs: fc.integer({ min: 0, max: 20 }),
});

describe('FakeSteamNetwork properties', () => {
  it('reliable is exactly-once in order per (peer, channel); nothing arrives corrupted or misattributed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        conditions,
        fc.array(send, { maxLength: 120 }),
        async (seed, cond, traffic) => {
          const { net, peers } = world(3, { seed, conditions: cond });
          const ids = peers.map((p) => p.localSteamId);
          const sentReliable = new Map<string, number[]>();
          const receivedReliable = new Map<string, number[]>();
          const unreliableSent = new Set<string>();
          const unreliableSeen = new Map<string, number>();
          const problems: string[] = [];

          const drain = () => {
            peers.forEach((peer, me) => {
              for (let channel = 0; channel < 4; channel++) {
                for (
                  let p = peer.readP2PPacket(2000, channel);
                  p !== null;
                  p = peer.readP2PPacket(2000, channel)
                ) {
                  const d = p.data;
                  const view = new DataView(d.buffer, d.byteOffset, d.length);
                  const [from, to, ch, type] = [d[0]!, d[1]!, d[2]!, d[3]!];
                  const seq = view.getUint32(4);
                  if (to !== me) problems.push(`packet for ${to} read by ${me}`);
                  if (ch !== channel) problems.push(`channel ${ch} packet read on ${channel}`);
                  if (p.remoteSteamId !== ids[from])
                    problems.push(`packet from ${from} attributed to ${p.remoteSteamId}`);
                  for (let i = HEADER; i < d.length; i++) {
                    if (d[i] !== ((seq * 7 + (i - HEADER) * 13) & 0xff)) {
                      problems.push(`packet ${seq} corrupted at byte ${i}`);
                      break;
                    }
                  }
                  const key = `${from}>${to}#${ch}`;
                  if (isReliableSend(type as P2PSend)) {
                    const list = receivedReliable.get(key) ?? [];
                    list.push(seq);
                    receivedReliable.set(key, list);
                  } else {
                    const id = `${key}:${seq}`;
                    if (!unreliableSent.has(id)) problems.push(`unreliable ${id} was never sent`);
                    unreliableSeen.set(id, (unreliableSeen.get(id) ?? 0) + 1);
                  }
                }
              }
            });
          };

          for (const [seq, s] of traffic.entries()) {
            const data = packet(s.from, s.to, s.channel, s.sendType, seq, s.size);
            const ok = peers[s.from]!.sendP2PPacket(ids[s.to]!, data, s.sendType as P2PSend, s.channel);
            data.fill(0xee); // the network must have taken its own copy
            if (!ok) problems.push(`send ${seq} refused: ${peers[s.from]!.lastSendFailure?.reason}`);
            const key = `${s.from}>${s.to}#${s.channel}`;
            if (isReliableSend(s.sendType as P2PSend)) {
              const list = sentReliable.get(key) ?? [];
              list.push(seq);
              sentReliable.set(key, list);
            } else {
              unreliableSent.add(`${key}:${seq}`);
            }
            if (s.gapMs > 0) await play(net, s.gapMs, s.gapMs);
            drain();
          }
          await play(net, 3000, 50);
          drain();
          net.dispose();

          expect(problems).toEqual([]);
          expect(Object.fromEntries(receivedReliable)).toEqual(Object.fromEntries(sentReliable));
          for (const [id, count] of unreliableSeen)
            expect(count, `${id} arrived ${count} times`).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);
});
