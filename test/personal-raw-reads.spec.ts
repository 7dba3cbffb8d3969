import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { isPersonal, SUBJECTS, type SubjectName } from '../src/policy/subjects.js';

/**
 * Personal data is read through PersonalReader (filtered by the policy, audited by the statement that reads).
 * The types refuse PolicyService.scope on a personal subject; what they cannot see are raw reads of a
 * personal table: `.query(sql)`, the ORM's `find*` and a query builder run by itself (`getMany`, …). This
 * scan finds each of them in src/ (outside src/audit and src/policy, which implement the reader) and
 * requires it to be marked `readWithoutAudit(reason, read)` with a reason from `UnauditedRead`, so that a
 * new one is refused here until it goes through the reader or says why it needs not
 * (docs/authorization.md, "Reads without the reader").
 */
const ROOT = new URL('..', import.meta.url).pathname;
const SRC = join(ROOT, 'src');
const EXEMPT = ['src/audit/', 'src/policy/', 'src/database/'];

/** The tables of the subjects with an audit declaration (subjects.ts). */
const PERSONAL_TABLES = new Set(
  (Object.keys(SUBJECTS) as SubjectName[]).filter(isPersonal).map((subject) => SUBJECTS[subject].table),
);

const FIND = new Set(['find', 'findBy', 'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findAndCount', 'findAndCountBy', 'count', 'countBy', 'exists', 'existsBy']);
const RUN = new Set(['getMany', 'getOne', 'getOneOrFail', 'getRawMany', 'getRawOne', 'getManyAndCount', 'getRawAndEntities', 'getCount', 'getExists', 'stream']);

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

/** Entity class name → table, from the `@Entity('table')` declarations of src/. */
function entityTables(files: string[]): Map<string, string> {
  const tables = new Map<string, string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/@Entity\('(\w+)'\)\s*export class (\w+)/g)) tables.set(match[2]!, match[1]!);
  }
  return tables;
}

/** Exported constants of src/ (SQL built in one file and run in another), name → the text of their value. */
function exportedConstants(files: string[]): Map<string, string> {
  const constants = new Map<string, string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/export const (\w+)\s*=\s*(`[^`]*`|'[^']*')/g)) constants.set(match[1]!, match[2]!);
  }
  return constants;
}

/** The personal tables an SQL text reads (FROM or JOIN; `DELETE FROM` is no read). */
const tablesReadBy = (sql: string) =>
  [...sql.matchAll(/(\w+\s+)?\b(?:FROM|JOIN)\s+(\w+)/gi)]
    .filter((match) => match[1]?.trim().toUpperCase() !== 'DELETE' && PERSONAL_TABLES.has(match[2]!))
    .map((match) => match[2]!);

function ancestors(node: ts.Node): ts.Node[] {
  const chain: ts.Node[] = [];
  for (let parent = node.parent; parent; parent = parent.parent) chain.push(parent);
  return chain;
}

/** The variable declared under `name` in the function enclosing `node` (or the file): its initializer. */
function initializerOf(node: ts.Node, name: string): ts.Expression | undefined {
  const scope = ancestors(node).find((n) => ts.isFunctionLike(n)) ?? node.getSourceFile();
  let found: ts.Expression | undefined;
  const visit = (n: ts.Node) => {
    if (!found && ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name) found = n.initializer;
    if (!found) ts.forEachChild(n, visit);
  };
  visit(scope);
  return found ?? (scope === node.getSourceFile() ? undefined : initializerOf(scope, name));
}

/** Where a read is: `Class.method` (or the function's name). */
function placeOf(node: ts.Node): string {
  const names = ancestors(node)
    .filter((n) => ts.isMethodDeclaration(n) || ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n))
    .map((n) => (n as ts.MethodDeclaration | ts.FunctionDeclaration | ts.ClassDeclaration).name?.getText() ?? '?')
    .reverse();
  return names.join('.') || '(module)';
}

/**
 * Raw reads of personal tables in `files` not marked with readWithoutAudit, as `file place: method table…`;
 * entity classes and exported SQL constants are looked up in `declaring` (all of src/).
 */
function unmarkedRawReads(files: string[], declaring: string[]): string[] {
  const entities = entityTables(declaring);
  const constants = exportedConstants(declaring);
  const reads: string[] = [];
  for (const file of files) {
    const path = relative(ROOT, file);
    if (EXEMPT.some((dir) => path.startsWith(dir))) continue;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const entityTable = (expression: ts.Expression | undefined) =>
      expression && ts.isIdentifier(expression) ? entities.get(expression.text) : undefined;
    /** The table of the query builder an expression (a chain of calls, or a variable holding one) starts from. */
    const builderTable = (expression: ts.Expression | undefined): string | undefined => {
      if (!expression) return undefined;
      if (ts.isIdentifier(expression)) return builderTable(initializerOf(expression, expression.text));
      if (ts.isAwaitExpression(expression) || ts.isParenthesizedExpression(expression)) return builderTable(expression.expression);
      if (!ts.isCallExpression(expression) || !ts.isPropertyAccessExpression(expression.expression)) return undefined;
      if (expression.expression.name.text === 'createQueryBuilder') return entityTable(expression.arguments[0]);
      return builderTable(expression.expression.expression);
    };
    /** The text of an SQL expression with the constants it is built from (of this file, or exported by another). */
    const sqlText = (expression: ts.Expression | undefined, seen = new Set<string>()): string => {
      if (!expression) return '';
      const parts = [expression.getText()];
      const visit = (node: ts.Node) => {
        if (ts.isIdentifier(node) && !seen.has(node.text)) {
          seen.add(node.text);
          const local = initializerOf(node, node.text);
          parts.push(local ? sqlText(local, seen) : (constants.get(node.text) ?? ''));
        }
        ts.forEachChild(node, visit);
      };
      visit(expression);
      return parts.join('\n');
    };
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        let tables: string[] = [];
        if (method === 'query') tables = tablesReadBy(sqlText(node.arguments[0]));
        else if (FIND.has(method)) tables = [entityTable(node.arguments[0])].filter((t): t is string => !!t && PERSONAL_TABLES.has(t));
        else if (RUN.has(method)) tables = [builderTable(node.expression.expression)].filter((t): t is string => !!t && PERSONAL_TABLES.has(t));
        const marked = ancestors(node).some(
          (n) => ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'readWithoutAudit',
        );
        if (tables.length > 0 && !marked) reads.push(`${path} ${placeOf(node)}: ${method} ${[...new Set(tables)].join(' ')}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return reads;
}

const SOURCES = sourceFiles(SRC);

describe('raw reads of personal tables', () => {
  it('finds the kinds of raw read it guards against', () => {
    // The scan itself, on a file that reads each way (so that an empty result below means something).
    expect(unmarkedRawReads([join(ROOT, 'test/fixtures/raw-reads.fixture.ts')], SOURCES)).toEqual([
      'test/fixtures/raw-reads.fixture.ts rawReads: query family_member',
      'test/fixtures/raw-reads.fixture.ts rawReads: findOneBy plan',
      'test/fixtures/raw-reads.fixture.ts rawReads: getMany note',
      'test/fixtures/raw-reads.fixture.ts rawReads: getRawMany referral',
    ]);
  });

  it('every raw read of a personal table in src/ is marked readWithoutAudit, with its reason', () => {
    expect(unmarkedRawReads(SOURCES, SOURCES)).toEqual([]);
  });
});
