/* socklab guest SDK: <pwd.h> (wasi-libc has none). The user database is
 * /etc/passwd, read as glibc's "files" source reads it (guest/c/src/pwd.c);
 * every virtual host has Debian's base one unless a mount provides /etc
 * (docs/abi.md, "Users and credentials"). */
#ifndef _SOCKLAB_PWD_H
#define _SOCKLAB_PWD_H
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct passwd {
  char *pw_name;
  char *pw_passwd;
  uid_t pw_uid;
  gid_t pw_gid;
  char *pw_gecos;
  char *pw_dir;
  char *pw_shell;
};

struct passwd *getpwnam(const char *name);
struct passwd *getpwuid(uid_t uid);
int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen, struct passwd **result);
int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t buflen, struct passwd **result);
void setpwent(void);
struct passwd *getpwent(void);
void endpwent(void);
int getpwent_r(struct passwd *pw, char *buf, size_t buflen, struct passwd **result);
int fgetpwent_r(FILE *f, struct passwd *pw, char *buf, size_t buflen, struct passwd **result);

#ifdef __cplusplus
}
#endif
#endif
