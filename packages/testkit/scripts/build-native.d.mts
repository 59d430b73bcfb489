// Types of build-native.mjs, for the TypeScript tests and benches that import it.
export declare const nativeSourceDir: string;
export declare const nativeBuildDir: string;
export declare const nativeLibraryPath: string;
export declare class NativeBuildError extends Error {}
export declare function compileC(options: {
  sources: string[];
  output: string;
  inputs?: string[];
  flags?: string[];
  libs?: string[];
}): boolean;
export declare function buildNativeFake(): { path: string; built: boolean };
