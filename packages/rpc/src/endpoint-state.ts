/**
 * The facts every part of an endpoint reads and only the endpoint writes: the time of the current
 * update (one `clock.now()` per update), which update it is, and whether the endpoint is closed.
 * @packageDocumentation
 */

/** Shared by the parts of one endpoint; written by its update loop and its shutdown. */
export class EndpointState {
  /** The time of the current update. */
  now: number;
  /** Counts updates: per-update budgets are refilled when it changes. */
  update = 0;
  /** The endpoint was closed (host closed, client disconnected): nothing more goes out or in. */
  closed = false;

  constructor(now: number) {
    this.now = now;
  }
}
