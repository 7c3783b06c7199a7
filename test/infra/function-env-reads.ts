import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Which environment variables a function's code reads, found by following what its handler uses,
 * declaration by declaration (not file by file: shared/service-token.ts both signs and verifies,
 * and a function that only verifies needs no signing key). A read is a reference to an env-names
 * constant (`ENV.X`, `CRAWLER_ENV.Y`); for shared/config.ts, which names every variable, a read is
 * a call of the accessor (`config.pushQueueUrl` → PUSH_QUEUE_URL). A read is optional when the code
 * has an answer for "unset": it goes through an `optional…` reader or falls back (`?? x`, `|| x`,
 * `?.`). A variable read under a bare string (`process.env.X`, `requiredSetting('X')`) is reported.
 */

const REPO = resolve(import.meta.dirname, '../..');
export const FUNCTIONS_DIR = join(REPO, 'amplify/functions');
const CONFIG_FILE = join(FUNCTIONS_DIR, 'shared/config.ts');
const ENV_NAMES_FILE = 'env-names.ts';
const VARIABLE_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const READERS = new Set(['required', 'requiredSetting', 'optional', 'setting']);

export interface EnvReads {
  /** Variables the code cannot do without. */
  required: Set<string>;
  /** Variables the code reads with a fallback for "unset". */
  optional: Set<string>;
  /** Reads by a bare string instead of a constant: `file: code`. */
  bareReads: string[];
}

interface Read {
  name: string;
  optional: boolean;
}

type EnvObjects = Map<string, Map<string, string>>;

interface ModuleInfo {
  file: string;
  source: ts.SourceFile;
  /** Top-level name → the statements that declare it. */
  declarations: Map<string, ts.Statement[]>;
  /** Local binding → the module and name it is imported from (`*` for a namespace). */
  imports: Map<string, { file: string; name: string }>;
  /** `export { a as b } from './x'`: b → (x, a); `export * from './x'`: in starExports. */
  reExports: Map<string, { file: string; name: string }>;
  starExports: string[];
  /** What runs when the module loads besides declarations: top-level calls, bare imports. */
  loadStatements: ts.Statement[];
  loadImports: string[];
  envObjects: EnvObjects;
  configNames: Set<string>;
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts'), base].find(
    (file) => file.endsWith('.ts') && existsSync(file),
  );
}

const modules = new Map<string, ModuleInfo>();

function moduleInfo(file: string): ModuleInfo {
  const cached = modules.get(file);
  if (cached) return cached;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const info: ModuleInfo = {
    file,
    source,
    declarations: new Map(),
    imports: new Map(),
    reExports: new Map(),
    starExports: [],
    loadStatements: [],
    loadImports: [],
    envObjects: new Map(),
    configNames: new Set(),
  };
  modules.set(file, info);
  const declare = (name: string, statement: ts.Statement) =>
    info.declarations.set(name, [...(info.declarations.get(name) ?? []), statement]);
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const target = ts.isStringLiteral(statement.moduleSpecifier)
        ? resolveImport(file, statement.moduleSpecifier.text)
        : undefined;
      const clause = statement.importClause;
      if (!target || clause?.isTypeOnly) continue;
      if (!clause) info.loadImports.push(target);
      if (clause?.name) info.imports.set(clause.name.text, { file: target, name: 'default' });
      const named = clause?.namedBindings;
      if (named && ts.isNamespaceImport(named))
        info.imports.set(named.name.text, { file: target, name: '*' });
      if (named && ts.isNamedImports(named)) {
        for (const element of named.elements) {
          if (element.isTypeOnly) continue;
          const imported = (element.propertyName ?? element.name).text;
          info.imports.set(element.name.text, { file: target, name: imported });
          if (basename(target) === ENV_NAMES_FILE) {
            const entries = envNameObjects(target).get(imported);
            if (entries) info.envObjects.set(element.name.text, entries);
          } else if (target === CONFIG_FILE && imported === 'config') {
            info.configNames.add(element.name.text);
          }
        }
      }
    } else if (ts.isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier;
      const target =
        specifier && ts.isStringLiteral(specifier) ? resolveImport(file, specifier.text) : undefined;
      if (statement.isTypeOnly) continue;
      if (!target) {
        // `export { a, b }` of local declarations: already declared under their names.
        continue;
      }
      const clause = statement.exportClause;
      if (!clause) info.starExports.push(target);
      else if (ts.isNamedExports(clause)) {
        for (const element of clause.elements) {
          info.reExports.set(element.name.text, {
            file: target,
            name: (element.propertyName ?? element.name).text,
          });
        }
      }
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        walk(declaration.name, (node) => {
          if (ts.isIdentifier(node)) declare(node.text, statement);
        });
      }
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      declare(statement.name.text, statement);
    } else if (ts.isExportAssignment(statement)) {
      declare('default', statement);
    } else if (
      !ts.isInterfaceDeclaration(statement) &&
      !ts.isTypeAliasDeclaration(statement) &&
      !ts.isModuleDeclaration(statement)
    ) {
      info.loadStatements.push(statement);
    }
  }
  return info;
}

