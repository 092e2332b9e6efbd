import { fileURLToPath } from 'node:url';
import { runWithInput } from '../process/run-with-input.js';
import { requireBinary } from '../system-binary.js';

/** A message decoded by protoc: fields by name; every field is a list (repeated or not). */
export interface DecodedMessage {
  readonly [field: string]: (string | number | DecodedMessage)[];
}

/**
 * Splits a length-delimited protobuf stream (each message preceded by its length as a varint,
 * the `encoding=delimited` Prometheus format) into its messages. Throws on a truncated stream.
 */
export function splitDelimitedMessages(body: Uint8Array): Buffer[] {
  const messages: Buffer[] = [];
  let position = 0;
  while (position < body.length) {
    let length = 0;
    let multiplier = 1;
    for (;;) {
      if (position >= body.length) throw new Error('truncated varint length prefix');
      const byte = body[position++]!;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if (byte < 0x80) break;
    }
    if (position + length > body.length)
      throw new Error(`message of ${length} bytes at ${position} runs past the end (${body.length})`);
    messages.push(Buffer.from(body.subarray(position, position + length)));
    position += length;
  }
  return messages;
}

/**
 * Decodes one message with Debian's `protoc` (`protoc --decode=<type> metrics.proto`, the protobuf
 * project's own decoder, independent of the exporter) and parses its text-format output.
 * Fails with the install command when protoc is missing, and with protoc's error when the bytes
 * are not a valid message of that type.
 */
export async function protocDecode(
  message: Uint8Array,
  type: string = 'io.prometheus.client.MetricFamily',
): Promise<DecodedMessage> {
  const protoc = requireBinary('protoc');
  // metrics.proto beside this file: client_model's schema of the protobuf exposition (Apache-2.0, unchanged).
  const directory = fileURLToPath(new URL('.', import.meta.url));
  const { exitCode, stdout, stderr } = await runWithInput(
    protoc,
    [`--decode=${type}`, `--proto_path=${directory}`, '--proto_path=/usr/include', 'metrics.proto'],
    message,
  );
  if (exitCode !== 0) throw new Error(`protoc --decode exited with ${String(exitCode)}\n${stderr}`);
  return parseProtoText(stdout);
}

/**
 * Parses protobuf text format as protoc prints it: `name: value` (strings in double quotes with
 * C escapes, octal bytes included; enums as bare words; numbers) and `name { ... }` blocks.
 */
function parseProtoText(text: string): DecodedMessage {
  const root: Record<string, (string | number | DecodedMessage)[]> = {};
  const stack: Record<string, (string | number | DecodedMessage)[]>[] = [root];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    const top = stack[stack.length - 1]!;
    if (line === '}') {
      stack.pop();
      continue;
    }
    const block = /^([A-Za-z_][A-Za-z0-9_]*) \{$/.exec(line);
    if (block !== null) {
      const child: Record<string, (string | number | DecodedMessage)[]> = {};
      appendField(top, block[1]!, child);
      stack.push(child);
      continue;
    }
    const field = /^([A-Za-z_][A-Za-z0-9_]*): (.*)$/.exec(line);
    if (field === null) throw new Error(`unexpected protoc output line: ${line}`);
    const raw = field[2]!;
    let value: string | number;
    if (raw.startsWith('"')) value = unescapeProtoString(raw.slice(1, -1));
    else if (raw === 'inf') value = Number.POSITIVE_INFINITY;
    else if (raw === '-inf') value = Number.NEGATIVE_INFINITY;
    else if (raw === 'nan') value = Number.NaN;
    else if (/^-?[0-9]/.test(raw)) value = Number(raw);
    else value = raw;
    appendField(top, field[1]!, value);
  }
  if (stack.length !== 1) throw new Error('unbalanced braces in protoc output');
  return root;
}

function appendField(
  message: Record<string, (string | number | DecodedMessage)[]>,
  name: string,
  value: string | number | DecodedMessage,
): void {
  const values = message[name];
  if (values === undefined) message[name] = [value];
  else values.push(value);
}

function unescapeProtoString(quoted: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < quoted.length; index++) {
    const character = quoted[index]!;
    if (character !== '\\') {
      bytes.push(...Buffer.from(character, 'utf8'));
      continue;
    }
    const next = quoted[++index]!;
    if (/[0-7]/.test(next)) {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(quoted[index + 1] ?? '')) digits += quoted[++index];
      bytes.push(Number.parseInt(digits, 8));
      continue;
    }
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, '\\': 92 };
    const code = simple[next];
    if (code === undefined) throw new Error(`unknown escape \\${next} in protoc output`);
    bytes.push(code);
  }
  return Buffer.from(bytes).toString('utf8');
}
