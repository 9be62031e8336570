/* Credentials (host/kernel/creds.ts, credcalls.ts): getuid and its kin,
 * setuid and its kin, getgroups/setgroups, as glibc makes them: one Linux
 * call each, except seteuid/setegid, which are setresuid(-1, e, -1) and
 * setresgid(-1, e, -1) after refusing -1 with EINVAL. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <unistd.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(getuid) int __socklab_getuid(uid_t *);
SOCKLAB_IMPORT(geteuid) int __socklab_geteuid(uid_t *);
SOCKLAB_IMPORT(getgid) int __socklab_getgid(gid_t *);
SOCKLAB_IMPORT(getegid) int __socklab_getegid(gid_t *);
SOCKLAB_IMPORT(setuid) int __socklab_setuid(uid_t);
SOCKLAB_IMPORT(setgid) int __socklab_setgid(gid_t);
SOCKLAB_IMPORT(setreuid) int __socklab_setreuid(uid_t, uid_t);
SOCKLAB_IMPORT(setregid) int __socklab_setregid(gid_t, gid_t);
SOCKLAB_IMPORT(setresuid) int __socklab_setresuid(uid_t, uid_t, uid_t);
SOCKLAB_IMPORT(setresgid) int __socklab_setresgid(gid_t, gid_t, gid_t);
SOCKLAB_IMPORT(getresuid) int __socklab_getresuid(uid_t *, uid_t *, uid_t *);
SOCKLAB_IMPORT(getresgid) int __socklab_getresgid(gid_t *, gid_t *, gid_t *);
SOCKLAB_IMPORT(getgroups) int __socklab_getgroups(int, gid_t *, int *);
SOCKLAB_IMPORT(setgroups) int __socklab_setgroups(int, const gid_t *);

/* The get*id calls never fail (their out-pointer is the SDK's own). */
uid_t getuid(void) {
  uid_t v = 0;
  __socklab_getuid(&v);
  return v;
}
uid_t geteuid(void) {
  uid_t v = 0;
  __socklab_geteuid(&v);
  return v;
}
gid_t getgid(void) {
  gid_t v = 0;
  __socklab_getgid(&v);
  return v;
}
gid_t getegid(void) {
  gid_t v = 0;
  __socklab_getegid(&v);
  return v;
}

int setuid(uid_t uid) { return __socklab_ret(__socklab_setuid(uid)); }
int setgid(gid_t gid) { return __socklab_ret(__socklab_setgid(gid)); }
int setreuid(uid_t r, uid_t e) { return __socklab_ret(__socklab_setreuid(r, e)); }
int setregid(gid_t r, gid_t e) { return __socklab_ret(__socklab_setregid(r, e)); }
int setresuid(uid_t r, uid_t e, uid_t s) { return __socklab_ret(__socklab_setresuid(r, e, s)); }
int setresgid(gid_t r, gid_t e, gid_t s) { return __socklab_ret(__socklab_setresgid(r, e, s)); }
int getresuid(uid_t *r, uid_t *e, uid_t *s) { return __socklab_ret(__socklab_getresuid(r, e, s)); }
int getresgid(gid_t *r, gid_t *e, gid_t *s) { return __socklab_ret(__socklab_getresgid(r, e, s)); }

int seteuid(uid_t uid) {
  if (uid == (uid_t)-1) {
    errno = EINVAL;
    return -1;
  }
  return setresuid((uid_t)-1, uid, (uid_t)-1);
}
int setegid(gid_t gid) {
  if (gid == (gid_t)-1) {
    errno = EINVAL;
    return -1;
  }
  return setresgid((gid_t)-1, gid, (gid_t)-1);
}

int getgroups(int size, gid_t list[]) {
  int n = -1;
  return __socklab_ret(__socklab_getgroups(size, list, &n)) ? -1 : n;
}
int setgroups(size_t size, const gid_t *list) { return __socklab_ret(__socklab_setgroups((int)size, list)); }
