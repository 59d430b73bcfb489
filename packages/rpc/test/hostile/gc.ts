// Lets the hostile samples force a full GC before a heap measurement (as `node --expose-gc` would).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  setFlagsFromString('--expose-gc');
  (globalThis as { gc?: unknown }).gc = runInNewContext('gc');
}
