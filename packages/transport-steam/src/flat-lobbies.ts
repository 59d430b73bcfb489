/**
 * The C functions of the lobby and friends APIs, as koffi prototypes mirroring Valve's SDK 1.62
 * `steam_api_flat.h` (ISteamMatchmaking 241-274, ISteamFriends 100-176, ISteamUtils 185-205,
 * ISteamApps 479-508), with their typed views. `flat.ts` binds them as the `lobbies` and `apps` groups.
 *
 * Same conventions as flat.ts: `self` is `void *`, a `uint64_steamid` or `SteamAPICall_t` is
 * `uint64_t`, enums are `int`, out-parameters are `void *` buffers. A `const char *` return is declared
 * `const char *` so koffi copies the C string at once (Steam may free it later).
 * @packageDocumentation
 */
/** A native address as koffi 3 represents it (as in flat.ts). */
type NativePointer = bigint;

/** ISteamMatchmaking (interface `SteamMatchMaking009`), ISteamFriends (`SteamFriends018`) and ISteamUtils (`SteamUtils010`). */
export const LOBBIES = {
  // ISteamMatchmaking *SteamAPI_SteamMatchmaking_v009();
  SteamMatchmaking: 'void *SteamAPI_SteamMatchmaking_v009()',
  // SteamAPICall_t SteamAPI_ISteamMatchmaking_RequestLobbyList( ISteamMatchmaking* self );
  RequestLobbyList: 'uint64_t SteamAPI_ISteamMatchmaking_RequestLobbyList(void *self)',
  // void SteamAPI_ISteamMatchmaking_AddRequestLobbyListStringFilter( ISteamMatchmaking* self, const char * pchKeyToMatch, const char * pchValueToMatch, ELobbyComparison eComparisonType );
  AddRequestLobbyListStringFilter:
    'void SteamAPI_ISteamMatchmaking_AddRequestLobbyListStringFilter(void *self, const char *pchKeyToMatch, const char *pchValueToMatch, int eComparisonType)',
  // void SteamAPI_ISteamMatchmaking_AddRequestLobbyListNumericalFilter( ISteamMatchmaking* self, const char * pchKeyToMatch, int nValueToMatch, ELobbyComparison eComparisonType );
  AddRequestLobbyListNumericalFilter:
    'void SteamAPI_ISteamMatchmaking_AddRequestLobbyListNumericalFilter(void *self, const char *pchKeyToMatch, int nValueToMatch, int eComparisonType)',
  // void SteamAPI_ISteamMatchmaking_AddRequestLobbyListNearValueFilter( ISteamMatchmaking* self, const char * pchKeyToMatch, int nValueToBeCloseTo );
  AddRequestLobbyListNearValueFilter:
    'void SteamAPI_ISteamMatchmaking_AddRequestLobbyListNearValueFilter(void *self, const char *pchKeyToMatch, int nValueToBeCloseTo)',
  // void SteamAPI_ISteamMatchmaking_AddRequestLobbyListFilterSlotsAvailable( ISteamMatchmaking* self, int nSlotsAvailable );
  AddRequestLobbyListFilterSlotsAvailable:
    'void SteamAPI_ISteamMatchmaking_AddRequestLobbyListFilterSlotsAvailable(void *self, int nSlotsAvailable)',
  // void SteamAPI_ISteamMatchmaking_AddRequestLobbyListDistanceFilter( ISteamMatchmaking* self, ELobbyDistanceFilter eLobbyDistanceFilter );
  AddRequestLobbyListDistanceFilter:
    'void SteamAPI_ISteamMatchmaking_AddRequestLobbyListDistanceFilter(void *self, int eLobbyDistanceFilter)',
  // void SteamAPI_ISteamMatchmaking_AddRequestLobbyListResultCountFilter( ISteamMatchmaking* self, int cMaxResults );
  AddRequestLobbyListResultCountFilter:
    'void SteamAPI_ISteamMatchmaking_AddRequestLobbyListResultCountFilter(void *self, int cMaxResults)',
  // uint64_steamid SteamAPI_ISteamMatchmaking_GetLobbyByIndex( ISteamMatchmaking* self, int iLobby );
  GetLobbyByIndex: 'uint64_t SteamAPI_ISteamMatchmaking_GetLobbyByIndex(void *self, int iLobby)',
  // SteamAPICall_t SteamAPI_ISteamMatchmaking_CreateLobby( ISteamMatchmaking* self, ELobbyType eLobbyType, int cMaxMembers );
  CreateLobby: 'uint64_t SteamAPI_ISteamMatchmaking_CreateLobby(void *self, int eLobbyType, int cMaxMembers)',
  // SteamAPICall_t SteamAPI_ISteamMatchmaking_JoinLobby( ISteamMatchmaking* self, uint64_steamid steamIDLobby );
  JoinLobby: 'uint64_t SteamAPI_ISteamMatchmaking_JoinLobby(void *self, uint64_t steamIDLobby)',
  // void SteamAPI_ISteamMatchmaking_LeaveLobby( ISteamMatchmaking* self, uint64_steamid steamIDLobby );
  LeaveLobby: 'void SteamAPI_ISteamMatchmaking_LeaveLobby(void *self, uint64_t steamIDLobby)',
  // bool SteamAPI_ISteamMatchmaking_InviteUserToLobby( ISteamMatchmaking* self, uint64_steamid steamIDLobby, uint64_steamid steamIDInvitee );
  InviteUserToLobby:
    'bool SteamAPI_ISteamMatchmaking_InviteUserToLobby(void *self, uint64_t steamIDLobby, uint64_t steamIDInvitee)',
  // int SteamAPI_ISteamMatchmaking_GetNumLobbyMembers( ISteamMatchmaking* self, uint64_steamid steamIDLobby );
  GetNumLobbyMembers: 'int SteamAPI_ISteamMatchmaking_GetNumLobbyMembers(void *self, uint64_t steamIDLobby)',
  // uint64_steamid SteamAPI_ISteamMatchmaking_GetLobbyMemberByIndex( ISteamMatchmaking* self, uint64_steamid steamIDLobby, int iMember );
  GetLobbyMemberByIndex:
    'uint64_t SteamAPI_ISteamMatchmaking_GetLobbyMemberByIndex(void *self, uint64_t steamIDLobby, int iMember)',
  // const char * SteamAPI_ISteamMatchmaking_GetLobbyData( ISteamMatchmaking* self, uint64_steamid steamIDLobby, const char * pchKey );
  GetLobbyData:
    'const char *SteamAPI_ISteamMatchmaking_GetLobbyData(void *self, uint64_t steamIDLobby, const char *pchKey)',
  // bool SteamAPI_ISteamMatchmaking_SetLobbyData( ISteamMatchmaking* self, uint64_steamid steamIDLobby, const char * pchKey, const char * pchValue );
  SetLobbyData:
    'bool SteamAPI_ISteamMatchmaking_SetLobbyData(void *self, uint64_t steamIDLobby, const char *pchKey, const char *pchValue)',
  // int SteamAPI_ISteamMatchmaking_GetLobbyDataCount( ISteamMatchmaking* self, uint64_steamid steamIDLobby );
  GetLobbyDataCount: 'int SteamAPI_ISteamMatchmaking_GetLobbyDataCount(void *self, uint64_t steamIDLobby)',
  // bool SteamAPI_ISteamMatchmaking_GetLobbyDataByIndex( ISteamMatchmaking* self, uint64_steamid steamIDLobby, int iLobbyData, char * pchKey, int cchKeyBufferSize, char * pchValue, int cchValueBufferSize );
  GetLobbyDataByIndex:
    'bool SteamAPI_ISteamMatchmaking_GetLobbyDataByIndex(void *self, uint64_t steamIDLobby, int iLobbyData, void *pchKey, int cchKeyBufferSize, void *pchValue, int cchValueBufferSize)',
  // bool SteamAPI_ISteamMatchmaking_DeleteLobbyData( ISteamMatchmaking* self, uint64_steamid steamIDLobby, const char * pchKey );
  DeleteLobbyData:
    'bool SteamAPI_ISteamMatchmaking_DeleteLobbyData(void *self, uint64_t steamIDLobby, const char *pchKey)',
  // const char * SteamAPI_ISteamMatchmaking_GetLobbyMemberData( ISteamMatchmaking* self, uint64_steamid steamIDLobby, uint64_steamid steamIDUser, const char * pchKey );
  GetLobbyMemberData:
    'const char *SteamAPI_ISteamMatchmaking_GetLobbyMemberData(void *self, uint64_t steamIDLobby, uint64_t steamIDUser, const char *pchKey)',
  // void SteamAPI_ISteamMatchmaking_SetLobbyMemberData( ISteamMatchmaking* self, uint64_steamid steamIDLobby, const char * pchKey, const char * pchValue );
  SetLobbyMemberData:
    'void SteamAPI_ISteamMatchmaking_SetLobbyMemberData(void *self, uint64_t steamIDLobby, const char *pchKey, const char *pchValue)',
  // bool SteamAPI_ISteamMatchmaking_SendLobbyChatMsg( ISteamMatchmaking* self, uint64_steamid steamIDLobby, const void * pvMsgBody, int cubMsgBody );
  SendLobbyChatMsg:
    'bool SteamAPI_ISteamMatchmaking_SendLobbyChatMsg(void *self, uint64_t steamIDLobby, const void *pvMsgBody, int cubMsgBody)',
  // int SteamAPI_ISteamMatchmaking_GetLobbyChatEntry( ISteamMatchmaking* self, uint64_steamid steamIDLobby, int iChatID, CSteamID * pSteamIDUser, void * pvData, int cubData, EChatEntryType * peChatEntryType );
  GetLobbyChatEntry:
    'int SteamAPI_ISteamMatchmaking_GetLobbyChatEntry(void *self, uint64_t steamIDLobby, int iChatID, void *pSteamIDUser, void *pvData, int cubData, void *peChatEntryType)',
  // bool SteamAPI_ISteamMatchmaking_RequestLobbyData( ISteamMatchmaking* self, uint64_steamid steamIDLobby );
  RequestLobbyData: 'bool SteamAPI_ISteamMatchmaking_RequestLobbyData(void *self, uint64_t steamIDLobby)',
  // bool SteamAPI_ISteamMatchmaking_SetLobbyMemberLimit( ISteamMatchmaking* self, uint64_steamid steamIDLobby, int cMaxMembers );
  SetLobbyMemberLimit:
    'bool SteamAPI_ISteamMatchmaking_SetLobbyMemberLimit(void *self, uint64_t steamIDLobby, int cMaxMembers)',
  // int SteamAPI_ISteamMatchmaking_GetLobbyMemberLimit( ISteamMatchmaking* self, uint64_steamid steamIDLobby );
  GetLobbyMemberLimit:
    'int SteamAPI_ISteamMatchmaking_GetLobbyMemberLimit(void *self, uint64_t steamIDLobby)',
  // bool SteamAPI_ISteamMatchmaking_SetLobbyType( ISteamMatchmaking* self, uint64_steamid steamIDLobby, ELobbyType eLobbyType );
  SetLobbyType:
    'bool SteamAPI_ISteamMatchmaking_SetLobbyType(void *self, uint64_t steamIDLobby, int eLobbyType)',
  // bool SteamAPI_ISteamMatchmaking_SetLobbyJoinable( ISteamMatchmaking* self, uint64_steamid steamIDLobby, bool bLobbyJoinable );
  SetLobbyJoinable:
    'bool SteamAPI_ISteamMatchmaking_SetLobbyJoinable(void *self, uint64_t steamIDLobby, bool bLobbyJoinable)',
  // uint64_steamid SteamAPI_ISteamMatchmaking_GetLobbyOwner( ISteamMatchmaking* self, uint64_steamid steamIDLobby );
  GetLobbyOwner: 'uint64_t SteamAPI_ISteamMatchmaking_GetLobbyOwner(void *self, uint64_t steamIDLobby)',
  // bool SteamAPI_ISteamMatchmaking_SetLobbyOwner( ISteamMatchmaking* self, uint64_steamid steamIDLobby, uint64_steamid steamIDNewOwner );
  SetLobbyOwner:
    'bool SteamAPI_ISteamMatchmaking_SetLobbyOwner(void *self, uint64_t steamIDLobby, uint64_t steamIDNewOwner)',

  // ISteamFriends *SteamAPI_SteamFriends_v018();
  SteamFriends: 'void *SteamAPI_SteamFriends_v018()',
  // const char * SteamAPI_ISteamFriends_GetPersonaName( ISteamFriends* self );
  GetPersonaName: 'const char *SteamAPI_ISteamFriends_GetPersonaName(void *self)',
  // const char * SteamAPI_ISteamFriends_GetFriendPersonaName( ISteamFriends* self, uint64_steamid steamIDFriend );
  GetFriendPersonaName:
    'const char *SteamAPI_ISteamFriends_GetFriendPersonaName(void *self, uint64_t steamIDFriend)',
  // bool SteamAPI_ISteamFriends_GetFriendGamePlayed( ISteamFriends* self, uint64_steamid steamIDFriend, FriendGameInfo_t * pFriendGameInfo );
  GetFriendGamePlayed:
    'bool SteamAPI_ISteamFriends_GetFriendGamePlayed(void *self, uint64_t steamIDFriend, void *pFriendGameInfo)',
  // void SteamAPI_ISteamFriends_ActivateGameOverlayInviteDialog( ISteamFriends* self, uint64_steamid steamIDLobby );
  ActivateGameOverlayInviteDialog:
    'void SteamAPI_ISteamFriends_ActivateGameOverlayInviteDialog(void *self, uint64_t steamIDLobby)',
  // bool SteamAPI_ISteamFriends_RequestUserInformation( ISteamFriends* self, uint64_steamid steamIDUser, bool bRequireNameOnly );
  RequestUserInformation:
    'bool SteamAPI_ISteamFriends_RequestUserInformation(void *self, uint64_t steamIDUser, bool bRequireNameOnly)',
  // bool SteamAPI_ISteamFriends_SetRichPresence( ISteamFriends* self, const char * pchKey, const char * pchValue );
  SetRichPresence:
    'bool SteamAPI_ISteamFriends_SetRichPresence(void *self, const char *pchKey, const char *pchValue)',
  // void SteamAPI_ISteamFriends_ClearRichPresence( ISteamFriends* self );
  ClearRichPresence: 'void SteamAPI_ISteamFriends_ClearRichPresence(void *self)',
  // const char * SteamAPI_ISteamFriends_GetFriendRichPresence( ISteamFriends* self, uint64_steamid steamIDFriend, const char * pchKey );
  GetFriendRichPresence:
    'const char *SteamAPI_ISteamFriends_GetFriendRichPresence(void *self, uint64_t steamIDFriend, const char *pchKey)',
  // bool SteamAPI_ISteamFriends_InviteUserToGame( ISteamFriends* self, uint64_steamid steamIDFriend, const char * pchConnectString );
  InviteUserToGame:
    'bool SteamAPI_ISteamFriends_InviteUserToGame(void *self, uint64_t steamIDFriend, const char *pchConnectString)',

  // ISteamUtils *SteamAPI_SteamUtils_v010();
  SteamUtils: 'void *SteamAPI_SteamUtils_v010()',
  // ESteamAPICallFailure SteamAPI_ISteamUtils_GetAPICallFailureReason( ISteamUtils* self, SteamAPICall_t hSteamAPICall );
  GetAPICallFailureReason:
    'int SteamAPI_ISteamUtils_GetAPICallFailureReason(void *self, uint64_t hSteamAPICall)',
} as const;

