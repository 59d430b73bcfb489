/**
 * The koffi prototypes of `ISteamNetworkingSockets` (interface `SteamNetworkingSockets012`) and
 * `ISteamNetworkingUtils` (`SteamNetworkingUtils004`), SDK 1.62 steam_api_flat.h:1056-1150 (STEAM_API.md
 * §15.2-§15.3), and their typed views. flat.ts binds them as the `sockets` and `utils` groups.
 *
 * Interface pointers and message addresses are declared `uint64_t` and passed as JS numbers: a koffi
 * call whose arguments are all integers costs about half as much as one that converts a pointer, and
 * these are the per-packet calls (AllocateMessage, Release). Every address Steam hands out is below
 * 2^53 on the 64-bit platforms Steam supports. `SendMessages` takes the 3 arguments of SDK 1.62/1.64.
 * @packageDocumentation
 */

/** `ISteamNetworkingSockets`. */
export const SOCKETS = {
  // ISteamNetworkingSockets *SteamAPI_SteamNetworkingSockets_SteamAPI_v012();
  SteamNetworkingSockets: 'void *SteamAPI_SteamNetworkingSockets_SteamAPI_v012()',
  // HSteamListenSocket CreateListenSocketP2P( int nLocalVirtualPort, int nOptions, const SteamNetworkingConfigValue_t *pOptions );
  CreateListenSocketP2P:
    'uint32_t SteamAPI_ISteamNetworkingSockets_CreateListenSocketP2P(uint64_t self, int nLocalVirtualPort, int nOptions, const void *pOptions)',
  // HSteamNetConnection ConnectP2P( const SteamNetworkingIdentity &identityRemote, int nRemoteVirtualPort, int nOptions, const SteamNetworkingConfigValue_t *pOptions );
  ConnectP2P:
    'uint32_t SteamAPI_ISteamNetworkingSockets_ConnectP2P(uint64_t self, const void *identityRemote, int nRemoteVirtualPort, int nOptions, const void *pOptions)',
  // EResult AcceptConnection( HSteamNetConnection hConn );
  AcceptConnection: 'int SteamAPI_ISteamNetworkingSockets_AcceptConnection(uint64_t self, uint32_t hConn)',
  // bool CloseConnection( HSteamNetConnection hPeer, int nReason, const char *pszDebug, bool bEnableLinger );
  CloseConnection:
    'bool SteamAPI_ISteamNetworkingSockets_CloseConnection(uint64_t self, uint32_t hPeer, int nReason, const char *pszDebug, bool bEnableLinger)',
  // bool CloseListenSocket( HSteamListenSocket hSocket );
  CloseListenSocket:
    'bool SteamAPI_ISteamNetworkingSockets_CloseListenSocket(uint64_t self, uint32_t hSocket)',
  // bool SetConnectionUserData( HSteamNetConnection hPeer, int64 nUserData );
  SetConnectionUserData:
    'bool SteamAPI_ISteamNetworkingSockets_SetConnectionUserData(uint64_t self, uint32_t hPeer, int64_t nUserData)',
  // int64 GetConnectionUserData( HSteamNetConnection hPeer );
  GetConnectionUserData:
    'int64_t SteamAPI_ISteamNetworkingSockets_GetConnectionUserData(uint64_t self, uint32_t hPeer)',
  // void SetConnectionName( HSteamNetConnection hPeer, const char *pszName );
  SetConnectionName:
    'void SteamAPI_ISteamNetworkingSockets_SetConnectionName(uint64_t self, uint32_t hPeer, const char *pszName)',
  // bool GetConnectionName( HSteamNetConnection hPeer, char *pszName, int nMaxLen );
  GetConnectionName:
    'bool SteamAPI_ISteamNetworkingSockets_GetConnectionName(uint64_t self, uint32_t hPeer, void *pszName, int nMaxLen)',
  // EResult SendMessageToConnection( HSteamNetConnection hConn, const void *pData, uint32 cbData, int nSendFlags, int64 *pOutMessageNumber );
  SendMessageToConnection:
    'int SteamAPI_ISteamNetworkingSockets_SendMessageToConnection(uint64_t self, uint32_t hConn, const void *pData, uint32_t cbData, int nSendFlags, void *pOutMessageNumber)',
  // void SendMessages( int nMessages, SteamNetworkingMessage_t *const *pMessages, int64 *pOutMessageNumberOrResult );
  SendMessages:
    'void SteamAPI_ISteamNetworkingSockets_SendMessages(uint64_t self, int nMessages, const void *pMessages, void *pOutMessageNumberOrResult)',
  // EResult FlushMessagesOnConnection( HSteamNetConnection hConn );
  FlushMessagesOnConnection:
    'int SteamAPI_ISteamNetworkingSockets_FlushMessagesOnConnection(uint64_t self, uint32_t hConn)',
  // int ReceiveMessagesOnConnection( HSteamNetConnection hConn, SteamNetworkingMessage_t **ppOutMessages, int nMaxMessages );
  ReceiveMessagesOnConnection:
    'int SteamAPI_ISteamNetworkingSockets_ReceiveMessagesOnConnection(uint64_t self, uint32_t hConn, void *ppOutMessages, int nMaxMessages)',
  // bool GetConnectionInfo( HSteamNetConnection hConn, SteamNetConnectionInfo_t *pInfo );
  GetConnectionInfo:
    'bool SteamAPI_ISteamNetworkingSockets_GetConnectionInfo(uint64_t self, uint32_t hConn, void *pInfo)',
  // EResult GetConnectionRealTimeStatus( HSteamNetConnection hConn, SteamNetConnectionRealTimeStatus_t *pStatus, int nLanes, SteamNetConnectionRealTimeLaneStatus_t *pLanes );
  GetConnectionRealTimeStatus:
    'int SteamAPI_ISteamNetworkingSockets_GetConnectionRealTimeStatus(uint64_t self, uint32_t hConn, void *pStatus, int nLanes, void *pLanes)',
  // int GetDetailedConnectionStatus( HSteamNetConnection hConn, char *pszBuf, int cbBuf );
  GetDetailedConnectionStatus:
    'int SteamAPI_ISteamNetworkingSockets_GetDetailedConnectionStatus(uint64_t self, uint32_t hConn, void *pszBuf, int cbBuf)',
  // EResult ConfigureConnectionLanes( HSteamNetConnection hConn, int nNumLanes, const int *pLanePriorities, const uint16 *pLaneWeights );
  ConfigureConnectionLanes:
    'int SteamAPI_ISteamNetworkingSockets_ConfigureConnectionLanes(uint64_t self, uint32_t hConn, int nNumLanes, const void *pLanePriorities, const void *pLaneWeights)',
  // bool GetIdentity( SteamNetworkingIdentity *pIdentity );
  GetIdentity: 'bool SteamAPI_ISteamNetworkingSockets_GetIdentity(uint64_t self, void *pIdentity)',
  // ESteamNetworkingAvailability InitAuthentication();
  InitAuthentication: 'int SteamAPI_ISteamNetworkingSockets_InitAuthentication(uint64_t self)',
  // ESteamNetworkingAvailability GetAuthenticationStatus( SteamNetAuthenticationStatus_t *pDetails );
  GetAuthenticationStatus:
    'int SteamAPI_ISteamNetworkingSockets_GetAuthenticationStatus(uint64_t self, void *pDetails)',
  // HSteamNetPollGroup CreatePollGroup();
  CreatePollGroup: 'uint32_t SteamAPI_ISteamNetworkingSockets_CreatePollGroup(uint64_t self)',
  // bool DestroyPollGroup( HSteamNetPollGroup hPollGroup );
  DestroyPollGroup:
    'bool SteamAPI_ISteamNetworkingSockets_DestroyPollGroup(uint64_t self, uint32_t hPollGroup)',
  // bool SetConnectionPollGroup( HSteamNetConnection hConn, HSteamNetPollGroup hPollGroup );
  SetConnectionPollGroup:
    'bool SteamAPI_ISteamNetworkingSockets_SetConnectionPollGroup(uint64_t self, uint32_t hConn, uint32_t hPollGroup)',
  // int ReceiveMessagesOnPollGroup( HSteamNetPollGroup hPollGroup, SteamNetworkingMessage_t **ppOutMessages, int nMaxMessages );
  ReceiveMessagesOnPollGroup:
    'int SteamAPI_ISteamNetworkingSockets_ReceiveMessagesOnPollGroup(uint64_t self, uint32_t hPollGroup, void *ppOutMessages, int nMaxMessages)',
  // bool CreateSocketPair( HSteamNetConnection *pOutConnection1, HSteamNetConnection *pOutConnection2, bool bUseNetworkLoopback, const SteamNetworkingIdentity *pIdentity1, const SteamNetworkingIdentity *pIdentity2 );
  CreateSocketPair:
    'bool SteamAPI_ISteamNetworkingSockets_CreateSocketPair(uint64_t self, void *pOutConnection1, void *pOutConnection2, bool bUseNetworkLoopback, const void *pIdentity1, const void *pIdentity2)',
  // void SteamAPI_SteamNetworkingMessage_t_Release( SteamNetworkingMessage_t* self );  (by address)
  Message_Release: 'void SteamAPI_SteamNetworkingMessage_t_Release(uint64_t self)',
} as const;

