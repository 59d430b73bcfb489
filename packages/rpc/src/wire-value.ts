/**
 * What the wire carries, as types: {@link WireValue} names it, and {@link WireProblem} finds what in
 * a payload type would not arrive as itself, so `message()` and `request()` refuse to declare it. The
 * same rules as the check at the send (`wire-check.ts`), and the same table ("What survives the
 * wire" in the rpc README).
 * @packageDocumentation
 */

/**
 * Every value that travels and arrives as itself. Payload types need not be written with it (any
 * interface of such values will do); it is what `unknown` payloads hold once decoded.
 */
export type WireValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Date
  | readonly WireValue[]
  | { readonly [key: string]: WireValue | undefined };

// Each problem is a sentence (`'cannot travel: a function'`) put where the type was: what the
// compiler shows.

/** Levels left to look into (a recursive payload type is looked at 12 levels deep). */
type Depth = [never, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

/**
 * `never` when every value of `T` travels and arrives as itself; otherwise `T`'s shape cut down to
 * what does not, each such place holding a sentence: `{ players: { onHit: "cannot travel: a function" }[] }`.
 * `any` and `unknown` promise nothing, so they pass.
 */
export type WireProblem<T, D extends number = 11> = [D] extends [never]
  ? never
  : unknown extends T
    ? never
    : T extends null | boolean | number | bigint | string | Date
      ? never
      : T extends Uint8Array
        ? Uint8Array<ArrayBuffer> extends T
          ? never
          : 'cannot travel: a Buffer arrives as a Uint8Array; declare Uint8Array'
        : T extends void
          ? 'cannot travel: undefined travels only as a missing property; send null'
          : T extends (...args: never[]) => unknown
            ? 'cannot travel: a function'
            : T extends symbol
              ? 'cannot travel: a symbol'
              : T extends ReadonlyMap<unknown, unknown>
                ? 'cannot travel: a Map; send a plain object or [key, value] pairs'
                : T extends ReadonlySet<unknown>
                  ? 'cannot travel: a Set; send an array'
                  : T extends ArrayBufferView | ArrayBufferLike
                    ? 'cannot travel: binary data other than a Uint8Array'
                    : T extends readonly (infer E)[]
                      ? [WireProblem<E, Depth[D]>] extends [never]
                        ? never
                        : WireProblem<E, Depth[D]>[]
                      : T extends object
                        ? ObjectProblem<T, Depth[D]>
                        : never;

/** The properties of `T` that cannot travel (a property may be missing or `undefined`: it is left out). */
type ObjectProblem<
  T,
  D extends number,
  R = {
    [K in keyof T as K extends symbol
      ? K
      : [WireProblem<Exclude<T[K], undefined>, D>] extends [never]
        ? never
        : K]: K extends symbol
      ? 'cannot travel: a symbol-keyed property is not sent'
      : WireProblem<Exclude<T[K], undefined>, D>;
  },
> = keyof R extends never ? never : R;

/**
 * What a declaration's payload is checked with: nothing when type `T` travels, otherwise a property
 * the schema lacks, so the compiler shows what cannot travel where the schema is given.
 */
export type WireChecked<T> = [WireProblem<T>] extends [never]
  ? unknown
  : { readonly 'this payload cannot travel': WireProblem<T> };
