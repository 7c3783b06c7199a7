import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionFolders, repoRoot } from './function-bundles';

/**
 * `ampx sandbox` and `ampx pipeline-deploy` type-check the backend through amplify/tsconfig.json
 * only (and skip the check silently when it is missing); `npm run typecheck` runs the same config
 * with tsc. This proves the config sees every file under amplify/ and fails the build on a type
 * error in any function's handler: each handler is compiled in memory with one bad line appended,
 * and must report exactly that error.
 */

const CONFIG = join(repoRoot, 'amplify/tsconfig.json');
const PROBE = "\nexport const typeCheckProbe: number = 'not a number';\n";

/** amplify/tsconfig.json as ampx's type check reads it (ts.readConfigFile, then parsed from amplify/). */
function parsedConfig(): ts.ParsedCommandLine {
  const { config, error } = ts.readConfigFile(CONFIG, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, dirname(CONFIG));
}

function typeScriptFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFilesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const handlers = functionFolders().map((name) => join(repoRoot, 'amplify/functions', name, 'handler.ts'));

describe('amplify/tsconfig.json', () => {
  it('maps $amplify/* to the generated files ampx writes, as Gen 2 projects do', () => {
    const { options } = parsedConfig();
    expect(options.paths).toEqual({ '$amplify/*': ['../.amplify/generated/*'] });
    expect(options.strict).toBe(true);
    expect(options.noEmit).toBe(true);
  });

  it('covers every TypeScript file under amplify/', () => {
    const covered = new Set(parsedConfig().fileNames.map((file) => relative(repoRoot, file)));
    const files = typeScriptFilesUnder(join(repoRoot, 'amplify')).map((file) => relative(repoRoot, file));
    expect(files.length).toBeGreaterThan(handlers.length);
    expect(files.filter((file) => !covered.has(file))).toEqual([]);
  });

  describe('with a type error appended to every function handler', () => {
    let errorsByHandler: Map<string, string[]>;

    beforeAll(() => {
      const { options } = parsedConfig();
      const host = ts.createCompilerHost(options);
      const readSourceFile = host.getSourceFile.bind(host);
      const broken = new Set(handlers);
      host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
        broken.has(fileName)
          ? ts.createSourceFile(fileName, `${ts.sys.readFile(fileName)}${PROBE}`, languageVersion)
          : readSourceFile(fileName, languageVersion, onError, shouldCreate);
      const program = ts.createProgram({ rootNames: handlers, options, host });
      errorsByHandler = new Map(
        handlers.map((handler) => [
          relative(repoRoot, handler),
          ts
            .getPreEmitDiagnostics(program, program.getSourceFile(handler))
            .map(
              (diagnostic) =>
                `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`,
            ),
        ]),
      );
    });

    it('reports that error, and only that one, in each of them', () => {
      expect(errorsByHandler.size).toBe(handlers.length);
      expect(handlers.length).toBeGreaterThan(20);
      for (const [handler, errors] of errorsByHandler) {
        expect({ handler, errors }).toEqual({
          handler,
          errors: ["TS2322: Type 'string' is not assignable to type 'number'."],
        });
      }
    });
  });
});
