/**
 * Every C function the binding calls, declared once, as koffi prototypes that mirror Valve's flat API
 * (SDK 1.62 `steam_api.h`, `steam_api_internal.h`, `steam_api_flat.h`). The rest of the package calls
 * the typed wrappers returned by {@link bindFunctions} and never writes a prototype.
 *
 * Conventions (see STEAM_API.md §12): interface pointers (`ISteamX *self`) are `void *`; a
 * `uint64_steamid` is `uint64_t`; `const SteamNetworkingIdentity &` and every struct out-parameter are
 * `void *` filled from/into a preallocated buffer; enums are `int`. koffi rejects C comments inside
 * prototype strings, so the header each line mirrors is in the comment above it.
 *
 * Type-only import of koffi: this file loads nothing by itself.
 * @packageDocumentation
 */
import type * as Koffi from 'koffi';
import { APPS, type AppsFunctions, LOBBIES, type LobbyFunctions } from './flat-lobbies.js';
import { SOCKETS, type SocketsFunctions, UTILS, type UtilsFunctions } from './flat-sockets.js';

export type { SocketsFunctions, UtilsFunctions } from './flat-sockets.js';

/** A native address as koffi 3 represents it (`null` for NULL). */
export type NativePointer = bigint;

/** Init, shutdown, manual dispatch and the local user: needed by every backend. */
const CORE = {
  // steam_api.h: ESteamAPIInitResult SteamAPI_InitFlat( SteamErrMsg *pOutErrMsg );  SteamErrMsg = char[1024]
  InitFlat: 'int SteamAPI_InitFlat(void *pOutErrMsg)',
  // steam_api.h: void SteamAPI_Shutdown();
  Shutdown: 'void SteamAPI_Shutdown()',
  // steam_api.h: bool SteamAPI_IsSteamRunning();
  IsSteamRunning: 'bool SteamAPI_IsSteamRunning()',
  // steam_api_internal.h: HSteamPipe SteamAPI_GetHSteamPipe();  HSteamPipe = int32
  GetHSteamPipe: 'int32_t SteamAPI_GetHSteamPipe()',
  // steam_api_internal.h: HSteamUser SteamAPI_GetHSteamUser();  HSteamUser = int32
  GetHSteamUser: 'int32_t SteamAPI_GetHSteamUser()',
  // steam_api.h: void SteamAPI_ManualDispatch_Init();
  ManualDispatch_Init: 'void SteamAPI_ManualDispatch_Init()',
  // steam_api.h: void SteamAPI_ManualDispatch_RunFrame( HSteamPipe hSteamPipe );
  ManualDispatch_RunFrame: 'void SteamAPI_ManualDispatch_RunFrame(int32_t hSteamPipe)',
  // steam_api.h: bool SteamAPI_ManualDispatch_GetNextCallback( HSteamPipe hSteamPipe, CallbackMsg_t *pCallbackMsg );
  ManualDispatch_GetNextCallback:
    'bool SteamAPI_ManualDispatch_GetNextCallback(int32_t hSteamPipe, void *pCallbackMsg)',
  // steam_api.h: void SteamAPI_ManualDispatch_FreeLastCallback( HSteamPipe hSteamPipe );
  ManualDispatch_FreeLastCallback: 'void SteamAPI_ManualDispatch_FreeLastCallback(int32_t hSteamPipe)',
  // steam_api.h: bool SteamAPI_ManualDispatch_GetAPICallResult( HSteamPipe, SteamAPICall_t, void *pCallback, int cubCallback, int iCallbackExpected, bool *pbFailed );
  ManualDispatch_GetAPICallResult:
    'bool SteamAPI_ManualDispatch_GetAPICallResult(int32_t hSteamPipe, uint64_t hSteamAPICall, void *pCallback, int cubCallback, int iCallbackExpected, void *pbFailed)',
  // steam_api_flat.h: ISteamUser *SteamAPI_SteamUser_v023();
  SteamUser: 'void *SteamAPI_SteamUser_v023()',
  // steam_api_flat.h: uint64_steamid SteamAPI_ISteamUser_GetSteamID( ISteamUser* self );
  ISteamUser_GetSteamID: 'uint64_t SteamAPI_ISteamUser_GetSteamID(void *self)',
} as const;

