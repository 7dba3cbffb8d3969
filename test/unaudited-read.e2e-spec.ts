import ts from 'typescript';

/**
 * "A read of personal data cannot skip the policy or the audit", shown by the compiler: the fixture reads
 * plans with PolicyService.scope (filtered, not audited) and must fail to type-check at exactly that call,
 * while the same call on a subject without personal data compiles.
 */
describe('an unaudited read of a personal subject', () => {
  // Type-checking the fixture loads the declarations of TypeORM and NestJS: seconds, so e2e tier (no database used).
  it('does not compile', () => {
    const fixture = new URL('./fixtures/unaudited-read.fixture.ts', import.meta.url).pathname;
    const program = ts.createProgram([fixture], {
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
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ({
      file: d.file?.fileName.split('/').pop(),
      line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
    expect(errors).toEqual([
      { file: 'unaudited-read.fixture.ts', line: 14, message: `Argument of type '"Plan"' is not assignable to parameter of type 'OpenSubject'.` },
    ]);
  });
});