/** An env-names module's constants: `ENV` → { IDEMPOTENCY_TABLE_NAME: 'IDEMPOTENCY_TABLE_NAME', … }. */
function envNameObjects(file: string): EnvObjects {
  const objects: EnvObjects = new Map();
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  walk(source, (node) => {
    if (!ts.isVariableDeclaration(node) || !ts.isIdentifier(node.name) || !node.initializer) return;
    let init = node.initializer;
    if (ts.isAsExpression(init)) init = init.expression;
    if (!ts.isObjectLiteralExpression(init)) return;
    const entries = new Map<string, string>();
    for (const property of init.properties) {
      if (ts.isPropertyAssignment(property) && ts.isStringLiteral(property.initializer))
        entries.set(property.name.getText(), property.initializer.text);
    }
    objects.set(node.name.text, entries);
  });
  return objects;
}

/** `optional(ENV.X)`, `optionalList(…)`, `setting(…) ?? d`, `process.env[ENV.X]?.trim() || d`. */
function isOptionalRead(reference: ts.Node): boolean {
  let reading: ts.Node = reference;
  const parent = reference.parent;
  if (ts.isCallExpression(parent) && ts.isIdentifier(parent.expression)) {
    if (parent.expression.text.startsWith('optional')) return true;
    reading = parent;
  } else if (ts.isElementAccessExpression(parent) && parent.argumentExpression === reference) {
    reading = parent;
  }
  const next = reading.parent;
  if (ts.isPropertyAccessExpression(next) && next.expression === reading && next.questionDotToken)
    return true;
  return (
    ts.isBinaryExpression(next) &&
    next.left === reading &&
    [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(next.operatorToken.kind)
  );
}

function envReadsUnder(node: ts.Node, envObjects: EnvObjects): Read[] {
  const reads: Read[] = [];
  walk(node, (inner) => {
    // `new InvalidConfigError(ENV.X, …)` names the variable in an error; it does not read it.
    if (
      ts.isPropertyAccessExpression(inner) &&
      ts.isIdentifier(inner.expression) &&
      !ts.isNewExpression(inner.parent)
    ) {
      const name = envObjects.get(inner.expression.text)?.get(inner.name.text);
      if (name) reads.push({ name, optional: isOptionalRead(inner) });
    }
  });
  return reads;
}

/** shared/config.ts: each accessor of `config` → the variables it reads. */
function configAccessors(): Map<string, Read[]> {
  const info = moduleInfo(CONFIG_FILE);
  const accessors = new Map<string, Read[]>();
  walk(info.source, (node) => {
    if (!ts.isVariableDeclaration(node) || node.name.getText() !== 'config') return;
    if (!node.initializer || !ts.isObjectLiteralExpression(node.initializer)) return;
    for (const property of node.initializer.properties) {
      if (property.name) accessors.set(property.name.getText(), envReadsUnder(property, info.envObjects));
    }
  });
  return accessors;
}

/** Reads that name a variable by a string instead of a constant. */
function bareReadsIn(statement: ts.Node, file: string): string[] {
  const found: string[] = [];
  const where = relative(REPO, file);
  const isProcessEnv = (expression: ts.Expression) => expression.getText() === 'process.env';
  walk(statement, (node) => {
    if (
      (ts.isPropertyAccessExpression(node) && isProcessEnv(node.expression)) ||
      (ts.isElementAccessExpression(node) &&
        isProcessEnv(node.expression) &&
        ts.isStringLiteralLike(node.argumentExpression)) ||
      (ts.isCallExpression(node) &&
        ts.isIdentifier(node.expression) &&
        READERS.has(node.expression.text) &&
        node.arguments[0] !== undefined &&
        ts.isStringLiteralLike(node.arguments[0]) &&
        VARIABLE_NAME.test(node.arguments[0].text))
    )
      found.push(`${where}: ${node.getText()}`);
  });
  return found;
}

/** Identifiers a statement refers to (not property names: `a.b` refers to `a` only). */
function referencedNames(statement: ts.Node): Set<string> {
  const names = new Set<string>();
  walk(statement, (node) => {
    if (!ts.isIdentifier(node)) return;
    const parent = node.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.name === node) return;
    if ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent)) && parent.name === node) return;
    names.add(node.text);
  });
  return names;
}