/** The legacy `ISteamNetworking` P2P API (isteamnetworking.h, interface `SteamNetworking006`). */
const LEGACY = {
  // steam_api_flat.h: ISteamNetworking *SteamAPI_SteamNetworking_v006();
  SteamNetworking: 'void *SteamAPI_SteamNetworking_v006()',
  // bool SteamAPI_ISteamNetworking_SendP2PPacket( ISteamNetworking* self, uint64_steamid steamIDRemote, const void * pubData, uint32 cubData, EP2PSend eP2PSendType, int nChannel );
  SendP2PPacket:
    'bool SteamAPI_ISteamNetworking_SendP2PPacket(void *self, uint64_t steamIDRemote, const void *pubData, uint32_t cubData, int eP2PSendType, int nChannel)',
  // bool SteamAPI_ISteamNetworking_IsP2PPacketAvailable( ISteamNetworking* self, uint32 * pcubMsgSize, int nChannel );
  IsP2PPacketAvailable:
    'bool SteamAPI_ISteamNetworking_IsP2PPacketAvailable(void *self, void *pcubMsgSize, int nChannel)',
  // bool SteamAPI_ISteamNetworking_ReadP2PPacket( ISteamNetworking* self, void * pubDest, uint32 cubDest, uint32 * pcubMsgSize, CSteamID * psteamIDRemote, int nChannel );
  ReadP2PPacket:
    'bool SteamAPI_ISteamNetworking_ReadP2PPacket(void *self, void *pubDest, uint32_t cubDest, void *pcubMsgSize, void *psteamIDRemote, int nChannel)',
  // bool SteamAPI_ISteamNetworking_AcceptP2PSessionWithUser( ISteamNetworking* self, uint64_steamid steamIDRemote );
  AcceptP2PSessionWithUser:
    'bool SteamAPI_ISteamNetworking_AcceptP2PSessionWithUser(void *self, uint64_t steamIDRemote)',
  // bool SteamAPI_ISteamNetworking_CloseP2PSessionWithUser( ISteamNetworking* self, uint64_steamid steamIDRemote );
  CloseP2PSessionWithUser:
    'bool SteamAPI_ISteamNetworking_CloseP2PSessionWithUser(void *self, uint64_t steamIDRemote)',
  // bool SteamAPI_ISteamNetworking_CloseP2PChannelWithUser( ISteamNetworking* self, uint64_steamid steamIDRemote, int nChannel );
  CloseP2PChannelWithUser:
    'bool SteamAPI_ISteamNetworking_CloseP2PChannelWithUser(void *self, uint64_t steamIDRemote, int nChannel)',
  // bool SteamAPI_ISteamNetworking_GetP2PSessionState( ISteamNetworking* self, uint64_steamid steamIDRemote, P2PSessionState_t * pConnectionState );
  GetP2PSessionState:
    'bool SteamAPI_ISteamNetworking_GetP2PSessionState(void *self, uint64_t steamIDRemote, void *pConnectionState)',
  // bool SteamAPI_ISteamNetworking_AllowP2PPacketRelay( ISteamNetworking* self, bool bAllow );
  AllowP2PPacketRelay: 'bool SteamAPI_ISteamNetworking_AllowP2PPacketRelay(void *self, bool bAllow)',
} as const;

