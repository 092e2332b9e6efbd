import type { ExpositionEncoder } from './exposition-encoder.js';
import type { ExpositionFormat } from './exposition-format.js';
import { PROTOBUF_ENCODER } from './protobuf-encoder.js';
import { OPENMETRICS_ENCODER, TEXT_ENCODER } from './text-encoder.js';

/** The encoder of an exposition format. */
export function encoderFor(format: ExpositionFormat): ExpositionEncoder {
  if (format === 'protobuf') return PROTOBUF_ENCODER;
  return format === 'openmetrics' ? OPENMETRICS_ENCODER : TEXT_ENCODER;
}
