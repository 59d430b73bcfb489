/**
 * A FIFO of received packets (array + head index: O(1) shift without copying), one per channel in
 * the Messages and Sockets backends.
 * @packageDocumentation
 */
import type { P2PPacket } from './p2p.js';
import type { SteamId } from './steam-id.js';

/** A FIFO of packets. */
export class PacketQueue {
  private items: P2PPacket[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(packet: P2PPacket): void {
    this.items.push(packet);
  }
  peek(): P2PPacket | undefined {
    return this.items[this.head];
  }
  shift(): P2PPacket | undefined {
    const packet = this.items[this.head];
    if (packet === undefined) return undefined;
    this.items[this.head++] = undefined as unknown as P2PPacket;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return packet;
  }
  /** Drops every packet from `remote`; returns their bytes. */
  dropFrom(remote: SteamId): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    const kept: P2PPacket[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const p = this.items[i]!;
      if (p.remoteSteamId === remote) {
        count++;
        bytes += p.data.byteLength;
      } else kept.push(p);
    }
    this.items = kept;
    this.head = 0;
    return { count, bytes };
  }
}
