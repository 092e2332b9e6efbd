/** Memory figures of `/proc/self/status`, in bytes. */
export interface ProcessMemoryStatus {
  /** `VmRSS`: resident set size. */
  residentBytes: number;
  /** `VmSize`: virtual memory size. */
  virtualBytes: number;
  /** `VmData`: size of the data segment (what prom-client calls `process_heap_bytes`). */
  dataBytes: number;
}

/** Reads a `Name:   1234 kB` line of /proc/self/status as bytes; undefined when absent or malformed. */
function readKilobytes(text: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(text);
  return match === null ? undefined : Number(match[1]) * 1024;
}

/** Parses the memory lines of `/proc/self/status`; undefined when any of them is missing. */
export function parseProcessMemoryStatus(text: string): ProcessMemoryStatus | undefined {
  const residentBytes = readKilobytes(text, 'VmRSS');
  const virtualBytes = readKilobytes(text, 'VmSize');
  const dataBytes = readKilobytes(text, 'VmData');
  if (residentBytes === undefined || virtualBytes === undefined || dataBytes === undefined) return undefined;
  return { residentBytes, virtualBytes, dataBytes };
}
