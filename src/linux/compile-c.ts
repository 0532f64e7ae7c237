// Compiling a C program at run time with the system compiler ($CC, else cc),
// once per source and compiler, into a cache directory under os.tmpdir().
// Used by the scenario runner's linux backend and the bench's real-Linux
// baseline: the same scenario, or the same workload, on the real kernel.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CProgram {
  /** A short name for the cache directory and messages ("helper", "baseline"). */
  readonly name: string;
  readonly source: string;
  /** Optimization flag, e.g. '-O1'. */
  readonly optimize: string;
  /** Further compiler flags, after the source file (so libraries link), e.g. ['-pthread']. */
  readonly flags?: readonly string[];
}

/** The compiler: $CC, else cc. */
export function cCompiler(): string {
  return process.env['CC'] || 'cc';
}

const builds = new Map<string, Promise<string>>();

/**
 * The path of the compiled program. Errors say what to do: no compiler
 * (install gcc, or set CC), or the compiler's first lines of output.
 */
export function compileC(program: CProgram): Promise<string> {
  const cc = cCompiler();
  const flags = program.flags ?? [];
  // Flags join the hash only when given, so the programs compiled without any keep their cached binaries.
  const hash = createHash('sha256').update(program.source).update(cc).update(program.optimize).update(flags.length > 0 ? `\0${flags.join('\0')}` : '').digest('hex').slice(0, 16);
  let built = builds.get(hash);
  if (built) return built;
  built = (async () => {
    const dir = join(tmpdir(), `pidsim-${program.name}`);
    const binary = join(dir, `${program.name}-${hash}`);
    if (existsSync(binary)) return binary;
    await mkdir(dir, { recursive: true });
    // Parallel runs may compile at once: build privately, then rename into place.
    const work = await mkdtemp(join(dir, 'build-'));
    try {
      await writeFile(join(work, `${program.name}.c`), program.source);
      try {
        await run(cc, [program.optimize, '-Wall', '-o', join(work, program.name), join(work, `${program.name}.c`), ...flags], { timeout: 60_000 });
      } catch (e) {
        const err = e as NodeJS.ErrnoException & { stderr?: string };
        if (err.code === 'ENOENT') throw new Error(`no C compiler: ${cc} was not found (install gcc, or set CC)`);
        throw new Error(`compiling the ${program.name} with ${cc} failed: ${(err.stderr ?? err.message).trim().split('\n').slice(0, 5).join(' | ')}`);
      }
      await rename(join(work, program.name), binary);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    return binary;
  })();
  builds.set(hash, built);
  built.catch(() => builds.delete(hash));
  return built;
}
