// The lobby conformance suite against the in-memory fake, on virtual time and on real time.
import { fakeLobbyHarness, lobbyConformanceSuite } from '../../src/conformance/index.js';

lobbyConformanceSuite(fakeLobbyHarness());

// A slower backend must not change any behaviour.
lobbyConformanceSuite(
  fakeLobbyHarness({ name: 'FakeSteamNetwork lobbies (200 ms backend)', lobbyLatencyMs: 200 }),
);

// On real time: proves the suite waits by the harness's own numbers, as it must for the native fake.
lobbyConformanceSuite(
  fakeLobbyHarness({ name: 'FakeSteamNetwork lobbies on real time', realTime: true, lobbyLatencyMs: 5 }),
);
