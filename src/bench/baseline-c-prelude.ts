// What every real-Linux benchmark program shares, as C kept in a string: the
// headers every one uses, its clock, and the error half of the output
// protocol runBaseline() parses ("ok UNITS MS" or "error WHAT: STRERROR",
// exit status 2). Each program's source puts it after its own headers.

export const BASELINE_C_PRELUDE = String.raw`#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void fail(const char *what) {
  printf("error %s: %s\n", what, strerror(errno));
  fflush(stdout);
  _exit(2);
}
`;
