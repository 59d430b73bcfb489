// Struct layouts against STEAM_API.md §4 (measured from Valve's SDK 1.62 headers), for both pack rules,
// and against what this machine's C compiler makes of the same declarations (test/fixtures/stub_steam.c):
// forced to either rule, and with the platform's own rule (pack 8 on Windows), which must be the one
// the binding uses here.
import { describe, expect, it } from 'vitest';
import { hostPackRule, type PackRule, steamStructs } from '../src/structs.js';
import { describeNative } from './helpers/native.js';
import { cLayout, koffi, type StubVariant } from './helpers/stub.js';

type Expect = { size: number; align?: number; offsets: Record<string, number> };

const common: Record<string, Expect> = {
  P2PSessionState_t: {
    size: 20,
    align: 4,
    offsets: {
      m_bConnectionActive: 0,
      m_bConnecting: 1,
      m_eP2PSessionError: 2,
      m_bUsingRelay: 3,
      m_nBytesQueuedForSend: 4,
      m_nPacketsQueuedForSend: 8,
      m_nRemoteIP: 12,
      m_nRemotePort: 16,
    },
  },
  P2PSessionRequest_t: { size: 8, align: 1, offsets: { m_steamIDRemote: 0 } },
  P2PSessionConnectFail_t: { size: 9, align: 1, offsets: { m_steamIDRemote: 0, m_eP2PSessionError: 8 } },
  SteamNetworkingIPAddr: { size: 18, align: 1, offsets: { m_ipv6: 0, m_port: 16 } },
  SteamNetworkingIdentity: { size: 136, align: 1, offsets: { m_eType: 0, m_cbSize: 4, m_steamID64: 8 } },
  SteamNetworkingMessage_t: {
    size: 216,
    align: 8,
    offsets: {
      m_pData: 0,
      m_cbSize: 8,
      m_conn: 12,
      m_identityPeer: 16,
      m_nConnUserData: 152,
      m_usecTimeReceived: 160,
      m_nMessageNumber: 168,
      m_pfnFreeData: 176,
      m_pfnRelease: 184,
      m_nChannel: 192,
      m_nFlags: 196,
      m_nUserData: 200,
      m_idxLane: 208,
      _pad1__: 210,
    },
  },
  SteamNetworkingMessagesSessionRequest_t: { size: 136, align: 1, offsets: { m_identityRemote: 0 } },
  SteamNetworkingMessagesSessionFailed_t: { size: 696, align: 1, offsets: { m_info: 0 } },
  // §15.5: outside Valve's pack region, natural alignment everywhere.
  SteamNetworkingConfigValue_t: { size: 16, align: 8, offsets: { m_eValue: 0, m_eDataType: 4, m_val: 8 } },
  SteamRelayNetworkStatus_t: {
    size: 272,
    align: 4,
    offsets: {
      m_eAvail: 0,
      m_bPingMeasurementInProgress: 4,
      m_eAvailNetworkConfig: 8,
      m_eAvailAnyRelay: 12,
      m_debugMsg: 16,
    },
  },
  SteamNetAuthenticationStatus_t: { size: 260, align: 4, offsets: { m_eAvail: 0, m_debugMsg: 4 } },
};

const laneOffsets = {
  m_cbPendingUnreliable: 0,
  m_cbPendingReliable: 4,
  m_cbSentUnackedReliable: 8,
  _reservePad1: 12,
  m_usecQueueTime: 16,
  reserved: 24,
};

const connectionInfoOffsets = {
  m_identityRemote: 0,
  m_nUserData: 136,
  m_hListenSocket: 144,
  m_addrRemote: 148,
  m__pad1: 166,
  m_idPOPRemote: 168,
  m_idPOPRelay: 172,
  m_eState: 176,
  m_eEndReason: 180,
  m_szEndDebug: 184,
  m_szConnectionDescription: 312,
  m_nFlags: 440,
  reserved: 444,
};
const statusOffsets = {
  m_eState: 0,
  m_nPing: 4,
  m_flConnectionQualityLocal: 8,
  m_flConnectionQualityRemote: 12,
  m_flOutPacketsPerSec: 16,
  m_flOutBytesPerSec: 20,
  m_flInPacketsPerSec: 24,
  m_flInBytesPerSec: 28,
  m_nSendRateBytesPerSecond: 32,
  m_cbPendingUnreliable: 36,
  m_cbPendingReliable: 40,
  m_cbSentUnackedReliable: 44,
  m_usecQueueTime: 48,
  reserved: 56,
};
const callbackOffsets = { m_hSteamUser: 0, m_iCallback: 4, m_pubParam: 8, m_cubParam: 16 };

