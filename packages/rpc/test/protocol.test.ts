import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AsyncSchemaError,
  defineProtocol,
  type MessageOptions,
  message,
  ProtocolDefinitionError,
  request,
  typed,
} from '../src/index.js';
import { validatePayload } from '../src/schema.js';

describe('defineProtocol', () => {
  it('derives ids from the names in code-unit order, whatever the declaration order', () => {
    const a = defineProtocol({
      zeta: message(typed<number>(), { from: 'any', channel: 0, send: 'reliable' }),
      Alpha: message(typed<number>(), { from: 'any', channel: 0, send: 'reliable' }),
      beta: request(typed<number>(), typed<number>(), { from: 'client', channel: 1 }),
    });
    const b = defineProtocol({
      beta: request(typed<number>(), typed<number>(), { from: 'client', channel: 1 }),
      zeta: message(typed<number>(), { from: 'any', channel: 0, send: 'reliable' }),
      Alpha: message(typed<number>(), { from: 'any', channel: 0, send: 'reliable' }),
    });
    expect(a.entries.map((e) => [e.name, e.id])).toEqual([
      ['Alpha', 2],
      ['beta', 3],
      ['zeta', 4],
    ]);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.channels).toEqual([0, 1]);
  });

  it('changes the fingerprint with any channel, send type, direction, ordering or name', () => {
    const base = { from: 'client', channel: 1, send: 'unreliable' } as const;
    const fp = (o: MessageOptions, name = 'm') =>
      defineProtocol({ [name]: message(typed<number>(), o as never) }).fingerprint;
    const reference = fp(base);
    expect(fp({ ...base, channel: 2 })).not.toBe(reference);
    expect(fp({ ...base, send: 'unreliableNoDelay' })).not.toBe(reference);
    expect(fp({ ...base, from: 'any' })).not.toBe(reference);
    expect(fp({ ...base, ordering: 'latest' })).not.toBe(reference);
    expect(fp(base, 'n')).not.toBe(reference);
    expect(fp(base)).toBe(reference);
  });

  it('refuses invalid declarations with a typed error naming the entry', () => {
    const bad = [
      { m: message(typed<number>(), { from: 'client', channel: -1, send: 'reliable' }) },
      { m: message(typed<number>(), { from: 'client', channel: 1.5, send: 'reliable' }) },
      { m: message(typed<number>(), { from: 'nobody' as 'any', channel: 1, send: 'reliable' }) },
      { m: message(typed<number>(), { from: 'any', channel: 1, send: 'fast' as 'reliable' }) },
      { m: message(typed<number>(), { from: 'any', channel: 1, send: 'reliable', ordering: 'latest' }) },
      {
        m: request(typed<number>(), typed<number>(), {
          from: 'any',
          channel: 1,
          send: 'unreliable' as 'reliable',
        }),
      },
      { m: request(typed<number>(), typed<number>(), { from: 'any', channel: 1, timeoutMs: 0 }) },
      { m: { kind: 'other' } as never },
    ];
    for (const defs of bad) {
      const error = (() => {
        try {
          defineProtocol(defs);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ProtocolDefinitionError);
      expect((error as ProtocolDefinitionError).code).toBe('PROTOCOL_DEFINITION');
      expect((error as ProtocolDefinitionError).messageName).toBe('m');
    }
  });

  it('refuses a schema argument that is not a Standard Schema, and the old options-only form', () => {
    expect(() => message({} as never, { from: 'any', channel: 0, send: 'reliable' })).toThrow(
      ProtocolDefinitionError,
    );
    // JavaScript callers of the removed message<T>(options) shorthand are told what to write.
    expect(() => (message as (o: unknown) => unknown)({ from: 'any', channel: 0, send: 'reliable' })).toThrow(
      /typed<T>\(\)/,
    );
    expect(() => (request as (o: unknown) => unknown)({ from: 'any', channel: 0 })).toThrow(/typed<T>\(\)/);
    expect(() => request({} as never, {} as never, { from: 'any', channel: 0 })).toThrow(
      ProtocolDefinitionError,
    );
  });

  it('keeps schemas, and treats typed<T>() as type-only', () => {
    const p = defineProtocol({
      a: message(z.number(), { from: 'host', channel: 0, send: 'reliable' }),
      b: message(typed<number>(), { from: 'host', channel: 0, send: 'reliable' }),
    });
    expect(p.entry('a')!.schema).not.toBeNull();
    expect(p.entry('b')!.schema).toBeNull();
  });
});

describe('schema validation', () => {
  it('returns the value or the issues', () => {
    const schema = z.object({ n: z.number() });
    expect(validatePayload(schema, { n: 1 }, 'm')).toEqual({ value: { n: 1 } });
    expect(validatePayload(schema, { n: 'x' }, 'm').issues?.length).toBeGreaterThan(0);
  });

  it('refuses an asynchronous schema with AsyncSchemaError', () => {
    const schema = z.string().refine(async () => true);
    expect(() => validatePayload(schema, 'x', 'm')).toThrow(AsyncSchemaError);
  });
});
