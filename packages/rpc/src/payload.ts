/**
 * Reading one payload from a peer: the bounded msgpack pre-scan (within the entry's decode limits),
 * the decode, then the schema. A payload that fails any step is rejected (counted against the peer)
 * and comes back as {@link REJECTED}, so the frame dispatcher and the call table judge payloads the
 * same way. What decoding and validating cost (the scan says) is charged to the peer's work budget of
 * the update.
 * @packageDocumentation
 */
import { Decoder } from './codec.js';
import { SCAN_TOO_COMPLEX, type ScanLimits } from './msgpack-scan.js';
import type { Peer } from './peer.js';
import type { ProtocolEntry } from './protocol.js';
import type { Reporter } from './report.js';
import { validatePayload } from './schema.js';

/** Work of validating a payload with its schema, per work unit of decoding it. */
export const VALIDATE_WORK_FACTOR = 8;

/** What {@link PayloadReader.read} returns for a payload it rejected (already counted). */
export const REJECTED: unique symbol = Symbol('rejected');

/** Scans, decodes and validates payloads for one endpoint. */
export class PayloadReader {
  /** The endpoint's decoder (its scratch buffers are its own). */
  readonly decoder = new Decoder();

  constructor(private readonly reporter: Reporter) {}

  /**
   * The payload in `data[start, end)` of frame `name` from `peer`, decoded within `limits`, or
   * {@link REJECTED}.
   */
  read(
    peer: Peer,
    schema: ProtocolEntry['schema'],
    limits: ScanLimits,
    name: string,
    data: Uint8Array,
    start: number,
    end: number,
  ): unknown {
    const decoder = this.decoder;
    const cost = decoder.check(data, start, end, limits);
    if (cost < 0) {
      // The scan stopped at the limits: about an eighth of a decode per element it walked.
      peer.enforcement.work -= cost === SCAN_TOO_COMPLEX ? limits.maxElements >>> 3 : 16;
      this.reporter.reject(peer, peer.id, cost === SCAN_TOO_COMPLEX ? 'tooComplex' : 'decodeFailed', name);
      return REJECTED;
    }
    // A schema walks what was decoded again, and at about eight times the cost of decoding it (measured
    // with zod and valibot on small objects): the budget must count that too, or a flood of valid
    // messages costs far more than the budget says.
    peer.enforcement.work -= schema === null ? cost : cost * VALIDATE_WORK_FACTOR;
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