/** `ISteamNetworkingMessages` (isteamnetworkingmessages.h, interface `SteamNetworkingMessages002`). */
const MESSAGES = {
  // steam_api_flat.h: ISteamNetworkingMessages *SteamAPI_SteamNetworkingMessages_SteamAPI_v002();
  SteamNetworkingMessages: 'void *SteamAPI_SteamNetworkingMessages_SteamAPI_v002()',
  // EResult SteamAPI_ISteamNetworkingMessages_SendMessageToUser( ISteamNetworkingMessages* self, const SteamNetworkingIdentity & identityRemote, const void * pubData, uint32 cubData, int nSendFlags, int nRemoteChannel );
  SendMessageToUser:
    'int SteamAPI_ISteamNetworkingMessages_SendMessageToUser(void *self, const void *identityRemote, const void *pubData, uint32_t cubData, int nSendFlags, int nRemoteChannel)',
  // int SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel( ISteamNetworkingMessages* self, int nLocalChannel, SteamNetworkingMessage_t ** ppOutMessages, int nMaxMessages );
  ReceiveMessagesOnChannel:
    'int SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel(void *self, int nLocalChannel, void *ppOutMessages, int nMaxMessages)',
  // bool SteamAPI_ISteamNetworkingMessages_AcceptSessionWithUser( ISteamNetworkingMessages* self, const SteamNetworkingIdentity & identityRemote );
  AcceptSessionWithUser:
    'bool SteamAPI_ISteamNetworkingMessages_AcceptSessionWithUser(void *self, const void *identityRemote)',
  // bool SteamAPI_ISteamNetworkingMessages_CloseSessionWithUser( ISteamNetworkingMessages* self, const SteamNetworkingIdentity & identityRemote );
  CloseSessionWithUser:
    'bool SteamAPI_ISteamNetworkingMessages_CloseSessionWithUser(void *self, const void *identityRemote)',
  // bool SteamAPI_ISteamNetworkingMessages_CloseChannelWithUser( ISteamNetworkingMessages* self, const SteamNetworkingIdentity & identityRemote, int nLocalChannel );
  CloseChannelWithUser:
    'bool SteamAPI_ISteamNetworkingMessages_CloseChannelWithUser(void *self, const void *identityRemote, int nLocalChannel)',
  // ESteamNetworkingConnectionState SteamAPI_ISteamNetworkingMessages_GetSessionConnectionInfo( ISteamNetworkingMessages* self, const SteamNetworkingIdentity & identityRemote, SteamNetConnectionInfo_t * pConnectionInfo, SteamNetConnectionRealTimeStatus_t * pQuickStatus );
  GetSessionConnectionInfo:
    'int SteamAPI_ISteamNetworkingMessages_GetSessionConnectionInfo(void *self, const void *identityRemote, void *pConnectionInfo, void *pQuickStatus)',
  // void SteamAPI_SteamNetworkingMessage_t_Release( SteamNetworkingMessage_t* self );
  Message_Release: 'void SteamAPI_SteamNetworkingMessage_t_Release(void *self)',
} as const;

/** Typed view of {@link CORE}. Buffers passed as `void *` are read/written in place by the library. */
export interface CoreFunctions {
  InitFlat(errMsg: Uint8Array): number;
  Shutdown(): void;
  IsSteamRunning(): boolean;
  GetHSteamPipe(): number;
  GetHSteamUser(): number;
  ManualDispatch_Init(): void;
  ManualDispatch_RunFrame(pipe: number): void;
  ManualDispatch_GetNextCallback(pipe: number, msg: Uint8Array): boolean;
  ManualDispatch_FreeLastCallback(pipe: number): void;
  ManualDispatch_GetAPICallResult(
    pipe: number,
    call: bigint,
    out: Uint8Array,
    size: number,
    expected: number,
    failed: Uint8Array,
  ): boolean;
  SteamUser(): NativePointer | null;
  ISteamUser_GetSteamID(self: NativePointer): number | bigint;
}

/** Typed view of {@link LEGACY}. */
export interface LegacyFunctions {
  SteamNetworking(): NativePointer | null;
  SendP2PPacket(
    self: NativePointer,
    id: bigint,
    data: Uint8Array,
    size: number,
    sendType: number,
    channel: number,
  ): boolean;
  IsP2PPacketAvailable(self: NativePointer, size: Uint32Array, channel: number): boolean;
  ReadP2PPacket(
    self: NativePointer,
    dest: Uint8Array,
    destSize: number,
    size: Uint32Array,
    /** CSteamID out-parameter as two little-endian uint32 halves (every Steam platform is little-endian). */
    remote: Uint32Array,
    channel: number,
  ): boolean;
  AcceptP2PSessionWithUser(self: NativePointer, id: bigint): boolean;
  CloseP2PSessionWithUser(self: NativePointer, id: bigint): boolean;
  CloseP2PChannelWithUser(self: NativePointer, id: bigint, channel: number): boolean;
  GetP2PSessionState(self: NativePointer, id: bigint, state: Uint8Array): boolean;
  AllowP2PPacketRelay(self: NativePointer, allow: boolean): boolean;
}

