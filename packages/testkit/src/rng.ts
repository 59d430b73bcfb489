/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32), so that a
 * {@link FakeSteamNetwork} with the same seed and the same traffic makes the same decisions
 * (loss, jitter, duplication) every run. Not for cryptography.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@steamwire/transport-steam';

/** Deterministic random numbers from a 32-bit seed. */
export class SeededRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed Any safe integer; the same seed always gives the same sequence.
   * @throws InvalidArgumentError when `seed` is not a safe integer.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new InvalidArgumentError('seed', `The seed must be a safe integer; got ${String(seed)}.`);
    }
    // splitmix32 spreads nearby seeds (1, 2, 3…) into unrelated sfc32 states.
    let s = (seed ^ Math.floor(seed / 0x100000000)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    // sfc32 needs a few rounds before its output is well mixed.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniformly distributed number in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniformly distributed integer in [0, `n`). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p` (never for `p <= 0`, always for `p >= 1`); draws no number for `p <= 0`. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }
}
