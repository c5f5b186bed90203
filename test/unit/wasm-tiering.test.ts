// The production process runs WebAssembly on V8's baseline compiler only (src/wasm-tiering.ts):
// the flag is read when a module is compiled, so it must be set before anything else in main.ts
// is evaluated. ES modules evaluate their imports in order, so it has to stay the first import.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/project-root.ts';

describe('WebAssembly tier-up off in the service', () => {
  it("is main.ts's first import, so it runs before Prisma or the schema engine compile theirs", () => {
    const file = path.join(PROJECT_ROOT, 'src', 'main.ts');
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const first = source.statements.find(ts.isImportDeclaration);
    expect(first && (first.moduleSpecifier as ts.StringLiteral).text).toBe('./wasm-tiering.ts');
  });

  it('sets the flag when imported', async () => {
    const v8 = await import('node:v8');
    const set: string[] = [];
    const original = v8.default.setFlagsFromString;
    v8.default.setFlagsFromString = (flags: string) => void set.push(flags);
    try {
      await import('../../src/wasm-tiering.ts');
    } finally {
      v8.default.setFlagsFromString = original;
    }
    expect(set).toEqual(['--liftoff-only']);
  });
});
