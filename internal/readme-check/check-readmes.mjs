// Typechecks every ```ts / ```js block of the repository's Markdown documentation: the root
// README.md, packages/*/README.md and docs/*.md. Each block becomes its own module under
// `blocks/` (git-ignored) and all of them are checked with `tsc --noEmit -p tsconfig.blocks.json`
// (strict, against the built packages). Errors are reported at their place in the Markdown file.
// Just before a fence (blank lines allowed), `<!-- readme-check: skip -->` leaves the block out,
// and a `<!-- readme-check: context` ... `-->` comment gives code that is compiled in front of the
// block without being shown (the declarations a partial example relies on). Exits 1 when a block
// does not compile. See README.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const blocksDirectory = join(here, 'blocks');
const SKIP_MARKER = '<!-- readme-check: skip -->';
const CONTEXT_OPENING = '<!-- readme-check: context';
const LANGUAGES = new Map([
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['js', 'js'],
  ['javascript', 'js'],
  ['mjs', 'js'],
]);

/** The Markdown files whose blocks are checked, relative to the repository root. */
function markdownFiles() {
  const files = ['README.md'];
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    try {
      readFileSync(join(root, 'packages', name, 'README.md'));
      files.push(`packages/${name}/README.md`);
    } catch {
      // A package without a README.
    }
  }
  for (const name of readdirSync(join(root, 'docs')).sort()) {
    if (name.endsWith('.md')) files.push(`docs/${name}`);
  }
  return files;
}

/**
 * The code blocks of a Markdown text: `{ language, firstLine, code, skipped, context }` where
 * `firstLine` is the 1-based line of the first code line and `context` the hidden code of a
 * context comment before the fence (`{ firstLine, code }`) or undefined. Fences of three or more backticks
 * or tildes, possibly indented (inside a list), are recognised; the indentation is removed.
 */
function codeBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[index]);
    if (open === null) continue;
    const [, indent, fence, info] = open;
    let end = index + 1;
    while (end < lines.length && !lines[end].trimStart().startsWith(fence)) end++;
    let previous = index - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    const language = LANGUAGES.get(info.toLowerCase());
    let context;
    if (previous >= 0 && lines[previous].trim() === '-->') {
      let opening = previous - 1;
      while (opening >= 0 && lines[opening].trim() !== CONTEXT_OPENING) opening--;
      if (opening >= 0) {
        context = { firstLine: opening + 2, code: lines.slice(opening + 1, previous).join('\n') };
      }
    }
    if (language !== undefined) {
      blocks.push({
        language,
        firstLine: index + 2,
        code: lines
          .slice(index + 1, end)
          .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
          .join('\n'),
        skipped: previous >= 0 && lines[previous].trim() === SKIP_MARKER,
        context,
      });
    }
    index = end;
  }
  return blocks;
}

rmSync(blocksDirectory, { recursive: true, force: true });
mkdirSync(blocksDirectory, { recursive: true });
/** Generated file (relative to this package) -> where its code starts in the Markdown. */
const origins = new Map();
let checked = 0;
let skipped = 0;
for (const file of markdownFiles()) {
  const blocks = codeBlocks(readFileSync(join(root, file), 'utf8'));
  blocks.forEach((block, number) => {
    if (block.skipped) {
      skipped++;
      return;
    }
    const name = `${file.replace(/[/.]/g, '_')}_${String(number + 1).padStart(2, '0')}.${block.language}`;
    // `export {}` makes every block a module of its own: names never clash between blocks.
    const context = block.context?.code.split('\n') ?? [];
    writeFileSync(join(blocksDirectory, name), [...context, block.code, 'export {};', ''].join('\n'));
    origins.set(`blocks/${name}`, {
      file,
      firstLine: block.firstLine,
      context: block.context,
      contextLines: context.length,
    });
    checked++;
  });
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(
  process.execPath,
  [tsc, '--noEmit', '--pretty', 'false', '-p', 'tsconfig.blocks.json'],
  {
    cwd: here,
    encoding: 'utf8',
  },
);
const output = `${result.stdout}${result.stderr}`.replace(
  /^(blocks\/[^(\s]+)\((\d+),(\d+)\)/gm,
  (match, generated, line, column) => {
    const origin = origins.get(generated);
    if (origin === undefined) return match;
    const index = Number(line) - 1;
    const markdownLine =
      index < origin.contextLines
        ? origin.context.firstLine + index
        : origin.firstLine + index - origin.contextLines;
    return `${origin.file}:${markdownLine}:${column} (${generated})`;
  },
);
if (result.status !== 0) {
  process.stderr.write(output);
  process.stderr.write(
    `\nreadme-check: code blocks do not compile (${relative(process.cwd(), here) || '.'}/README.md says how to write one that does).\n`,
  );
  process.exit(1);
}
process.stdout.write(`readme-check: ${checked} code blocks compile (${skipped} marked skip).\n`);
