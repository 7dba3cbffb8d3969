import ts from 'typescript';

/**
 * Rules kept by the compiler, shown on fixtures that must fail to type-check at exactly the lines that break
 * them (and compile elsewhere): "a read of personal data cannot skip the policy or the audit"
 * (unaudited-read.fixture.ts) and "a condition names a field its subject declares" (ability-conditions.fixture.ts).
 */
// Type-checking loads the declarations of TypeORM and NestJS: seconds, so e2e tier (no database used). One
// program for all fixtures, so they are loaded once.
const FIXTURES = ['unaudited-read.fixture.ts', 'ability-conditions.fixture.ts'];

function compileErrors(): { file: string | undefined; line: number; message: string }[] {
  const program = ts.createProgram(
    FIXTURES.map((name) => new URL(`./fixtures/${name}`, import.meta.url).pathname),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      strict: true,
      strictPropertyInitialization: false,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
    },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file?.fileName.split('/').pop(),
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

describe('rules kept by the compiler', () => {
  let errors: ReturnType<typeof compileErrors>;
  beforeAll(() => {
    errors = compileErrors();
  });
  const errorsIn = (file: string) => errors.filter((error) => error.file === file).map(({ line, message }) => ({ line, message }));

  it('an unaudited read of a personal subject does not compile', () => {
    expect(errorsIn('unaudited-read.fixture.ts')).toEqual([
      { line: 14, message: `Argument of type '"Plan"' is not assignable to parameter of type 'OpenSubject'.` },
    ]);
  });

  it('an ability condition naming a field its subject does not declare does not compile', () => {
    // A name the subject does not declare is typed `never` (ability.factory.ts, Conditions): at a rule's key,
    // in an `$or` alternative, and for several subjects one that only some of them declare.
    const notDeclared = `Type 'string' is not assignable to type 'never'.`;
    expect(errorsIn('ability-conditions.fixture.ts')).toEqual([10, 11, 12].map((line) => ({ line, message: notDeclared })));
  });

  it('no fixture has an error elsewhere', () => {
    expect(errors.filter((error) => !FIXTURES.includes(error.file!))).toEqual([]);
  });
});
