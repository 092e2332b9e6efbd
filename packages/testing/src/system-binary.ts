import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Finds a system binary on PATH or in /usr/bin. Throws, failing the test that needs it, with the
 * command that installs it: these tests never skip silently.
 */
export function requireBinary(
  name: 'promtool' | 'prometheus' | 'protoc',
  directories: readonly string[] = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin'],
): string {
  for (const directory of directories) {
    if (directory === '') continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  throw new Error(
    `${name} is not installed (needed by this test); install with: apt-get install -y ${name === 'protoc' ? 'protobuf-compiler' : 'prometheus'}`,
  );
}
