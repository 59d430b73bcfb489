/**
 * The two facts every part of an endpoint reads and only the endpoint writes: the time of the
 * current update (one `clock.now()` per update) and whether the endpoint is closed.
 * @packageDocumentation
 */

/** Shared by the parts of one endpoint; written by its update loop and its shutdown. */
export class EndpointState {
  /** The time of the current update. */
  now: number;
  /** The endpoint was closed (host closed, client disconnected): nothing more goes out or in. */
  closed = false;

  constructor(now: number) {
    this.now = now;
  }
}
