import { describe, expect, it } from 'vitest';
import { parseMaxOpenFiles } from './proc-limits.js';
import { parseProcessMemoryStatus } from './proc-status.js';

describe('procfs parsers', () => {
  it('reads VmRSS, VmSize and VmData in bytes', () => {
    const text =
      'Name:\tnode\nVmPeak:\t 1000 kB\nVmSize:\t  983000 kB\nVmData:\t   85000 kB\nVmRSS:\t   49000 kB\n';
    expect(parseProcessMemoryStatus(text)).toEqual({
      residentBytes: 49000 * 1024,
      virtualBytes: 983000 * 1024,
      dataBytes: 85000 * 1024,
    });
    expect(parseProcessMemoryStatus('Name:\tnode\nVmRSS:\t 1 kB\n')).toBeUndefined();
  });

  it('reads the soft limit of open files', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units     \n' +
      'Max open files            20000                524288               files     \n';
    expect(parseMaxOpenFiles(limits)).toBe(20000);
    expect(parseMaxOpenFiles(limits.replace('20000 ', 'unlimited'.padEnd(6)))).toBe(Number.POSITIVE_INFINITY);
    expect(parseMaxOpenFiles('Max processes 10 10 processes\n')).toBeUndefined();
  });
});
