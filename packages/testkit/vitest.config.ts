import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Every native fake started by these tests runs in strict mode: the process aborts, with a message,
// on a mistake Valve's library would crash on (a NULL self, a double release...).
export default mergeConfig(shared, { test: { env: { STEAMWIRE_FAKE_STRICT: '1' } } });
