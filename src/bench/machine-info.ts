// What a reader needs to know about the machine a run was measured on, so
// figures from different runs are not compared blindly.

import { availableParallelism, cpus, loadavg, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemoryBytes: number;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  /** os.type() + os.release(): 'Linux 6.1.0'. */
  readonly kernel: string;
  /** 1, 5 and 15-minute load averages when the run started: above the CPU count means other work competed. */
  readonly loadAverage: readonly number[];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: availableParallelism(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemoryBytes: totalmem(),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    kernel: `${osType()} ${release()}`,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
