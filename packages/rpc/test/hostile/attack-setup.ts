// Shared by the attack tests: a host on a fake network (virtual clock, ticking by itself), what it
// says in its events, and a raw attacker that completed the handshake by hand.
import { FakeSteamNetwork } from '@steamwire/testkit';
import type { SteamId } from '@steamwire/transport-steam';
import { createHost, type HostOptions, type RejectReason } from '../../src/index.js';
import { RawPeer } from '../../stress/lib/attacker.js';
import { protocol, type TestProtocol } from '../helpers.js';

export interface AttackSetup {
  net: FakeSteamNetwork;
  host: ReturnType<typeof createHost<TestProtocol>>;
  hostId: SteamId;
  raw: RawPeer;
  joined: SteamId[];
  left: [SteamId, string, string][];
  refused: [SteamId, string][];
  rejected: [SteamId, RejectReason, string | undefined][];
  /** Rejections of `reason` so far. */
  count(reason: RejectReason): number;
  /** Lets `ms` of virtual time pass; the attacker reads what it was sent meanwhile. */
  step(ms?: number): Promise<void>;
}

/** A host (`tickMs: 10`) and a raw peer; `connect` completes the raw peer's handshake first. */
export async function attackSetup(
  options: Partial<HostOptions<TestProtocol>> = {},
  { connect = true, seed = 11 } = {},
): Promise<AttackSetup> {
  const net = new FakeSteamNetwork({ seed });
  const hostPeer = net.createPeer();
  const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10, ...options });
  const raw = new RawPeer(net, hostPeer.localSteamId);
  const joined: SteamId[] = [];
  const left: [SteamId, string, string][] = [];
  const refused: [SteamId, string][] = [];
  const rejected: [SteamId, RejectReason, string | undefined][] = [];
  host.events.on('peerJoined', (p) => joined.push(p));
  host.events.on('peerLeft', (p, r, d) => left.push([p, r, d]));
  host.events.on('peerRefused', (p, r) => refused.push([p, r]));
  host.events.on('rejected', (p, r, n) => rejected.push([p, r, n]));
  const step = async (ms = 20) => {
    await net.advance(ms);
    raw.drain();
  };
  if (connect) {
    raw.hello(protocol.fingerprint);
    await net.runUntil(() => host.isConnected(raw.id));
    raw.drain();
  }
  return {
    net,
    host,
    hostId: hostPeer.localSteamId,
    raw,
    joined,
    left,
    refused,
    rejected,
    count: (reason) => rejected.filter(([, r]) => r === reason).length,
    step,
  };
}
