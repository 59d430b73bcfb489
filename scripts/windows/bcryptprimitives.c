/*
 * bcryptprimitives.dll with the one function Wine 8 lacks: ProcessPrng, which Rust's standard library
 * (in rolldown's Windows binding, used by vitest) calls for random bytes. Implemented with
 * RtlGenRandom (advapi32 SystemFunction036), which Wine has. Installed only into the test prefix.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