/** What a function's code reads, from `export const handler` in its handler.ts. */
export function envReadsOf(functionName: string): EnvReads {
  const accessors = configAccessors();
  const reads: Read[] = [];
  const bareReads: string[] = [];
  const loaded = new Set<string>();
  const included = new Set<ts.Statement>();
  const requested = new Set<string>();
  const pending: Array<{ file: string; name: string }> = [
    { file: join(FUNCTIONS_DIR, functionName, 'handler.ts'), name: 'handler' },
  ];

  const include = (info: ModuleInfo, statement: ts.Statement) => {
    if (included.has(statement)) return;
    included.add(statement);
    bareReads.push(...bareReadsIn(statement, info.file));
    // config.ts names every variable: what a function reads from it is the accessors it calls.
    if (info.file !== CONFIG_FILE) reads.push(...envReadsUnder(statement, info.envObjects));
    walk(statement, (node) => {
      if (!ts.isIdentifier(node) || !info.configNames.has(node.text)) return;
      const parent = node.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node)
        reads.push(...(accessors.get(parent.name.text) ?? []));
      // `config` handed on whole: any accessor may be called.
      else if (!ts.isImportSpecifier(parent)) reads.push(...[...accessors.values()].flat());
    });
    for (const name of referencedNames(statement)) {
      if (info.declarations.has(name)) pending.push({ file: info.file, name });
      const imported = info.imports.get(name);
      if (imported) pending.push(imported);
    }
  };

  while (pending.length > 0) {
    const { file, name } = pending.pop()!;
    const key = `${file}#${name}`;
    if (requested.has(key)) continue;
    requested.add(key);
    const info = moduleInfo(file);
    if (!loaded.has(file)) {
      loaded.add(file);
      for (const statement of info.loadStatements) include(info, statement);
      for (const target of info.loadImports) pending.push({ file: target, name: '*' });
    }
    if (name === '*') {
      for (const statements of info.declarations.values())
        for (const statement of statements) include(info, statement);
      pending.push(...info.reExports.values());
      for (const target of info.starExports) pending.push({ file: target, name: '*' });
      continue;
    }
    for (const statement of info.declarations.get(name) ?? []) include(info, statement);
    const reExported = info.reExports.get(name);
    if (reExported) pending.push(reExported);
    if (!info.declarations.has(name) && !reExported)
      for (const target of info.starExports) pending.push({ file: target, name });
  }

  const required = new Set(reads.filter((read) => !read.optional).map((read) => read.name));
  const optional = new Set(reads.map((read) => read.name).filter((name) => !required.has(name)));
  return { required, optional, bareReads };
}
