// A P2PNetworking for the host side of a benchmark that keeps the fake network's own work out of the
// host's measured time.
//
// It wraps a FakePeer. Outside the measured section the bench calls `pull()`, which reads every packet
// waiting for the host out of the fake (so the fake's delivery work is done), and `push()`, which hands
// the packets the host sent over to the fake. Inside the measured section the host only sees:
//   - readP2PPacket / getAvailableP2PPacketSize: pops from a pre-filled array (the packet objects are
//     built in `pull()`), about what Steam's own read costs minus the FFI call;
//   - sendP2PPacket: one copy of the packet into a pooled buffer (Steam copies the packet too).
// Neither allocates per packet once the pools are warm, so allocation measured around `host.update()`
// is the rpc layer's own. Everything else (sessions, callbacks, limits) goes straight to the FakePeer.

/** Growable pool of send slots, reused every tick. */
class SendSlot {
  constructor() {
    this.buf = new Uint8Array(1536);
    this.len = 0;
    this.remote = 0n;
    this.sendType = 0;
    this.channel = 0;
  }
}

/** One staged inbound packet, in the exact shape `readP2PPacket` returns. */
function packetObject(data, remoteSteamId) {
  return { data, remoteSteamId };
}

export class StagedNetwork {
  /**
   * @param {import('@steamwire/testkit').FakePeer} peer the fake peer underneath.
   * @param {readonly number[]} channels the channels `pull()` drains (the protocol's plus control).
   */
  constructor(peer, channels) {
    this.peer = peer;
    this.localSteamId = peer.localSteamId;
    this.limits = peer.limits;
    this.channels = channels;
    /** Inbound packets per channel, and the read position in each. */
    this.inbound = new Map(channels.map((c) => [c, { items: [], pos: 0 }]));
    this.sends = [];
    this.sendCount = 0;
    /** When false, sends go straight to the fake peer (set up, handshake). */
    this.staging = false;
    this.sendFailures = 0;
  }

  get lastSendFailure() {
    return this.staging ? null : this.peer.lastSendFailure;
  }

  on(event, fn) {
    this.peer.on(event, fn);
    return this;
  }
  off(event, fn) {
    this.peer.off(event, fn);
    return this;
  }
  once(event, fn) {
    this.peer.once(event, fn);
    return this;
  }
  emit(event, ...args) {
    return this.peer.emit(event, ...args);
  }
  acceptP2PSessionWithUser(remote) {
    return this.peer.acceptP2PSessionWithUser(remote);
  }
  allowP2PPacketRelay(allow) {
    return this.peer.allowP2PPacketRelay(allow);
  }
  closeP2PChannelWithUser(remote, channel) {
    return this.peer.closeP2PChannelWithUser(remote, channel);
  }
  closeP2PSessionWithUser(remote) {
    return this.peer.closeP2PSessionWithUser(remote);
  }
  getP2PSessionState(remote) {
    return this.peer.getP2PSessionState(remote);
  }
  runCallbacks() {
    this.peer.runCallbacks();
  }

  getAvailableP2PPacketSize(channel = 0) {
    if (!this.staging) return this.peer.getAvailableP2PPacketSize(channel);
    const q = this.inbound.get(channel);
    if (q === undefined || q.pos >= q.items.length) return null;
    return q.items[q.pos].data.length;
  }

  readP2PPacket(size, channel = 0) {
    if (!this.staging) return this.peer.readP2PPacket(size, channel);
    const q = this.inbound.get(channel);
    if (q === undefined || q.pos >= q.items.length) return null;
    return q.items[q.pos++];
  }

  sendP2PPacket(remote, data, sendType, channel = 0) {
    if (!this.staging) return this.peer.sendP2PPacket(remote, data, sendType, channel);
    let slot = this.sends[this.sendCount];
    if (slot === undefined) {
      slot = new SendSlot();
      this.sends.push(slot);
    }
    if (slot.buf.length < data.length) slot.buf = new Uint8Array(Math.max(data.length, slot.buf.length * 2));
    slot.buf.set(data);
    slot.len = data.length;
    slot.remote = remote;
    slot.sendType = sendType;
    slot.channel = channel;
    this.sendCount++;
    return true;
  }

  /** Outside the measured section: reads everything waiting in the fake into the staged queues. */
  pull() {
    for (const channel of this.channels) {
      const q = this.inbound.get(channel);
      q.items.length = 0;
      q.pos = 0;
      for (;;) {
        const p = this.peer.readP2PPacket(1024 * 1024, channel);
        if (p === null) break;
        q.items.push(packetObject(p.data, p.remoteSteamId));
      }
    }
    this.staging = true;
  }

  /** Outside the measured section: hands what the host sent to the fake. */
  push() {
    this.staging = false;
    for (let i = 0; i < this.sendCount; i++) {
      const s = this.sends[i];
      if (!this.peer.sendP2PPacket(s.remote, s.buf.subarray(0, s.len), s.sendType, s.channel))
        this.sendFailures++;
    }
    this.sendCount = 0;
  }

  /** Packets staged for the host and not read yet (0 after an update that drained everything). */
  unread() {
    let n = 0;
    for (const q of this.inbound.values()) n += q.items.length - q.pos;
    return n;
  }
}
