// Types of build-native.mjs, for the TypeScript tests and benches that import it.
export declare const nativeSourceDir: string;
export declare const nativeBuildDir: string;
export declare const nativeLibraryPath: string;
export declare function nativeLibraryFile(platform?: NodeJS.Platform): string;
export declare class NativeBuildError extends Error {}
/** Compiler and flags for one target (see build-native.mjs). */
export interface BuildPlan {
  program: string;
  compilerArgs: string[];
  compiler: string;
  common: string[];
  library: string[];
  libraryLibs: string[];
  executableLibs: string[];
  executableSuffix: string;
  libraryFile: string;
  installHint: string;
}
export declare function buildPlan(options?: {
  target?: NodeJS.Platform;
  host?: NodeJS.Platform;
  env?: Readonly<Record<string, string | undefined>>;
}): BuildPlan;
export declare function compileC(options: {
  sources: string[];
  output: string;
  inputs?: string[];
  flags?: string[];
  libs?: string[];
  plan?: BuildPlan;
}): boolean;
export declare function buildNativeFake(options?: { target?: NodeJS.Platform; outDir?: string }): {
  path: string;
  built: boolean;
};
/** The tests' C programs, by name. */
export declare const NATIVE_TOOLS: Readonly<
  Record<string, { source: string; flags: readonly string[]; headers: readonly string[] }>
>;
export declare function buildNativeTool(
  name: string,
  options?: { target?: NodeJS.Platform; outDir?: string },
): { path: string; built: boolean };