/**
 * ISteamApps (interface `STEAMAPPS_INTERFACE_VERSION008`). Optional: SDK 1.64 renamed the accessor
 * to `SteamAPI_SteamApps_v009`, which friends.ts tries when this one is missing.
 */
export const APPS = {
  // ISteamApps *SteamAPI_SteamApps_v008();
  SteamApps: 'void *SteamAPI_SteamApps_v008()',
  // int SteamAPI_ISteamApps_GetLaunchCommandLine( ISteamApps* self, char * pszCommandLine, int cubCommandLine );
  GetLaunchCommandLine:
    'int SteamAPI_ISteamApps_GetLaunchCommandLine(void *self, void *pszCommandLine, int cubCommandLine)',
} as const;

/** The SDK 1.64 name of the ISteamApps accessor. */
export const APPS_ACCESSOR_V009 = 'void *SteamAPI_SteamApps_v009()';

/** A `uint64` as koffi returns it: a Number below 2^53, a BigInt above. */
type U64 = number | bigint;

/** Typed view of {@link LOBBIES}. */
export interface LobbyFunctions {
  SteamMatchmaking(): NativePointer | null;
  RequestLobbyList(self: NativePointer): U64;
  AddRequestLobbyListStringFilter(self: NativePointer, key: string, value: string, comparison: number): void;
  AddRequestLobbyListNumericalFilter(
    self: NativePointer,
    key: string,
    value: number,
    comparison: number,
  ): void;
  AddRequestLobbyListNearValueFilter(self: NativePointer, key: string, value: number): void;
  AddRequestLobbyListFilterSlotsAvailable(self: NativePointer, slots: number): void;
  AddRequestLobbyListDistanceFilter(self: NativePointer, distance: number): void;
  AddRequestLobbyListResultCountFilter(self: NativePointer, max: number): void;
  GetLobbyByIndex(self: NativePointer, index: number): U64;
  CreateLobby(self: NativePointer, type: number, maxMembers: number): U64;
  JoinLobby(self: NativePointer, lobby: bigint): U64;
  LeaveLobby(self: NativePointer, lobby: bigint): void;
  InviteUserToLobby(self: NativePointer, lobby: bigint, invitee: bigint): boolean;
  GetNumLobbyMembers(self: NativePointer, lobby: bigint): number;
  GetLobbyMemberByIndex(self: NativePointer, lobby: bigint, index: number): U64;
  GetLobbyData(self: NativePointer, lobby: bigint, key: string): string | null;
  SetLobbyData(self: NativePointer, lobby: bigint, key: string, value: string): boolean;
  GetLobbyDataCount(self: NativePointer, lobby: bigint): number;
  GetLobbyDataByIndex(
    self: NativePointer,
    lobby: bigint,
    index: number,
    key: Uint8Array,
    keySize: number,
    value: Uint8Array,
    valueSize: number,
  ): boolean;
  DeleteLobbyData(self: NativePointer, lobby: bigint, key: string): boolean;
  GetLobbyMemberData(self: NativePointer, lobby: bigint, user: bigint, key: string): string | null;
  SetLobbyMemberData(self: NativePointer, lobby: bigint, key: string, value: string): void;
  SendLobbyChatMsg(self: NativePointer, lobby: bigint, body: Uint8Array, size: number): boolean;
  GetLobbyChatEntry(
    self: NativePointer,
    lobby: bigint,
    chatId: number,
    /** CSteamID out-parameter as two little-endian uint32 halves. */
    user: Uint32Array,
    data: Uint8Array,
    size: number,
    /** EChatEntryType out-parameter: a 4-byte enum here (the callback's field is a uint8). */
    entryType: Int32Array,
  ): number;
  RequestLobbyData(self: NativePointer, lobby: bigint): boolean;
  SetLobbyMemberLimit(self: NativePointer, lobby: bigint, max: number): boolean;
  GetLobbyMemberLimit(self: NativePointer, lobby: bigint): number;
  SetLobbyType(self: NativePointer, lobby: bigint, type: number): boolean;
  SetLobbyJoinable(self: NativePointer, lobby: bigint, joinable: boolean): boolean;
  GetLobbyOwner(self: NativePointer, lobby: bigint): U64;
  SetLobbyOwner(self: NativePointer, lobby: bigint, owner: bigint): boolean;

  SteamFriends(): NativePointer | null;
  GetPersonaName(self: NativePointer): string | null;
  GetFriendPersonaName(self: NativePointer, user: bigint): string | null;
  GetFriendGamePlayed(self: NativePointer, user: bigint, out: Uint8Array): boolean;
  ActivateGameOverlayInviteDialog(self: NativePointer, lobby: bigint): void;
  RequestUserInformation(self: NativePointer, user: bigint, nameOnly: boolean): boolean;
  SetRichPresence(self: NativePointer, key: string, value: string): boolean;
  ClearRichPresence(self: NativePointer): void;
  GetFriendRichPresence(self: NativePointer, user: bigint, key: string): string | null;
  InviteUserToGame(self: NativePointer, user: bigint, connect: string): boolean;

  SteamUtils(): NativePointer | null;
  GetAPICallFailureReason(self: NativePointer, call: bigint): number;
}

/** Typed view of {@link APPS}. */
export interface AppsFunctions {
  SteamApps(): NativePointer | null;
  GetLaunchCommandLine(self: NativePointer, out: Uint8Array, size: number): number;
}
