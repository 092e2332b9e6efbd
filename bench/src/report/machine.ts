import { cpus, totalmem } from 'node:os';

/** MachineInfo describes where the figures were measured. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGigabytes: number;
  readonly nodeVersion: string;
  readonly v8Version: string;
  readonly platform: string;
}

/** Reads the machine description from `node:os` and `process`. */
export function describeMachine(): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGigabytes: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    nodeVersion: process.version,
    v8Version: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
  };
}