/** Where the two pack rules differ: sizes/alignments, with identical offsets. */
const byRule: Record<PackRule, Record<string, Expect>> = {
  small: {
    CallbackMsg_t: { size: 20, align: 4, offsets: callbackOffsets },
    SteamNetConnectionInfo_t: { size: 696, align: 4, offsets: connectionInfoOffsets },
    SteamNetConnectionRealTimeStatus_t: { size: 120, align: 4, offsets: statusOffsets },
    // §15.5: the 1221 callback is 704 bytes with m_info at 4 on Linux/macOS...
    SteamNetConnectionStatusChangedCallback_t: {
      size: 704,
      align: 4,
      offsets: { m_hConn: 0, m_info: 4, m_eOldState: 700 },
    },
    SteamNetConnectionRealTimeLaneStatus_t: { size: 64, align: 4, offsets: laneOffsets },
  },
  large: {
    CallbackMsg_t: { size: 24, align: 8, offsets: callbackOffsets },
    SteamNetConnectionInfo_t: { size: 696, align: 8, offsets: connectionInfoOffsets },
    SteamNetConnectionRealTimeStatus_t: { size: 120, align: 8, offsets: statusOffsets },
    // ...and 712 bytes with m_info at 8 on Windows.
    SteamNetConnectionStatusChangedCallback_t: {
      size: 712,
      align: 8,
      offsets: { m_hConn: 0, m_info: 8, m_eOldState: 704 },
    },
    SteamNetConnectionRealTimeLaneStatus_t: { size: 64, align: 8, offsets: laneOffsets },
  },
};

describe.each(['small', 'large'] as const)(
  'struct layouts, %s pack rule (small = Linux/macOS, large = Windows)',
  (rule) => {
    const structs = steamStructs(koffi, rule) as unknown as Record<
      string,
      Parameters<typeof koffi.sizeof>[0]
    >;
    const table = { ...common, ...byRule[rule] };
    it.each(Object.entries(table))(
      "%s has the size, alignment and field offsets of Valve's headers",
      (name, want) => {
        const type = structs[name]!;
        expect(koffi.sizeof(type)).toBe(want.size);
        if (want.align !== undefined) expect(koffi.alignof(type)).toBe(want.align);
        for (const [field, offset] of Object.entries(want.offsets)) {
          expect({ field, offset: koffi.offsetof(type, field) }).toEqual({ field, offset });
        }
      },
    );
  },
);

describe('the host pack rule', () => {
  it('is large on Windows and small elsewhere', () => {
    expect(hostPackRule('win32')).toBe('large');
    expect(hostPackRule('linux')).toBe('small');
    expect(hostPackRule('darwin')).toBe('small');
  });
});

