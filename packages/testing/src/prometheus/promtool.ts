import { type CommandResult, runWithInput } from '../process/run-with-input.js';
import { requireBinary } from '../system-binary.js';

/** What `promtool check metrics` said: exit code 0 valid, 3 valid with lint warnings, 1 invalid. */
export type PromtoolResult = CommandResult;

/** Runs `promtool check metrics` (which lints too) with `body` on stdin. */
export function promtoolCheckMetrics(body: string): Promise<PromtoolResult> {
  return runWithInput(requireBinary('promtool'), ['check', 'metrics'], body);
}
