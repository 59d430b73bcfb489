// The lobby flow keeps the protocol's types: the host and client it gives are typed by the protocol
// passed in, and its options are the rpc host's and client's own.
import type { Lobbies, P2PNetworking } from '@steamwire/transport-steam';
import { LobbyType } from '@steamwire/transport-steam';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type Client,
  defineProtocol,
  type Host,
  type HostLeft,
  hostLobby,
  joinLobby,
  message,
  typed,
} from '../src/index.js';

const protocol = defineProtocol({
  input: message(typed<{ dx: number }>(), { from: 'client', channel: 1, send: 'unreliable' }),
  state: message(typed<{ tick: number }>(), { from: 'host', channel: 2, send: 'unreliable' }),
});
declare const network: P2PNetworking;
declare const lobbies: Lobbies;

describe('lobby flow types', () => {
  it('hostLobby gives a Host of the protocol, and takes the host options', async () => {
    const hosted = await hostLobby({
      network,
      lobbies,
      protocol,
      lobbyType: LobbyType.FriendsOnly,
      maxMembers: 8,
      authenticate: (_peer, payload) => payload !== null,
    });
    expectTypeOf(hosted.host).toEqualTypeOf<Host<typeof protocol>>();
    expectTypeOf(hosted.lobbyId).toEqualTypeOf<bigint>();
    hosted.host.on('input', (msg) => expectTypeOf(msg).toEqualTypeOf<{ dx: number }>());
    // @ts-expect-error a host does not receive its own messages
    hosted.host.on('state', () => {});
  });

  it('joinLobby gives a Client of the protocol; host is the lobby owner, not an option', async () => {
    const joined = await joinLobby({ network, lobbies, protocol, lobbyId: 1n, auth: { name: 'Ada' } });
    expectTypeOf(joined.client).toEqualTypeOf<Client<typeof protocol>>();
    joined.client.send('input', { dx: 1 });
    // @ts-expect-error wrong payload
    joined.client.send('input', { dx: 'left' });
    joined.events.on('hostLeft', (info) => expectTypeOf(info).toEqualTypeOf<HostLeft>());
    // @ts-expect-error the host comes from the lobby
    await joinLobby({ network, lobbies, protocol, lobbyId: 1n, host: 2n });
  });
});
