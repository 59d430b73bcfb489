// Small helpers shared by the fake network's own tests.
import { P2PSend, type SteamId } from '@steamwire/transport-steam';
import { type FakePeer, FakeSteamNetwork, type FakeSteamNetworkOptions } from '../../src/index.js';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A network with `n` peers that accept every session request as soon as callbacks run. */
export function world(
  n: number,
  options: FakeSteamNetworkOptions = {},
): { net: FakeSteamNetwork; peers: FakePeer[] } {
  const net = new FakeSteamNetwork(options);
  const peers = Array.from({ length: n }, () => net.createPeer());
  for (const peer of peers) peer.on('sessionRequest', (id) => peer.acceptP2PSessionWithUser(id));
  return { net, peers };
}

/** Lets `ms` pass in `step`s, running every peer's callbacks after each, as a game loop would. */
export async function play(net: FakeSteamNetwork, ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await net.advance(Math.min(step, ms - t));
    for (const peer of net.peers) peer.runCallbacks();
  }
}

/** Every packet waiting for `peer` on `channel`, as text. */
export function readAll(peer: FakePeer, channel = 0): { from: SteamId; text: string }[] {
  const out: { from: SteamId; text: string }[] = [];
  for (let p = peer.readP2PPacket(1 << 20, channel); p !== null; p = peer.readP2PPacket(1 << 20, channel)) {
    out.push({ from: p.remoteSteamId, text: dec(p.data) });
  }
  return out;
}

/** Opens an accepted, connected session from `a` to `b` (both sides active). */
export async function connect(net: FakeSteamNetwork, a: FakePeer, b: FakePeer, channel = 0): Promise<void> {
  a.sendP2PPacket(b.localSteamId, enc('hello'), P2PSend.Reliable, channel);
  await net.runUntil(
    () => {
      for (const peer of net.peers) peer.runCallbacks();
      return a.getP2PSessionState(b.localSteamId)?.connectionActive === true;
    },
    { timeoutMs: 5000 },
  );
  readAll(b, channel);
}
