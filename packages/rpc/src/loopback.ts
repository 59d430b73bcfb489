/**
 * The link between a host and its local client (the player on the host, in the same process): what
 * each side may call on the other. Packets cross as `LocalDelivery` calls into the other side's
 * inbox; lifecycle crosses through these two small interfaces, so neither side reaches into the
 * other's internals.
 * @packageDocumentation
 */
import type { DisconnectReason } from './events.js';
import type { LocalDelivery } from './peer.js';

/** What the local client is given of its host. */
export interface LocalHostLink {
  /** The host's inbox: where the client's packets go. */
  readonly hostInbox: LocalDelivery;
  /** The client registers how the host reaches it (called once, from its constructor). */
  attach(client: LocalClientLink): void;
  /** The player left (`client.disconnect()`). */
  clientLeft(): void;
}

/** What the host holds of its local client. */
export interface LocalClientLink {
  /** The client's inbox: where the host's packets go. */
  readonly inbox: LocalDelivery;
  /** Runs the client's update (from the host's). */
  update(): void;
  /** The host ended the loopback (kick or close). */
  hostGone(reason: DisconnectReason, detail: string): void;
}
