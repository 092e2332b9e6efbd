#!/usr/bin/env node
// Runs a root package script through the pinned pnpm, installing pnpm (via npx) and the
// workspace's dependencies first when needed. This is what lets `npm run demo` and `npm test`
// work on a machine that has only Node 20 and npm.
//
//   node scripts/workspace.mjs <root script> [arguments]   runs `pnpm run <root script>`
//   node scripts/workspace.mjs --demo [arguments]           builds and runs the Express demo
//
// The demo runs as a direct child of this process (not under `pnpm run`), so Ctrl+C reaches the
// demo, which closes and exits 0, and no package manager reports the signal as a failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = manifest.packageManager.split('@')[1];
const [script, ...scriptArguments] = process.argv.slice(2);
if (!script) {
  console.error('usage: node scripts/workspace.mjs <root script> [arguments] | --demo [arguments]');
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

// The first install downloads a few hundred packages: show pnpm's progress instead of silence.
const firstInstall = !existsSync(join(root, 'node_modules', '.modules.yaml'));
if (firstInstall) console.log(`Installing the workspace's dependencies with pnpm ${pnpmVersion} (first run only)...`);
const installStatus = pnpmCommand(['install', '--frozen-lockfile', ...(firstInstall ? [] : ['--reporter=silent'])]);
if (installStatus !== 0) process.exit(installStatus);

if (script !== '--demo') process.exit(pnpmCommand(['run', script, ...scriptArguments]));

const demoDirectory = join(root, 'examples', 'express');
console.log('Building the packages the demo uses...');
const buildStatus = pnpmCommand(['exec', 'turbo', 'run', 'build', '--filter=@example/express...', '--output-logs=errors-only']);
if (buildStatus !== 0) process.exit(buildStatus);
const demo = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...scriptArguments], {
  cwd: demoDirectory,
  stdio: 'inherit',
  env: process.env,
});
// Ctrl+C goes to the whole foreground process group: the demo gets it and closes; this process
// only waits. A SIGTERM sent to this process alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => demo.kill('SIGTERM'));
demo.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
