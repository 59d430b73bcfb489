/**
 * Who can reach whom, and under which conditions: the live peers, their online state, partitions,
 * and network-wide and per-link conditions.
 * @internal
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import { DEFAULT_LINK_CONDITIONS, type LinkConditions, mergeLinkConditions } from './link.js';
import type { PeerCore, Session } from './state.js';

/** A send to oneself loops back inside the process: instant and lossless. */
const LOOPBACK: LinkConditions = Object.freeze({ ...DEFAULT_LINK_CONDITIONS, latencyMs: 0 });

/** The network's shape. Every change bumps {@link Topology.version}, invalidating cached conditions. */
export class Topology {
  readonly peers = new Map<SteamId, PeerCore>();
  /** Bumped on every change of conditions or reachability. */
  version = 0;
  private defaults: LinkConditions;
  private readonly overrides = new Map<SteamId, Map<SteamId, Partial<LinkConditions>>>();
  private partitions: { a: ReadonlySet<SteamId>; b: ReadonlySet<SteamId> }[] = [];

  constructor(conditions: Partial<LinkConditions>) {
    this.defaults = mergeLinkConditions(DEFAULT_LINK_CONDITIONS, conditions);
  }

  /** The network-wide conditions. */
  get defaultConditions(): LinkConditions {
    return this.defaults;
  }

  /** Applies `conditions` over the network-wide ones. */
  setDefaults(conditions: Partial<LinkConditions>): void {
    this.defaults = mergeLinkConditions(this.defaults, conditions);
    this.version++;
  }

  /** Applies `conditions` over the overrides of the link `from` → `to`; `null` removes them. */
  setOverride(from: SteamId, to: SteamId, conditions: Partial<LinkConditions> | null): void {
    let row = this.overrides.get(from);
    if (conditions === null) {
      row?.delete(to);
    } else {
      if (row === undefined) {
        row = new Map();
        this.overrides.set(from, row);
      }
      row.set(to, { ...row.get(to), ...conditions });
    }
    this.version++;
  }

  /** The conditions of the link `from` → `to`. */
  conditions(from: SteamId, to: SteamId): LinkConditions {
    if (from === to) return LOOPBACK;
    const override = this.overrides.get(from)?.get(to);
    return override === undefined ? this.defaults : mergeLinkConditions(this.defaults, override);
  }

  /** The conditions of a session's link, cached on the session until the topology changes. */
  sessionConditions(session: Session): LinkConditions {
    if (session.conditionsVersion !== this.version || session.conditions === null) {
      session.conditions = this.conditions(session.owner.steamId, session.remote);
      session.conditionsVersion = this.version;
    }
    return session.conditions;
  }

  /** Cuts every link between a peer of `a` and a peer of `b`, both ways. */
  partition(a: readonly SteamId[], b: readonly SteamId[]): void {
    this.partitions.push({ a: new Set(a), b: new Set(b) });
    this.version++;
  }

  /** Removes every partition. */
  heal(): void {
    this.partitions = [];
    this.version++;
  }

  /** True when a partition separates `x` and `y`. */
  partitioned(x: SteamId, y: SteamId): boolean {
    for (const { a, b } of this.partitions) {
      if ((a.has(x) && b.has(y)) || (a.has(y) && b.has(x))) return true;
    }
    return false;
  }

  /** True when a packet already on its way from `from` to `to` can land: both online, no partition. */
  linkUp(from: PeerCore, to: PeerCore): boolean {
    if (!from.online || !to.online) return false;
    return from === to || this.partitions.length === 0 || !this.partitioned(from.steamId, to.steamId);
  }

  /**
   * True when `session` has a route to its remote right now: the remote exists on the same backend,
   * both are online, no partition separates them, and a relay-only link may use the relay for this
   * session.
   */
  routeUp(session: Session): boolean {
    const to = this.peers.get(session.remote);
    if (to === undefined || !this.linkUp(session.owner, to)) return false;
    // Each Steam API keeps its own sessions: a peer on another backend is not there for this one.
    if (to.rules.backend !== session.owner.rules.backend) return false;
    return session.relayAllowed || !this.sessionConditions(session).relayOnly;
  }

  /** True when `session` goes through the relay (relay-only link, relay allowed at creation). */
  usesRelay(session: Session): boolean {
    return !session.loopback && session.relayAllowed && this.sessionConditions(session).relayOnly;
  }
}
