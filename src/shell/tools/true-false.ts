// This file implements coreutils /usr/bin/true and /usr/bin/false: programs
// that only exit (0 and 1), handy as the command of nsenter or unshare.

import type { Tool } from '../program-exec.js';

export const trueTool: Tool = { name: 'true', path: '/usr/bin/true', main: async () => 0 };

export const falseTool: Tool = { name: 'false', path: '/usr/bin/false', main: async () => 1 };
