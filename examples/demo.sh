# pidsim shell < examples/demo.sh
# The PID-namespace walkthrough of the article pidsim grew from, replayed in
# an emulated terminal with three windows. PIDs differ from the article's
# (its machine had other processes running); the structure is the same.

# --- 1. A new PID namespace needs its own /proc --------------------------
echo $$
readlink /proc/$$/ns/pid
sudo unshare --pid --mount --fork /bin/bash
# $$ is 1, but /proc is still the old namespace's (copied with the mount namespace):
echo $$
readlink /proc/$$/ns/pid
ps
cat /proc/1/cmdline; echo
# Mount a procfs for the new namespace, and the view is right:
mount -t proc proc /proc
readlink /proc/$$/ns/pid
ps
exit
# --mount-proc does both at once:
sudo unshare --pid --mount-proc --fork /bin/bash
ps -ef
exit

# --- 2. Only the forked child joins the new namespace ---------------------
sudo unshare --pid --mount-proc --fork /bin/bash
window 2
pstree -p 2
readlink /proc/2/ns/pid /proc/17/ns/pid /proc/18/ns/pid /proc/19/ns/pid
# unshare itself stays outside; only its pid_for_children is the new namespace:
readlink /proc/18/ns/pid_for_children
window 1
exit

# --- 3. Three nested namespaces --------------------------------------------
echo $$
sudo unshare --pid --mount-proc --fork /bin/bash
sudo unshare --pid --mount-proc --fork /bin/bash
sudo unshare --pid --mount-proc --fork /bin/bash
window 2
pstree -p 2
# The innermost bash has one PID per level, outermost first:
grep pid /proc/32/status

# --- 4. Entering the second namespace from another window ----------------
sudo nsenter --mount --pid -t 29 /bin/bash
pstree -p
# The nsenter'ed bash is missing from pstree: its parent is outside, so its PPID is 0.
ps -ef
window 3
sudo nsenter --mount --pid -t 26 /bin/bash
pstree -p
ps -ef

# --- 5. kill from a parent namespace ----------------------------------------
# An interactive bash ignores SIGTERM, so a plain kill does nothing...
kill 8
# ...but SIGKILL from the first namespace kills the bash of window 2.
kill -9 8
ps -ef
window 2

# --- 6. Orphans are adopted by their own namespace's init ------------------
window 1
bash
bash
unshare --fork nohup sleep 3600 &
pstree -p
# util-linux 2.38's unshare blocks SIGTERM while it waits (2.27, the article's, did not):
kill 4
pstree -p
kill -9 4
pstree -p
kill 5
unshare --fork nohup sleep 3600 &
window 3
pstree -p
kill -9 22
pstree -p

# --- 7. SIGKILL to the second namespace's init ----------------------------
window 2
sudo nsenter --mount --pid -t 29 /bin/bash
window 3
kill -SIGKILL 4
pstree -p
ps -ef
window 1
ps -ef
window 2
# Window 2 is back on the host, where nothing of the second and third namespaces is left:
ps -ef
