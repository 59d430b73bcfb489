/**
 * Reading one payload from a peer: the bounded msgpack pre-scan, the decode, then the schema. A
 * payload that fails any step is rejected (counted against the peer) and comes back as
 * {@link REJECTED}, so the frame dispatcher and the call table judge payloads the same way.
 * @packageDocumentation
 */
import { Decoder } from './codec.js';
import type { Peer } from './peer.js';
import type { ProtocolEntry } from './protocol.js';
import type { Reporter } from './report.js';
import { validatePayload } from './schema.js';

/** What {@link PayloadReader.read} returns for a payload it rejected (already counted). */
export const REJECTED: unique symbol = Symbol('rejected');

/** Scans, decodes and validates payloads for one endpoint. */
export class PayloadReader {
  /** The endpoint's decoder (its scratch buffers are its own). */
  readonly decoder = new Decoder();

  constructor(private readonly reporter: Reporter) {}

  /** The payload in `data[start, end)` of frame `name` from `peer`, or {@link REJECTED}. */
  read(
    peer: Peer,
    schema: ProtocolEntry['schema'],
    name: string,
    data: Uint8Array,
    start: number,
    end: number,
  ): unknown {
    const decoder = this.decoder;
    if (!decoder.check(data, start, end)) {
      this.reporter.reject(peer, peer.id, 'decodeFailed', name);
      return REJECTED;
    }
    let value: unknown;
    try {
      value = decoder.decode(data, start, end);
    } catch {
      this.reporter.reject(peer, peer.id, 'decodeFailed', name);
      return REJECTED;
    }
    if (schema === null) return value;
    let result: ReturnType<typeof validatePayload>;
    try {
      result = validatePayload(schema, value, name);
    } catch (error) {
      this.reporter.error(error, peer.id, name);
      this.reporter.reject(peer, peer.id, 'invalid', name);
      return REJECTED;
    }
    if (result.issues !== undefined) {
      this.reporter.reject(peer, peer.id, 'invalid', name);
      return REJECTED;
    }
    return result.value;
  }
}
