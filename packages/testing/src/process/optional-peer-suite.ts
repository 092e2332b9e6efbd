import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { importWithoutPackage } from './import-without-package.js';

/** A package whose subpath, and only that subpath, loads an optional peer dependency. */
export interface OptionalPeerPackage {
  /** Absolute path of the package's built `dist/` folder, ending in `/`. */
  readonly distDirectory: string;
  /** The optional peer, e.g. `@servermetrics/exporter-prometheus`. */
  readonly peer: string;
  /** An export of the package root that must work without the peer, e.g. `metricsMiddleware`. */
  readonly rootExport: string;
  /** The subpath as an app imports it, e.g. `@servermetrics/adapter-express/prometheus`. */
  readonly subpath: string;
  /** The subpath's file in `dist/` without extension, e.g. `prometheus`. */
  readonly subpathFile: string;
  /** Every export name of the subpath, sorted. */
  readonly subpathExports: readonly string[];
  /** Imports the subpath from the package's own test (resolution depends on where `import` runs). */
  loadSubpath(): Promise<Record<string, unknown>>;
}

/**
 * Registers the tests proving that an optional peer dependency is optional: the package root
 * loads (ESM, in a process where the peer cannot be resolved) and its ESM and CJS builds do not
 * mention the peer; the subpath fails naming the peer when it is missing, and serves its exports
 * when it is installed.
 */
export function describeOptionalPeer(options: OptionalPeerPackage): void {
  test(`the package root loads without ${options.peer}`, async () => {
    const result = await importWithoutPackage(`${options.distDirectory}index.js`, options.peer);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split(',')).toContain(options.rootExport);
    for (const file of ['index.js', 'index.cjs']) {
      expect(readFileSync(`${options.distDirectory}${file}`, 'utf8')).not.toContain(options.peer);
    }
  });

  test(`${options.subpath} names ${options.peer} when it is not installed`, async () => {
    const result = await importWithoutPackage(
      `${options.distDirectory}${options.subpathFile}.js`,
      options.peer,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Cannot find package '${options.peer}'`);
  });

  test(`with ${options.peer} installed, ${options.subpath} serves its exports`, async () => {
    const module = await options.loadSubpath();
    expect(Object.keys(module).sort()).toEqual([...options.subpathExports]);
  });
}
