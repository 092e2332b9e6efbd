#!/usr/bin/env node
// Runs a root package script through the pinned pnpm, installing pnpm (via npx) and the
// workspace's dependencies first when needed. This is what lets `npm run demo` and `npm test`
// work on a machine that has only Node 20 and npm.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = manifest.packageManager.split('@')[1];
const [script, ...scriptArguments] = process.argv.slice(2);
if (!script) {
  console.error('usage: node scripts/workspace.mjs <root script> [arguments]');
  process.exit(2);
}

function run(command, commandArguments) {
  const result = spawnSync(command, commandArguments, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function installedPnpmVersion() {
  const result = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const pnpm = installedPnpmVersion() === pnpmVersion ? ['pnpm'] : ['npx', '--yes', `pnpm@${pnpmVersion}`];
const pnpmCommand = (commandArguments) => run(pnpm[0], [...pnpm.slice(1), ...commandArguments]);

const installStatus = pnpmCommand(['install', '--frozen-lockfile', '--reporter=silent']);
if (installStatus !== 0) process.exit(installStatus);
process.exit(pnpmCommand(['run', script, ...scriptArguments]));
