/**
 * The Steam structs the binding reads and writes, as koffi types, laid out exactly as Valve's
 * compilers lay them out (STEAM_API.md §4).
 *
 * Valve's headers pack callback structs, `P2PSessionState_t`, `CallbackMsg_t` and the networking types
 * with `#pragma pack(4)` on Linux/macOS ("small") and `#pragma pack(8)` on Windows ("large"); `CSteamID`,
 * `SteamNetworkingIdentity`, `SteamNetworkingIPAddr` and the two Messages callbacks are pack(1);
 * `SteamNetworkingMessage_t` is outside the pack region (natural alignment). In koffi, pack(1) is
 * `koffi.pack`, and "an 8-byte member aligned to 4" is `[4, type]`.
 * @packageDocumentation
 */
import type { Koffi } from './koffi.js';

/** Which pack rule Valve's headers use: `small` (pack 4: Linux, macOS) or `large` (pack 8: Windows). */
export type PackRule = 'small' | 'large';

/** The pack rule of the running platform. */
export function hostPackRule(platform: NodeJS.Platform = process.platform): PackRule {
  return platform === 'win32' ? 'large' : 'small';
}

/** Every struct type, for one pack rule. */
export interface SteamStructs {
  /** isteamnetworking.h: 20 bytes. */
  P2PSessionState_t: KoffiType;
  /** isteamnetworking.h, callback 1202: 8 bytes. */
  P2PSessionRequest_t: KoffiType;
  /** isteamnetworking.h, callback 1203: 9 bytes. */
  P2PSessionConnectFail_t: KoffiType;
  /** steam_api_internal.h: 20 bytes (small) / 24 bytes (large). */
  CallbackMsg_t: KoffiType;
  /** steamnetworkingtypes.h: 18 bytes, pack 1. */
  SteamNetworkingIPAddr: KoffiType;
  /** steamnetworkingtypes.h: 136 bytes, pack 1; the union is modelled as its SteamID64 member plus padding. */
  SteamNetworkingIdentity: KoffiType;
  /** steamnetworkingtypes.h: 216 bytes, natural alignment. */
  SteamNetworkingMessage_t: KoffiType;
  /** steamnetworkingtypes.h: 696 bytes. */
  SteamNetConnectionInfo_t: KoffiType;
  /** steamnetworkingtypes.h: 120 bytes. */
  SteamNetConnectionRealTimeStatus_t: KoffiType;
  /** isteamnetworkingmessages.h, callback 1251: 136 bytes, pack 1. */
  SteamNetworkingMessagesSessionRequest_t: KoffiType;
  /** isteamnetworkingmessages.h, callback 1252: 696 bytes, pack 1. */
  SteamNetworkingMessagesSessionFailed_t: KoffiType;
  /** The first 32 bytes of `SteamNetworkingMessage_t` (data pointer, size, sender): what the receive path decodes. */
  MessageHead: KoffiType;
  /** isteamnetworkingsockets.h, callback 1221: 704 bytes, `m_info` at 4 (small) / 712 bytes, `m_info` at 8 (large). */
  SteamNetConnectionStatusChangedCallback_t: KoffiType;
  /** steamnetworkingtypes.h: 64 bytes. */
  SteamNetConnectionRealTimeLaneStatus_t: KoffiType;
  /** steamnetworkingtypes.h: 16 bytes, natural alignment; the value union is modelled as its int64 member. */
  SteamNetworkingConfigValue_t: KoffiType;
  /** steamnetworkingtypes.h, callback 1281: 272 bytes. */
  SteamRelayNetworkStatus_t: KoffiType;
  /** steamnetworkingtypes.h, callback 1222: 260 bytes. */
  SteamNetAuthenticationStatus_t: KoffiType;
}

/** A koffi type object. */
export type KoffiType = ReturnType<Koffi['struct']>;

const cache = new Map<PackRule, SteamStructs>();

/**
 * The struct types for `rule` (default: this platform's). Types are anonymous, so both rules can
 * coexist in one process (the struct tests check both).
 */
