// Flag values of clone(2), unshare(2), setns(2), prctl(2) and reboot(2) that
// the emulator understands (include/uapi/linux/sched.h, prctl.h, reboot.h).

export const CLONE_VM = 0x00000100;
export const CLONE_SIGHAND = 0x00000800;
export const CLONE_PARENT = 0x00008000;
export const CLONE_THREAD = 0x00010000;
export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;

export const PR_SET_CHILD_SUBREAPER = 36;
export const PR_GET_CHILD_SUBREAPER = 37;

export const LINUX_REBOOT_CMD_RESTART = 0x01234567;
export const LINUX_REBOOT_CMD_HALT = 0xcdef0123;
export const LINUX_REBOOT_CMD_CAD_ON = 0x89abcdef;
export const LINUX_REBOOT_CMD_CAD_OFF = 0x00000000;
export const LINUX_REBOOT_CMD_POWER_OFF = 0x4321fedc;
export const LINUX_REBOOT_CMD_RESTART2 = 0xa1b2c3d4;

/** reboot(2) commands by name, as the API takes them. */
export type RebootCommand = 'restart' | 'restart2' | 'halt' | 'power-off' | 'cad-on' | 'cad-off';
