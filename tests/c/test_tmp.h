/* The directory of the files and socket paths a test program makes: /tmp, which under socklab is the
 * run's own filesystem. A native run gets a directory of its own through SOCKLAB_TEST_TMP (the tests
 * set it: runs at once on one machine would otherwise share, and unlink, each other's paths). */
#ifndef SOCKLAB_TEST_TMP_H
#define SOCKLAB_TEST_TMP_H
#include <stdio.h>
#include <stdlib.h>

static inline const char *tmp_dir(void) {
  const char *d = getenv("SOCKLAB_TEST_TMP");
  return d && *d ? d : "/tmp";
}
/* dir/name, written into buf. */
static inline const char *tmp_path(char *buf, size_t size, const char *name) {
  snprintf(buf, size, "%s/%s", tmp_dir(), name);
  return buf;
}
#endif