describeNative("koffi layouts match the C compiler's for the same pragma-packed declarations", () => {
  it.each<[string, StubVariant, PackRule]>([
    ['the small', 'pack-small', 'small'],
    ['the large', 'pack-large', 'large'],
    // The compiler applies Valve's #if for this platform; the binding must pick the same rule.
    [`this platform's (${hostPackRule()})`, 'default', hostPackRule()],
  ])('%s pack rule', (_, variant, rule) => {
    const c = cLayout(variant);
    const s = steamStructs(koffi, rule);
    expect(koffi.sizeof(s.CallbackMsg_t)).toBe(c('CallbackMsg_t'));
    expect(koffi.offsetof(s.CallbackMsg_t, 'm_pubParam')).toBe(c('CallbackMsg_t.m_pubParam'));
    expect(koffi.offsetof(s.CallbackMsg_t, 'm_cubParam')).toBe(c('CallbackMsg_t.m_cubParam'));
    expect(koffi.sizeof(s.P2PSessionState_t)).toBe(c('P2PSessionState_t'));
    expect(koffi.offsetof(s.P2PSessionState_t, 'm_nRemotePort')).toBe(c('P2PSessionState_t.m_nRemotePort'));
    expect(koffi.sizeof(s.P2PSessionRequest_t)).toBe(c('P2PSessionRequest_t'));
    expect(koffi.sizeof(s.P2PSessionConnectFail_t)).toBe(c('P2PSessionConnectFail_t'));
    expect(koffi.sizeof(s.SteamNetworkingIdentity)).toBe(c('SteamNetworkingIdentity'));
    expect(koffi.sizeof(s.SteamNetworkingIPAddr)).toBe(c('SteamNetworkingIPAddr'));
    expect(koffi.sizeof(s.SteamNetworkingMessage_t)).toBe(c('SteamNetworkingMessage_t'));
    expect(koffi.offsetof(s.SteamNetworkingMessage_t, 'm_nChannel')).toBe(
      c('SteamNetworkingMessage_t.m_nChannel'),
    );
    expect(koffi.sizeof(s.SteamNetConnectionInfo_t)).toBe(c('SteamNetConnectionInfo_t'));
    expect(koffi.offsetof(s.SteamNetConnectionInfo_t, 'm_eEndReason')).toBe(
      c('SteamNetConnectionInfo_t.m_eEndReason'),
    );
    expect(koffi.offsetof(s.SteamNetConnectionInfo_t, 'm_nFlags')).toBe(
      c('SteamNetConnectionInfo_t.m_nFlags'),
    );
    expect(koffi.sizeof(s.SteamNetConnectionRealTimeStatus_t)).toBe(c('SteamNetConnectionRealTimeStatus_t'));
    expect(koffi.offsetof(s.SteamNetConnectionRealTimeStatus_t, 'm_usecQueueTime')).toBe(
      c('SteamNetConnectionRealTimeStatus_t.m_usecQueueTime'),
    );
    expect(koffi.sizeof(s.SteamNetworkingMessagesSessionRequest_t)).toBe(
      c('SteamNetworkingMessagesSessionRequest_t'),
    );
    expect(koffi.sizeof(s.SteamNetworkingMessagesSessionFailed_t)).toBe(
      c('SteamNetworkingMessagesSessionFailed_t'),
    );
    const cb = s.SteamNetConnectionStatusChangedCallback_t;
    expect(koffi.sizeof(cb)).toBe(c('SteamNetConnectionStatusChangedCallback_t'));
    expect(koffi.offsetof(cb, 'm_info')).toBe(c('SteamNetConnectionStatusChangedCallback_t.m_info'));
    expect(koffi.offsetof(cb, 'm_eOldState')).toBe(
      c('SteamNetConnectionStatusChangedCallback_t.m_eOldState'),
    );
    expect(koffi.sizeof(s.SteamNetConnectionRealTimeLaneStatus_t)).toBe(
      c('SteamNetConnectionRealTimeLaneStatus_t'),
    );
    expect(koffi.offsetof(s.SteamNetConnectionRealTimeLaneStatus_t, 'm_usecQueueTime')).toBe(
      c('SteamNetConnectionRealTimeLaneStatus_t.m_usecQueueTime'),
    );
    expect(koffi.sizeof(s.SteamRelayNetworkStatus_t)).toBe(c('SteamRelayNetworkStatus_t'));
    expect(koffi.sizeof(s.SteamNetAuthenticationStatus_t)).toBe(c('SteamNetAuthenticationStatus_t'));
    expect(koffi.sizeof(s.SteamNetworkingConfigValue_t)).toBe(c('SteamNetworkingConfigValue_t'));
    expect(koffi.offsetof(s.SteamNetworkingConfigValue_t, 'm_val')).toBe(
      c('SteamNetworkingConfigValue_t.m_val'),
    );
  });
});
