/* The set*id rules (TLPI 9.7's table): a temporary drop with seteuid and its
 * return through the saved id, setreuid's saved-id update, setresuid,
 * setgroups' sorting and getgroups' EINVAL, then a permanent drop. Printed
 * for comparison with the gcc build run as root. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *what, int r) {
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  getresuid(&ru, &eu, &su);
  getresgid(&rg, &eg, &sg);
  printf("%-28s %-24s uid %u/%u/%u gid %u/%u/%u\n", what, r ? strerror(errno) : "ok", ru, eu, su, rg, eg, sg);
}

int main(void) {
  gid_t g[] = {100, 20, 33}, out[8];
  show("setgroups(3)", setgroups(3, g));
  int n = getgroups(8, out);
  printf("getgroups: %d: %u %u %u\n", n, out[0], out[1], out[2]);
  /* One call per statement: gcc and clang evaluate printf's arguments in opposite orders. */
  n = getgroups(1, out);
  printf("getgroups(1): %d %s\n", n, strerror(errno));
  n = getgroups(-1, out);
  printf("getgroups(-1): %d %s\n", n, strerror(errno));
  show("setegid(33)", setegid(33));
  show("seteuid(1000)", seteuid(1000));
  show("seteuid(-1)", seteuid((uid_t)-1));
  show("seteuid(0) via saved", seteuid(0));
  show("setreuid(1000, -1)", setreuid(1000, -1));
  show("setreuid(-1, 2000)", setreuid(-1, 2000));
  show("setreuid(-1, 1000)", setreuid(-1, 1000));
  show("setreuid(-1, 0)", setreuid(-1, 0));
  show("setreuid(2000, 2000)", setreuid(2000, 2000));
  show("setresuid(-1, -1, 3000)", setresuid(-1, -1, 3000));
  show("setresuid(2000, 2000, 2000)", setresuid(2000, 2000, 2000));
  show("setuid(2000)", setuid(2000));
  show("setuid(0)", setuid(0));
  show("setregid(-1, 0)", setregid(-1, 0));
  show("setresgid(33, 33, 33)", setresgid(33, 33, 33));
  show("setgid(0)", setgid(0));
  show("setgid(33)", setgid(33));
  return 0;
}