/** Typed view of {@link MESSAGES}. */
export interface MessagesFunctions {
  SteamNetworkingMessages(): NativePointer | null;
  SendMessageToUser(
    self: NativePointer,
    identity: Uint8Array,
    data: Uint8Array,
    size: number,
    flags: number,
    channel: number,
  ): number;
  ReceiveMessagesOnChannel(self: NativePointer, channel: number, out: BigUint64Array, max: number): number;
  AcceptSessionWithUser(self: NativePointer, identity: Uint8Array): boolean;
  CloseSessionWithUser(self: NativePointer, identity: Uint8Array): boolean;
  CloseChannelWithUser(self: NativePointer, identity: Uint8Array, channel: number): boolean;
  GetSessionConnectionInfo(
    self: NativePointer,
    identity: Uint8Array,
    info: Uint8Array | null,
    status: Uint8Array | null,
  ): number;
  Message_Release(message: NativePointer): void;
}

/** The declaration tables, by group. */
export const DECLARATIONS = {
  core: CORE,
  legacy: LEGACY,
  messages: MESSAGES,
  sockets: SOCKETS,
  utils: UTILS,
  lobbies: LOBBIES,
  apps: APPS,
} as const;

/** A group of declarations: `core`, or one backend. */
export type DeclarationGroup = keyof typeof DECLARATIONS;

/** The exported C name a prototype declares, e.g. `SteamAPI_InitFlat`. */
function symbolOf(prototype: string): string {
  const match = /([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(prototype);
  if (!match) throw new Error(`Malformed prototype: ${prototype}`);
  return match[1]!;
}

function symbolsOf(group: Record<string, string>): readonly string[] {
  return Object.freeze(Object.values(group).map(symbolOf));
}

/**
 * Every C symbol the binding binds, by group. Derived from the declarations above, so it cannot drift
 * from what is actually called.
 */
export const REQUIRED_SYMBOLS: {
  readonly core: readonly string[];
  readonly legacy: readonly string[];
  readonly messages: readonly string[];
  /** The Sockets backend and the typed Sockets API. */
  readonly sockets: readonly string[];
  /** The typed Utils API; the Sockets backend uses it too (`AllocateMessage`). */
  readonly utils: readonly string[];
  /** ISteamMatchmaking, ISteamFriends and ISteamUtils: bound when `session.lobbies`/`session.friends` is first used. */
  readonly lobbies: readonly string[];
  /** ISteamApps (the launch command line); optional at run time (SDK 1.64 renamed its accessor). */
  readonly apps: readonly string[];
} = Object.freeze({
  core: symbolsOf(CORE),
  legacy: symbolsOf(LEGACY),
  messages: symbolsOf(MESSAGES),
  sockets: symbolsOf(SOCKETS),
  utils: symbolsOf(UTILS),
  lobbies: symbolsOf(LOBBIES),
  apps: symbolsOf(APPS),
});

/** Result of binding a group: the functions, or the names the library lacks. */
export type BindResult<F> = { ok: true; functions: F } | { ok: false; missing: string[] };

/** True when koffi's error says the symbol is absent (as opposed to a malformed prototype, a bug). */
function isMissingSymbol(err: unknown): boolean {
  return err instanceof Error && /cannot find|not found|undefined symbol/i.test(err.message);
}

/** Binds one group of declarations from `lib`, collecting every missing symbol instead of stopping at the first. */
export function bindFunctions(lib: Koffi.LibraryHandle, group: 'core'): BindResult<CoreFunctions>;
export function bindFunctions(lib: Koffi.LibraryHandle, group: 'legacy'): BindResult<LegacyFunctions>;
export function bindFunctions(lib: Koffi.LibraryHandle, group: 'messages'): BindResult<MessagesFunctions>;
export function bindFunctions(lib: Koffi.LibraryHandle, group: 'sockets'): BindResult<SocketsFunctions>;
export function bindFunctions(lib: Koffi.LibraryHandle, group: 'utils'): BindResult<UtilsFunctions>;
export function bindFunctions(lib: Koffi.LibraryHandle, group: 'lobbies'): BindResult<LobbyFunctions>;
export function bindFunctions(lib: Koffi.LibraryHandle, group: 'apps'): BindResult<AppsFunctions>;
export function bindFunctions(lib: Koffi.LibraryHandle, group: DeclarationGroup): BindResult<unknown> {
  const functions: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [key, prototype] of Object.entries(DECLARATIONS[group] as Record<string, string>)) {
    try {
      functions[key] = lib.func(prototype);
    } catch (err) {
      if (!isMissingSymbol(err)) throw err;
      missing.push(symbolOf(prototype));
    }
  }
  return missing.length === 0 ? { ok: true, functions } : { ok: false, missing };
}
