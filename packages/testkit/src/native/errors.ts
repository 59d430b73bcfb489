/**
 * Errors of the native fake Steam helpers. Each has a stable `code` (see `SteamwireError`).
 * @packageDocumentation
 */
import { SteamwireError } from '@steamwire/transport-steam';

/** The native fake library could not be built (no C compiler, a compile error, or an unsupported OS). */
export class NativeFakeBuildError extends SteamwireError {
  /** What the build script printed. */
  readonly output: string;
  constructor(output: string) {
    super(
      'NATIVE_FAKE_BUILD_FAILED',
      `The native fake Steam library could not be built: ${output.trim() || 'the build script failed'}`,
    );
    this.output = output;
  }
}

/** An option of a native fake peer or harness is out of range. */
export class InvalidNativeFakeOptionError extends SteamwireError {
  /** Name of the offending option. */
  readonly option: string;
  constructor(option: string, expected: string, value: unknown) {
    super(
      'INVALID_NATIVE_FAKE_OPTION',
      `Native fake option "${option}" must be ${expected}; got ${String(value)}.`,
    );
    this.option = option;
  }
}
