// What the compiler actually prints for the first-hour mistakes in fixtures/type-errors.ts: each error
// names the problem in a sentence, and none prints the protocol's whole type.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/type-errors.ts', import.meta.url));
const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));

/** Compiler messages by case, the case being the `// case:` comment above the line they are on. */
function compile(): Map<string, string[]> {
  const config = ts.readConfigFile(tsconfig, (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(
    config.config,
    ts.sys,
    fileURLToPath(new URL('..', import.meta.url)),
  );
  const program = ts.createProgram([fixture], { ...options, noEmit: true });
  const lines = readFileSync(fixture, 'utf8').split('\n');
  const byCase = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (d.file?.fileName !== fixture || d.start === undefined) {
      throw new Error(`unexpected diagnostic: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    const label = /\/\/ case: (.*)/.exec(lines[line - 1] ?? '')?.[1] ?? `line ${line + 1}`;
    byCase.set(label, [...(byCase.get(label) ?? []), ts.flattenDiagnosticMessageText(d.messageText, '\n')]);
  }
  return byCase;
}

describe('compiler messages', () => {
  let messages: Map<string, string[]>;
  beforeAll(() => {
    messages = compile();
  }, 60_000);

  const cases: [string, string][] = [
    ['misspelled request', `'mvoe' is not a request of this protocol`],
    ['host broadcasts a client-only message', `'hello' is sent by the client; the host cannot broadcast it`],
    ['client sends a host-only message', `'board' is sent by the host; the client cannot send it`],
    ['client answers its own request', `'move' is called by the client; the host answers it, not the client`],
    ['host listens to its own message', `'board' is sent by the host; the host never receives it`],
    ['a message called as a request', `'chat' is a message: use send('chat', …)`],
    [
      'host calls a client-only request',
      `'move' is called by the client; the host answers it with handle('move', …)`,
    ],
    [
      'a response literal the declaration does not allow',
      `Type '"later"' is not assignable to type '"taken" | "not your turn"'`,
    ],
    ['a function in a payload type', `'this payload cannot travel': { onHit: "cannot travel: a function"; }`],
    [
      'a Map in a payload type',
      `{ scores: "cannot travel: a Map; send a plain object or [key, value] pairs"; }`,
    ],
  ];

  it.each(cases)('%s: one short error that says so', (label, expected) => {
    const found = messages.get(label);
    expect(found, `no error for case '${label}'`).toHaveLength(1);
    const text = found![0]!;
    expect(text).toContain(expected);
    // Short, and without the protocol's declarations spelled out.
    expect(text.length).toBeLessThan(600);
    expect(text).not.toMatch(/MessageDef<|RequestDef<|Protocol<|type 'never'/);
  });

  it('every error in the fixture is one of the cases', () => {
    expect([...messages.keys()].sort()).toEqual(cases.map(([label]) => label).sort());
  });
});
