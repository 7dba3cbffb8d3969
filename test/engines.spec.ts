import { readFileSync, realpathSync } from 'node:fs';
import semver from 'semver';

/**
 * The engine check npm cannot make here. npm compares each package's `engines` with the Node npm itself runs
 * on, which on a machine with an older system Node is not the Node anything of ours runs on; .npmrc therefore
 * keeps npm quiet below errors (docs/operations.md, "The runtime"). This test makes the check against the Node
 * every npm script runs on: the project's own, installed as node_modules/.bin/node.
 */
interface LockedPackage {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  engines?: Record<string, string>;
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockedPackage> };
const project = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };

describe('the runtime engines', () => {
  it('runs the tests on the project Node, which the project engines accept', () => {
    expect(realpathSync(process.execPath)).toBe(realpathSync('node_modules/.bin/node'));
    expect(semver.satisfies(process.version, project.engines.node)).toBe(true);
  });

  it('are accepted by every installed package that declares a Node range', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, pkg]) => path !== '' && typeof pkg.engines?.node === 'string')
      .filter(([, pkg]) => !semver.satisfies(process.version, pkg.engines!.node, { includePrerelease: true }))
      .map(([path, pkg]) => `${path.replace(/^.*node_modules\//, '')}@${pkg.version} wants node ${pkg.engines!.node}`);
    expect(refusing).toEqual([]);
  });
});