/** `ISteamNetworkingUtils`. */
export const UTILS = {
  // ISteamNetworkingUtils *SteamAPI_SteamNetworkingUtils_SteamAPI_v004();
  SteamNetworkingUtils: 'void *SteamAPI_SteamNetworkingUtils_SteamAPI_v004()',
  // SteamNetworkingMessage_t *AllocateMessage( int cbAllocateBuffer );  (the address, as a number)
  AllocateMessage:
    'uint64_t SteamAPI_ISteamNetworkingUtils_AllocateMessage(uint64_t self, int cbAllocateBuffer)',
  // void InitRelayNetworkAccess();
  InitRelayNetworkAccess: 'void SteamAPI_ISteamNetworkingUtils_InitRelayNetworkAccess(uint64_t self)',
  // ESteamNetworkingAvailability GetRelayNetworkStatus( SteamRelayNetworkStatus_t *pDetails );
  GetRelayNetworkStatus:
    'int SteamAPI_ISteamNetworkingUtils_GetRelayNetworkStatus(uint64_t self, void *pDetails)',
  // SteamNetworkingMicroseconds GetLocalTimestamp();
  GetLocalTimestamp: 'int64_t SteamAPI_ISteamNetworkingUtils_GetLocalTimestamp(uint64_t self)',
  // bool SetConfigValue( ESteamNetworkingConfigValue eValue, ESteamNetworkingConfigScope eScopeType, intptr_t scopeObj, ESteamNetworkingConfigDataType eDataType, const void *pArg );
  SetConfigValue:
    'bool SteamAPI_ISteamNetworkingUtils_SetConfigValue(uint64_t self, int eValue, int eScopeType, intptr_t scopeObj, int eDataType, const void *pArg)',
  // ESteamNetworkingGetConfigValueResult GetConfigValue( eValue, eScopeType, intptr_t scopeObj, ESteamNetworkingConfigDataType *pOutDataType, void *pResult, size_t *cbResult );
  GetConfigValue:
    'int SteamAPI_ISteamNetworkingUtils_GetConfigValue(uint64_t self, int eValue, int eScopeType, intptr_t scopeObj, void *pOutDataType, void *pResult, void *cbResult)',
  // const char *GetConfigValueInfo( ESteamNetworkingConfigValue eValue, ESteamNetworkingConfigDataType *pOutDataType, ESteamNetworkingConfigScope *pOutScope );
  GetConfigValueInfo:
    'const char *SteamAPI_ISteamNetworkingUtils_GetConfigValueInfo(uint64_t self, int eValue, void *pOutDataType, void *pOutScope)',
} as const;

