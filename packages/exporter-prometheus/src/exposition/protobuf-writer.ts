/** Protobuf wire types used by the Prometheus exposition. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;

const INITIAL_BYTES = 1024;
const TWO_TO_THE_32 = 0x1_0000_0000;
/** Below this many bytes, `bytes` copies with a loop rather than `set`. */
const SMALL_COPY_BYTES = 64;

/** Bytes of `value` (a non-negative integer up to 2^53) as a protobuf varint. */
function varintSize(value: number): number {
  let size = 1;
  while (value > 0x7f) {
    value = value >= TWO_TO_THE_32 ? Math.floor(value / 128) : value >>> 7;
    size++;
  }
  return size;
}

/** ZigZag mapping of a signed integer (sint32/sint64): 0, -1, 1, -2 ... to 0, 1, 2, 3 ... Exact up to 2^52. */
export function zigZag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/**
 * ProtobufWriter writes the protobuf wire format into one growable buffer, reused from message to
 * message (`reset`, then `copy` out what was written), or appended to (`view` returns the bytes
 * written since a position without copying them: bytes already written are never changed
 * until the next `reset`, and when the buffer grows the old one keeps them). Hand-written for the small fixed schema of
 * `io.prometheus.client.MetricFamily` (chosen by measurement over a generic protobuf library: see
 * the package README). Integers are JavaScript numbers: varints are exact up to 2^53, which is
 * beyond any count a process reaches. A nested message is written in place behind a one-byte
 * length slot (`beginMessage`/`endMessage`), moved right when the message turns out to be 128
 * bytes or longer, so no message is encoded twice and nothing is sized up front.
 */
export class ProtobufWriter {
  #buffer: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  #length = 0;

  /** Bytes written since the last `reset`. */
  get length(): number {
    return this.#length;
  }

  /** Forgets what was written (the buffer is kept for the next message). */
  reset(): void {
    this.#length = 0;
  }

  /** A copy of what was written since the last `reset`. */
  copy(): Buffer {
    const result = Buffer.allocUnsafe(this.#length);
    this.#buffer.copy(result, 0, 0, this.#length);
    return result;
  }

  /**
   * The bytes written from `start` to now, as a view (no copy). Valid until the next `reset`:
   * appending never changes them, and a buffer outgrown keeps them as they were.
   */
  view(start: number): Buffer {
    return this.#buffer.subarray(start, this.#length);
  }

  /** Writes a field key: `field << 3 | wireType`. */
  key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** Writes a non-negative integer (up to 2^53) as a varint. */
  varint(value: number): void {
    this.#ensure(10);
    this.#length = writeVarintAt(this.#buffer, this.#length, value);
  }

  /** Writes an IEEE 754 double, little-endian (a `double` field's value). */
  double(value: number): void {
    this.#ensure(8);
    this.#buffer.writeDoubleLE(value, this.#length);
    this.#length += 8;
  }

  /** Writes a string as its UTF-8 length then bytes (lone surrogates become U+FFFD). */
  string(value: string): void {
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.varint(byteLength);
    this.#ensure(byteLength);
    this.#length += this.#buffer.write(value, this.#length, byteLength, 'utf8');
  }

  /** Writes bytes as they are (an already encoded part). */
  bytes(value: Uint8Array): void {
    const byteLength = value.byteLength;
    this.#ensure(byteLength);
    const buffer = this.#buffer;
    let position = this.#length;
    if (byteLength < SMALL_COPY_BYTES) {
      // A loop beats `set` (a call into the runtime) for the short parts this writer copies.
      for (let index = 0; index < byteLength; index++) buffer[position++] = value[index]!;
    } else {
      buffer.set(value, position);
      position += byteLength;
    }
    this.#length = position;
  }

  /** Starts a length-delimited nested message in `field`; returns what `endMessage` needs. */
  beginMessage(field: number): number {
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.#ensure(1);
    return this.#length++;
  }

  /** Ends the nested message begun at `slot`: writes its length, moving it right if needed. */
  endMessage(slot: number): void {
    const length = this.#length - slot - 1;
    if (length < 0x80) {
      this.#buffer[slot] = length;
      return;
    }
    const extra = varintSize(length) - 1;
    this.#ensure(extra);
    this.#buffer.copyWithin(slot + 1 + extra, slot + 1, this.#length);
    this.#length += extra;
    writeVarintAt(this.#buffer, slot, length);
  }

  #ensure(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}

/** Writes `value` as a varint at `position`; returns the position after it. */
function writeVarintAt(buffer: Buffer, position: number, value: number): number {
  while (value > 0x7f) {
    // `& 0x7f` keeps the low 7 bits of any integer up to 2^53 (ToInt32 is taken modulo 2^32).
    buffer[position++] = (value & 0x7f) | 0x80;
    value = value >= TWO_TO_THE_32 ? Math.floor(value / 128) : value >>> 7;
  }
  buffer[position++] = value;
  return position;
}

/** The varint encoding of `value` as bytes (a delimited message's length prefix). */
export function encodeVarint(value: number): Buffer {
  const bytes = Buffer.allocUnsafe(varintSize(value));
  writeVarintAt(bytes, 0, value);
  return bytes;
}
