// The lobby conformance suite against the real koffi binding over the native fake library: one
// process, one copy of the library per peer, a lobby directory file per world, real time.
import { lobbyConformanceSuite } from '../../src/conformance/index.js';
import { nativeLobbyHarness } from '../../src/native/index.js';

lobbyConformanceSuite(nativeLobbyHarness());
