import { describe, expect, it } from 'vitest';
import {
  DisconnectedError,
  RemoteError,
  RequestAbortedError,
  RequestRejectedError,
  RequestTimeoutError,
  TooManyPendingRequestsError,
  ValidationError,
} from '../src/index.js';
import { world } from './helpers.js';

/** Settles `p` into a value or the error, for assertions after virtual time passed. */
function outcome<T>(p: Promise<T>): { value?: T; error?: unknown; done: boolean } {
  const o: { value?: T; error?: unknown; done: boolean } = { done: false };
  p.then(
    (v) => Object.assign(o, { value: v, done: true }),
    (e) => Object.assign(o, { error: e, done: true }),
  );
  return o;
}

describe('requests', () => {
  it('resolve with the handler result, sync or async, validated by the response schema', async () => {
    const { net, host, clients } = await world(1, { conditions: { latencyMs: 40 } });
    host.handle('buy', async (req, peer) => {
      expect(peer).toBe(clients[0]!.network.localSteamId);
      return { ok: req.item === 'sword', gold: 10 };
    });
    const a = outcome(clients[0]!.call('buy', { item: 'sword' }));
    const b = outcome(clients[0]!.call('buy', { item: 'shield' }));
    await net.runUntil(() => a.done && b.done);
    expect(a.value).toEqual({ ok: true, gold: 10 });
    expect(b.value).toEqual({ ok: false, gold: 10 });
  });

  it('work from host to client too', async () => {
    const { net, host, clients } = await world(1);
    clients[0]!.handle('ask', (req) => ({ a: req.q.toUpperCase() }));
    const r = outcome(host.call(clients[0]!.network.localSteamId, 'ask', { q: 'hi' }));
    await net.runUntil(() => r.done);
    expect(r.value).toEqual({ a: 'HI' });
  });

  it('time out with RequestTimeoutError when nobody answers', async () => {
    const { net, host, clients } = await world(1);
    host.handle('buy', () => new Promise(() => {}));
    const r = outcome(clients[0]!.call('buy', { item: 'x' }, { timeoutMs: 300 }));
    await net.advance(250);
    expect(r.done).toBe(false);
    await net.advance(100);
    expect(r.error).toBeInstanceOf(RequestTimeoutError);
    expect((r.error as RequestTimeoutError).code).toBe('REQUEST_TIMEOUT');
  });

  it('use the declared timeout by default', async () => {
    const { net, host, clients } = await world(1);
    host.handle('buy', () => new Promise(() => {}));
    const r = outcome(clients[0]!.call('buy', { item: 'x' }));
    await net.advance(1900);
    expect(r.done).toBe(false);
    await net.advance(200);
    expect((r.error as RequestTimeoutError).timeoutMs).toBe(2000);
  });

  it('abort through the signal, before and during the call', async () => {
    const { net, host, clients } = await world(1);
    host.handle('buy', () => new Promise(() => {}));
    const early = new AbortController();
    early.abort();
    await expect(clients[0]!.call('buy', { item: 'x' }, { signal: early.signal })).rejects.toBeInstanceOf(
      RequestAbortedError,
    );
    const ctl = new AbortController();
    const r = outcome(clients[0]!.call('buy', { item: 'x' }, { signal: ctl.signal }));
    await net.advance(50);
    ctl.abort();
    await net.advance(0);
    expect(r.error).toBeInstanceOf(RequestAbortedError);
  });

  it('reject with DisconnectedError when the host goes away mid-call', async () => {
    const { net, host, clients } = await world(1);
    host.handle('buy', () => new Promise(() => {}));
    const r = outcome(clients[0]!.call('buy', { item: 'x' }, { timeoutMs: 60_000 }));
    await net.advance(50);
    host.close();
    await net.runUntil(() => r.done);
    expect(r.error).toBeInstanceOf(DisconnectedError);
  });

  it('reject pending calls of a client that disconnects itself', async () => {
    const { net, host, clients } = await world(1);
    host.handle('buy', () => new Promise(() => {}));
    const r = outcome(clients[0]!.call('buy', { item: 'x' }));
    await net.advance(50);
    clients[0]!.disconnect();
    await net.advance(0);
    expect(r.error).toBeInstanceOf(DisconnectedError);
  });

  it('answer a throwing handler with RemoteError: code and message for coded errors, never a stack', async () => {
    const { net, host, clients } = await world(1);
    const errors: unknown[] = [];
    host.events.on('error', (e) => errors.push(e));
    host.handle('buy', (req) => {
      if (req.item === 'coded') throw Object.assign(new Error('Not enough gold.'), { code: 'NO_GOLD' });
      throw new Error('secret internal detail');
    });
    const coded = outcome(clients[0]!.call('buy', { item: 'coded' }));
    const plain = outcome(clients[0]!.call('buy', { item: 'plain' }));
    await net.runUntil(() => coded.done && plain.done);
    expect(coded.error).toBeInstanceOf(RemoteError);
    expect((coded.error as RemoteError).code).toBe('NO_GOLD');
    expect((coded.error as RemoteError).message).toBe('Not enough gold.');
    expect((coded.error as RemoteError).stack).not.toContain('requests.test');
    expect((plain.error as RemoteError).code).toBe('HANDLER_FAILED');
    expect((plain.error as RemoteError).message).not.toContain('secret');
    expect(errors).toHaveLength(2);
  });

  it('answer NO_HANDLER when nothing handles the request', async () => {
    const { net, clients } = await world(1);
    const r = outcome(clients[0]!.call('buy', { item: 'x' }));
    await net.runUntil(() => r.done);
    expect((r.error as RemoteError).code).toBe('NO_HANDLER');
  });

  it('reject a response that fails the response schema with ValidationError', async () => {
    const { net, host, clients } = await world(1);
    host.handle('buy', () => ({ ok: 'yes' }) as never);
    const r = outcome(clients[0]!.call('buy', { item: 'x' }));
    await net.runUntil(() => r.done);
    expect(r.error).toBeInstanceOf(ValidationError);
  });

  it('bound the calls awaiting a response per peer', async () => {
    const { net, host, clients } = await world(1, { client: { maxPendingRequests: 2 } });
    host.handle('buy', () => new Promise(() => {}));
    const c = clients[0]!;
    const calls = [1, 2, 3].map((i) => outcome(c.call('buy', { item: String(i) }, { timeoutMs: 100 })));
    await net.advance(0);
    expect(calls[2]!.error).toBeInstanceOf(TooManyPendingRequestsError);
    await net.advance(200);
    expect(calls[0]!.error).toBeInstanceOf(RequestTimeoutError);
  });

  it('refuse, at once, requests beyond the concurrent requests a host handles per peer', async () => {
    const { net, host, clients } = await world(1, { host: { maxConcurrentRequests: 1 } });
    host.handle('buy', () => new Promise(() => {}));
    const a = outcome(clients[0]!.call('buy', { item: 'a' }, { timeoutMs: 1000 }));
    const b = outcome(clients[0]!.call('buy', { item: 'b' }, { timeoutMs: 1000 }));
    await net.runUntil(() => b.done);
    expect(b.error).toBeInstanceOf(RequestRejectedError);
    expect((b.error as RequestRejectedError).reason).toBe('tooManyRequests');
    expect(net.clock.now()).toBeLessThan(1000);
    expect(a.done).toBe(false);
  });
});