/** A typed array or buffer koffi passes as a pointer to its bytes. */
type Bytes = ArrayBufferView;

/** Typed view of {@link SOCKETS}; `self` is the interface address as a number. */
export interface SocketsFunctions {
  SteamNetworkingSockets(): bigint | null;
  CreateListenSocketP2P(self: number, port: number, n: number, options: Bytes | null): number;
  ConnectP2P(self: number, identity: Bytes, port: number, n: number, options: Bytes | null): number;
  AcceptConnection(self: number, conn: number): number;
  CloseConnection(self: number, conn: number, reason: number, debug: string | null, linger: boolean): boolean;
  CloseListenSocket(self: number, socket: number): boolean;
  SetConnectionUserData(self: number, conn: number, data: bigint): boolean;
  GetConnectionUserData(self: number, conn: number): number | bigint;
  SetConnectionName(self: number, conn: number, name: string): void;
  GetConnectionName(self: number, conn: number, out: Bytes, max: number): boolean;
  SendMessageToConnection(
    self: number,
    conn: number,
    data: Bytes,
    size: number,
    flags: number,
    number: Bytes,
  ): number;
  SendMessages(self: number, n: number, messages: Bytes, results: Bytes): void;
  FlushMessagesOnConnection(self: number, conn: number): number;
  ReceiveMessagesOnConnection(self: number, conn: number, out: Bytes, max: number): number;
  GetConnectionInfo(self: number, conn: number, info: Bytes): boolean;
  GetConnectionRealTimeStatus(
    self: number,
    conn: number,
    status: Bytes | null,
    lanes: number,
    out: Bytes | null,
  ): number;
  GetDetailedConnectionStatus(self: number, conn: number, out: Bytes | null, size: number): number;
  ConfigureConnectionLanes(
    self: number,
    conn: number,
    lanes: number,
    priorities: Bytes | null,
    weights: Bytes | null,
  ): number;
  GetIdentity(self: number, out: Bytes): boolean;
  InitAuthentication(self: number): number;
  GetAuthenticationStatus(self: number, out: Bytes | null): number;
  CreatePollGroup(self: number): number;
  DestroyPollGroup(self: number, group: number): boolean;
  SetConnectionPollGroup(self: number, conn: number, group: number): boolean;
  ReceiveMessagesOnPollGroup(self: number, group: number, out: Bytes, max: number): number;
  CreateSocketPair(
    self: number,
    out1: Bytes,
    out2: Bytes,
    loopback: boolean,
    identity1: Bytes | null,
    identity2: Bytes | null,
  ): boolean;
  Message_Release(message: number): void;
}

/** Typed view of {@link UTILS}; `self` is the interface address as a number. */
export interface UtilsFunctions {
  SteamNetworkingUtils(): bigint | null;
  AllocateMessage(self: number, size: number): number;
  InitRelayNetworkAccess(self: number): void;
  GetRelayNetworkStatus(self: number, out: Bytes | null): number;
  GetLocalTimestamp(self: number): number | bigint;
  SetConfigValue(
    self: number,
    value: number,
    scope: number,
    object: number,
    type: number,
    arg: Bytes | null,
  ): boolean;
  GetConfigValue(
    self: number,
    value: number,
    scope: number,
    object: number,
    outType: Bytes | null,
    result: Bytes | null,
    size: Bytes,
  ): number;
  GetConfigValueInfo(
    self: number,
    value: number,
    outType: Bytes | null,
    outScope: Bytes | null,
  ): string | null;
}