export function steamStructs(koffi: Koffi, rule: PackRule = hostPackRule()): SteamStructs {
  const hit = cache.get(rule);
  if (hit) return hit;
  // An 8-byte member inside a pack(4) region is aligned to 4 on Linux/macOS and to 8 on Windows.
  const wide = (type: string): string | [number, string] => (rule === 'small' ? [4, type] : type);

  const P2PSessionState_t = koffi.struct({
    m_bConnectionActive: 'uint8_t',
    m_bConnecting: 'uint8_t',
    m_eP2PSessionError: 'uint8_t',
    m_bUsingRelay: 'uint8_t',
    m_nBytesQueuedForSend: 'int32_t',
    m_nPacketsQueuedForSend: 'int32_t',
    m_nRemoteIP: 'uint32_t',
    m_nRemotePort: 'uint16_t',
  });
  // CSteamID sits in a pack(1) region, so these two have alignment 1 (P2PSessionConnectFail_t is 9 bytes).
  const P2PSessionRequest_t = koffi.pack({ m_steamIDRemote: 'uint64_t' });
  const P2PSessionConnectFail_t = koffi.pack({ m_steamIDRemote: 'uint64_t', m_eP2PSessionError: 'uint8_t' });
  const CallbackMsg_t = koffi.struct({
    m_hSteamUser: 'int32_t',
    m_iCallback: 'int32_t',
    m_pubParam: wide('void *'),
    m_cubParam: 'int32_t',
  });
  const SteamNetworkingIPAddr = koffi.pack({ m_ipv6: koffi.array('uint8_t', 16), m_port: 'uint16_t' });
  const SteamNetworkingIdentity = koffi.pack({
    m_eType: 'int32_t',
    m_cbSize: 'int32_t',
    m_steamID64: 'uint64_t',
    m_rest: koffi.array('uint8_t', 120),
  });
  const SteamNetworkingMessage_t = koffi.struct({
    m_pData: 'void *',
    m_cbSize: 'int32_t',
    m_conn: 'uint32_t',
    m_identityPeer: SteamNetworkingIdentity,
    m_nConnUserData: 'int64_t',
    m_usecTimeReceived: 'int64_t',
    m_nMessageNumber: 'int64_t',
    m_pfnFreeData: 'void *',
    m_pfnRelease: 'void *',
    m_nChannel: 'int32_t',
    m_nFlags: 'int32_t',
    m_nUserData: 'int64_t',
    m_idxLane: 'uint16_t',
    _pad1__: 'uint16_t',
  });
  const SteamNetConnectionInfo_t = koffi.struct({
    m_identityRemote: SteamNetworkingIdentity,
    m_nUserData: wide('int64_t'),
    m_hListenSocket: 'uint32_t',
    m_addrRemote: SteamNetworkingIPAddr,
    m__pad1: 'uint16_t',
    m_idPOPRemote: 'uint32_t',
    m_idPOPRelay: 'uint32_t',
    m_eState: 'int32_t',
    m_eEndReason: 'int32_t',
    m_szEndDebug: koffi.array('char', 128),
    m_szConnectionDescription: koffi.array('char', 128),
    m_nFlags: 'int32_t',
    reserved: koffi.array('uint32_t', 63),
  });
  const SteamNetConnectionRealTimeStatus_t = koffi.struct({
    m_eState: 'int32_t',
    m_nPing: 'int32_t',
    m_flConnectionQualityLocal: 'float',
    m_flConnectionQualityRemote: 'float',
    m_flOutPacketsPerSec: 'float',
    m_flOutBytesPerSec: 'float',
    m_flInPacketsPerSec: 'float',
    m_flInBytesPerSec: 'float',
    m_nSendRateBytesPerSecond: 'int32_t',
    m_cbPendingUnreliable: 'int32_t',
    m_cbPendingReliable: 'int32_t',
    m_cbSentUnackedReliable: 'int32_t',
    m_usecQueueTime: wide('int64_t'),
    reserved: koffi.array('uint32_t', 16),
  });
  const SteamNetworkingMessagesSessionRequest_t = koffi.pack({ m_identityRemote: SteamNetworkingIdentity });
  const SteamNetworkingMessagesSessionFailed_t = koffi.pack({ m_info: SteamNetConnectionInfo_t });
  const MessageHead = koffi.struct({
    m_pData: 'void *',
    m_cbSize: 'int32_t',
    m_conn: 'uint32_t',
    m_eType: 'int32_t',
    m_cbIdentitySize: 'int32_t',
    m_steamID64: 'uint64_t',
  });

  const SteamNetConnectionStatusChangedCallback_t = koffi.struct({
    m_hConn: 'uint32_t',
    m_info: SteamNetConnectionInfo_t,
    m_eOldState: 'int32_t',
  });
  const SteamNetConnectionRealTimeLaneStatus_t = koffi.struct({
    m_cbPendingUnreliable: 'int32_t',
    m_cbPendingReliable: 'int32_t',
    m_cbSentUnackedReliable: 'int32_t',
    _reservePad1: 'int32_t',
    m_usecQueueTime: wide('int64_t'),
    reserved: koffi.array('uint32_t', 10),
  });
  const SteamNetworkingConfigValue_t = koffi.struct({
    m_eValue: 'int32_t',
    m_eDataType: 'int32_t',
    m_val: 'int64_t',
  });
  const SteamRelayNetworkStatus_t = koffi.struct({
    m_eAvail: 'int32_t',
    m_bPingMeasurementInProgress: 'int32_t',
    m_eAvailNetworkConfig: 'int32_t',
    m_eAvailAnyRelay: 'int32_t',
    m_debugMsg: koffi.array('char', 256),
  });
  const SteamNetAuthenticationStatus_t = koffi.struct({
    m_eAvail: 'int32_t',
    m_debugMsg: koffi.array('char', 256),
  });

  const structs: SteamStructs = {
    P2PSessionState_t,
    P2PSessionRequest_t,
    P2PSessionConnectFail_t,
    CallbackMsg_t,
    SteamNetworkingIPAddr,
    SteamNetworkingIdentity,
    SteamNetworkingMessage_t,
    SteamNetConnectionInfo_t,
    SteamNetConnectionRealTimeStatus_t,
    SteamNetworkingMessagesSessionRequest_t,
    SteamNetworkingMessagesSessionFailed_t,
    MessageHead,
    SteamNetConnectionStatusChangedCallback_t,
    SteamNetConnectionRealTimeLaneStatus_t,
    SteamNetworkingConfigValue_t,
    SteamRelayNetworkStatus_t,
    SteamNetAuthenticationStatus_t,
  };
  cache.set(rule, structs);
  return structs;
}
