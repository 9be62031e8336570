/* ---- get_num.c (TLPI 3.6): getInt/getLong with the book's messages ---- */
#ifndef TLPI_GET_NUM_H
#define TLPI_GET_NUM_H
#include "tlpi_hdr.h"
#define GN_NONNEG 01
#define GN_GT_0 02
static void gnFail(const char *fname, const char *msg, const char *arg, const char *name) {
  fprintf(stderr, "%s error", fname);
  if (name != NULL) fprintf(stderr, " (in %s)", name);
  fprintf(stderr, ": %s\n", msg);
  if (arg != NULL && *arg != '\0') fprintf(stderr, "        offending text: %s\n", arg);
  exit(EXIT_FAILURE);
}
static long getNum(const char *fname, const char *arg, int flags, const char *name) {
  long res;
  char *endptr;
  if (arg == NULL || *arg == '\0') gnFail(fname, "null or empty string", arg, name);
  errno = 0;
  res = strtol(arg, &endptr, 10);
  if (errno != 0) gnFail(fname, "strtol() failed", arg, name);
  if (*endptr != '\0') gnFail(fname, "nonnumeric characters", arg, name);
  if ((flags & GN_NONNEG) && res < 0) gnFail(fname, "negative value not allowed", arg, name);
  if ((flags & GN_GT_0) && res <= 0) gnFail(fname, "value must be > 0", arg, name);
  return res;
}
static long getLong(const char *arg, int flags, const char *name) { return getNum("getLong", arg, flags, name); }
static int getInt(const char *arg, int flags, const char *name) {
  long res = getNum("getInt", arg, flags, name);
  if (res > INT_MAX || res < INT_MIN) gnFail("getInt", "integer out of range", arg, name);
  return (int)res;
}
#endif
