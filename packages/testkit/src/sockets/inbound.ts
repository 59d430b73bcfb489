/**
 * What a fake peer's Sockets endpoint does with a frame from the network (the native fake's
 * `sockets_wire.c` dispatch): a connect request for a listener (or a symmetric pairing, or a retry),
 * an accept, data and acknowledgements, pings, a close with the peer's reason, or a reset from a peer
 * that has no such connection.
 * @internal
 * @packageDocumentation
 */
import { NetConnectionEnd, type NetConnectionState, type SteamId } from '@steamwire/transport-steam';
import type { ConfigValue } from './config.js';
import type { FakeConnection } from './connection.js';
import type { Frame, SocketsTransport, TransportPeer } from './transport.js';

/** A listen socket, as the frame handler needs it. */
interface InboundListener {
  readonly vport: number;
}

/**
 * What the frame handler needs of a peer's endpoint. `SocketsEndpoint` is one; declaring it here keeps
 * the endpoint and its frame handler from importing each other.
 */
export interface InboundEndpoint<L extends InboundListener = InboundListener> extends TransportPeer {
  readonly transport: SocketsTransport;
  readonly conns: ReadonlyMap<number, FakeConnection>;
  readonly listeners: ReadonlyMap<number, L>;
  readonly now: number;
  send(c: FakeConnection, frame: Frame): void;
  setState(c: FakeConnection, state: NetConnectionState, reason?: number, debug?: string): void;
  startConnecting(c: FakeConnection): void;
  connected(c: FakeConnection): void;
  finishLinger(c: FakeConnection): void;
  newConnection(
    remote: SteamId,
    outbound: boolean,
    options: readonly [never, ConfigValue][],
    listener: L | null,
    localVport: number,
    remoteVport: number,
  ): FakeConnection | null;
}

/** Incoming connections nobody accepted yet, at most: a peer cannot pile them up (the native fake's bound). */
const MAX_PENDING_INBOUND = 256;

/** Handles `frame`, arrived at `ep` from `from`. */
export function receiveFrame(ep: InboundEndpoint, frame: Frame, from: SteamId): void {
  if (frame.kind === 'connect') {
    onConnect(ep, frame, from);
    return;
  }
  const c = target(ep, frame, from);
  if (c === undefined) {
    if (frame.kind === 'data' || frame.kind === 'ping' || frame.kind === 'accept')
      ep.transport.send(ep, from, { kind: 'reset', src: 0, dst: frame.src }, null);
    return;
  }
  ep.transport.heard(c, frame.kind === 'data' ? frame.messages.reduce((n, m) => n + m.data.length, 0) : 0);
  switch (frame.kind) {
    case 'accept':
      if (c.outbound && c.state === 'connecting') {
        c.remoteHandle = frame.src;
        ep.connected(c);
      }
      return;
    case 'data':
      if (c.outbound && c.state === 'connecting') {
        // Data from the acceptor: the connection is up even though its accept was lost.
        c.remoteHandle = frame.src;
        ep.connected(c);
      }
      if (c.state === 'connected') ep.transport.data(ep, c, frame.messages);
      return;
    case 'ack':
      ep.transport.acked(c, frame.value);
      if (c.lingering && c.unacked.size === 0 && c.pending.length === 0) ep.finishLinger(c);
      return;
    case 'ping':
      ep.send(c, { kind: 'pong', src: c.handle, dst: c.remoteHandle, value: frame.value });
      return;
    case 'pong': {
      const sample = ep.now - frame.value;
      c.rtt = c.rtt < 0 ? sample : (c.rtt + 3 * sample) / 4;
      return;
    }
    case 'close':
      if (c.alive) ep.setState(c, 'closedByPeer', frame.reason, frame.debug);
      return;
    case 'reset':
      if (c.alive)
        ep.setState(
          c,
          'problemDetectedLocally',
          NetConnectionEnd.Misc_PeerSentNoConnection,
          'Peer has no record of this connection',
        );
      return;
  }
}

/** The connection a frame is for: its handle, from the paired remote handle. */
function target(
  ep: InboundEndpoint,
  frame: Exclude<Frame, { kind: 'connect' }>,
  from: SteamId,
): FakeConnection | undefined {
  if (frame.dst === 0) {
    // A connect attempt given up before it was answered: its close names only the sender's handle.
    for (const c of ep.conns.values())
      if (!c.outbound && c.remote === from && c.remoteHandle === frame.src) return c;
    return undefined;
  }
  const c = ep.conns.get(frame.dst);
  if (c === undefined || c.remote !== from) return undefined;
  if (c.remoteHandle !== 0 && frame.src !== 0 && c.remoteHandle !== frame.src) return undefined;
  return c;
}

function onConnect(ep: InboundEndpoint, frame: Extract<Frame, { kind: 'connect' }>, from: SteamId): void {
  for (const c of ep.conns.values()) {
    if (c.remote !== from || c.remoteHandle !== frame.src) continue;
    // A retry: answer again if we accepted already; otherwise the app has not decided yet.
    if (c.accepted && c.state === 'connected')
      ep.send(c, { kind: 'accept', src: c.handle, dst: c.remoteHandle, value: 0 });
    return;
  }
  if (frame.symmetric) {
    for (const c of ep.conns.values()) {
      if (!c.symmetric || c.lingering || c.pipe || c.remote !== from || c.localVport !== frame.vport)
        continue;
      if (c.outbound && c.state === 'connecting' && c.remoteHandle === 0) {
        // Both sides connected at once: the two outgoing connections pair up; both see theirs accepted.
        c.remoteHandle = frame.src;
        c.accepted = true;
        ep.connected(c);
        ep.send(c, { kind: 'accept', src: c.handle, dst: c.remoteHandle, value: 0 });
      }
      return; // otherwise a duplicate request from a peer we already have
    }
  }
  const listener = [...ep.listeners.values()].find((l) => l.vport === frame.vport);
  if (listener === undefined) return; // nobody listens on that port: silently ignored (p2p.cpp:3121-3135)
  let pending = 0;
  for (const o of ep.conns.values()) if (!o.outbound && !o.accepted && o.state === 'connecting') pending++;
  if (pending >= MAX_PENDING_INBOUND) return;
  const c = ep.newConnection(from, false, [], listener, listener.vport, frame.srcVport)!;
  c.remoteHandle = frame.src;
  ep.startConnecting(c);
}
