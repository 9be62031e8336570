/* socklab guest SDK: <grp.h> (wasi-libc has none). The group database is
 * /etc/group, read as glibc's "files" source reads it (guest/c/src/pwd.c);
 * setgroups is the Linux call (guest/c/src/creds.c). */
#ifndef _SOCKLAB_GRP_H
#define _SOCKLAB_GRP_H
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct group {
  char *gr_name;
  char *gr_passwd;
  gid_t gr_gid;
  char **gr_mem;
};

struct group *getgrnam(const char *name);
struct group *getgrgid(gid_t gid);
int getgrnam_r(const char *name, struct group *gr, char *buf, size_t buflen, struct group **result);
int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t buflen, struct group **result);
void setgrent(void);
struct group *getgrent(void);
void endgrent(void);
int getgrent_r(struct group *gr, char *buf, size_t buflen, struct group **result);
int getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups);
int initgroups(const char *user, gid_t group);
int setgroups(size_t size, const gid_t *list);

#ifdef __cplusplus
}
#endif
#endif
