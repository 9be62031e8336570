/* <pwd.h> and <grp.h>: the user and group databases as glibc's "files"
 * source reads them: /etc/passwd and /etc/group opened O_RDONLY|O_CLOEXEC
 * for each lookup (kept open between getpwent/getgrent calls), one line per
 * entry, malformed lines skipped. The _r forms fill the caller's buffer
 * (ERANGE when it is too small); the others use a buffer of their own,
 * grown as needed, overwritten by the next call. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PASSWD_FILE "/etc/passwd"
#include <fcntl.h>
#define GROUP_FILE "/etc/group"

/* glibc's fopen(path, "rce"): O_CLOEXEC in the openat itself (musl's "e" is a later fcntl). */
static FILE *open_db(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  FILE *f = fdopen(fd, "r");
  if (!f) close(fd);
  return f;
}

/* Splits s at sep into exactly n fields; 0 when it has another count. */
static int split(char *s, char **f, int n, char sep) {
  int i = 0;
  f[i++] = s;
  for (; *s; s++)
    if (*s == sep) {
      if (i == n) return 0;
      *s = 0;
      f[i++] = s + 1;
    }
  return i == n;
}

static int number(const char *s, unsigned *v) {
  char *end;
  if (!*s) return 0;
  unsigned long n = strtoul(s, &end, 10);
  if (*end || n > UINT32_MAX) return 0;
  *v = (unsigned)n;
  return 1;
}

/* The line (newline removed) copied into buf: 0, ERANGE, or EINVAL for a line to skip. */
static int copy_line(const char *line, char *buf, size_t buflen) {
  size_t n = strcspn(line, "\n");
  if (n == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-') return EINVAL;
  if (n + 1 > buflen) return ERANGE;
  memcpy(buf, line, n);
  buf[n] = 0;
  return 0;
}

static int parse_pw(const char *line, struct passwd *pw, char *buf, size_t buflen) {
  int r = copy_line(line, buf, buflen);
  if (r) return r;
  char *f[7];
  unsigned uid, gid;
  if (!split(buf, f, 7, ':') || !*f[0] || !number(f[2], &uid) || !number(f[3], &gid)) return EINVAL;
  *pw = (struct passwd){f[0], f[1], uid, gid, f[4], f[5], f[6]};
  return 0;
}

static int parse_gr(const char *line, struct group *gr, char *buf, size_t buflen) {
  int r = copy_line(line, buf, buflen);
  if (r) return r;
  size_t used = strlen(buf) + 1;
  char *f[4];
  unsigned gid;
  if (!split(buf, f, 4, ':') || !*f[0] || !number(f[2], &gid)) return EINVAL;
  size_t members = *f[3] ? 1 : 0;
  for (char *c = f[3]; *c; c++) members += *c == ',';
  /* The member pointers follow the strings, aligned. */
  size_t at = (used + sizeof(char *) - 1) & ~(sizeof(char *) - 1);
  if (at + (members + 1) * sizeof(char *) > buflen) return ERANGE;
  char **mem = (char **)(buf + at);
  size_t i = 0;
  for (char *c = f[3]; *f[3] && c;) {
    mem[i++] = c;
    c = strchr(c, ',');
    if (c) *c++ = 0;
  }
  mem[i] = NULL;
  *gr = (struct group){f[0], f[1], gid, mem};
  return 0;
}

typedef int (*parse_fn)(const char *, void *, char *, size_t);
typedef int (*match_fn)(const void *, const void *);

/* The next entry of f into ent: 0 (*found 1, or 0 at the end), or ERANGE with f back at that entry's line. */
static int next_entry(FILE *f, parse_fn parse, void *ent, char *buf, size_t buflen, int *found) {
  static char *line;
  static size_t cap;
  *found = 0;
  for (;;) {
    long at = ftell(f);
    if (getline(&line, &cap, f) < 0) return 0;
    int r = parse(line, ent, buf, buflen);
    if (r == EINVAL) continue;
    if (r == ERANGE) {
      fseek(f, at, SEEK_SET);
      return ERANGE;
    }
    *found = 1;
    return 0;
  }
}

/* One lookup: the file opened, searched for the first entry match() accepts, closed. */
static int lookup(const char *path, parse_fn parse, match_fn match, const void *key, void *ent, char *buf, size_t buflen, void **result) {
  *result = NULL;
  FILE *f = open_db(path);
  if (!f) return errno == ENOENT ? 0 : errno;
  int r, found;
  while (!(r = next_entry(f, parse, ent, buf, buflen, &found)) && found)
    if (match(ent, key)) {
      *result = ent;
      break;
    }
  fclose(f);
  return r;
}

static int pw_name_is(const void *e, const void *k) { return !strcmp(((const struct passwd *)e)->pw_name, k); }
static int pw_uid_is(const void *e, const void *k) { return ((const struct passwd *)e)->pw_uid == *(const uid_t *)k; }
static int gr_name_is(const void *e, const void *k) { return !strcmp(((const struct group *)e)->gr_name, k); }
static int gr_gid_is(const void *e, const void *k) { return ((const struct group *)e)->gr_gid == *(const gid_t *)k; }

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen, struct passwd **result) {
  return lookup(PASSWD_FILE, (parse_fn)parse_pw, pw_name_is, name, pw, buf, buflen, (void **)result);
}
int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t buflen, struct passwd **result) {
  return lookup(PASSWD_FILE, (parse_fn)parse_pw, pw_uid_is, &uid, pw, buf, buflen, (void **)result);
}
int getgrnam_r(const char *name, struct group *gr, char *buf, size_t buflen, struct group **result) {
  return lookup(GROUP_FILE, (parse_fn)parse_gr, gr_name_is, name, gr, buf, buflen, (void **)result);
}
int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t buflen, struct group **result) {
  return lookup(GROUP_FILE, (parse_fn)parse_gr, gr_gid_is, &gid, gr, buf, buflen, (void **)result);
}

/* The non-reentrant forms' buffers (one per database, as glibc's: a getpwuid result outlives a getgrgid), doubled while a call says ERANGE. */
struct sbuf {
  char *p;
  size_t len;
};
static struct sbuf pwb, grb;
static int grow(struct sbuf *b) {
  size_t n = b->len ? b->len * 2 : 1024;
  char *q = realloc(b->p, n);
  if (!q) return 0;
  b->p = q;
  b->len = n;
  return 1;
}
#define STATIC_CALL(type, ent, b, call)           \
  do {                                            \
    static type ent;                              \
    type *res = NULL;                             \
    int r;                                        \
    if (!(b).p && !grow(&(b))) return NULL;       \
    while ((r = (call)) == ERANGE)                \
      if (!grow(&(b))) return NULL;               \
    if (r) errno = r;                             \
    return res;                                   \
  } while (0)

struct passwd *getpwnam(const char *name) { STATIC_CALL(struct passwd, pw, pwb, getpwnam_r(name, &pw, pwb.p, pwb.len, &res)); }
struct passwd *getpwuid(uid_t uid) { STATIC_CALL(struct passwd, pw, pwb, getpwuid_r(uid, &pw, pwb.p, pwb.len, &res)); }
struct group *getgrnam(const char *name) { STATIC_CALL(struct group, gr, grb, getgrnam_r(name, &gr, grb.p, grb.len, &res)); }
struct group *getgrgid(gid_t gid) { STATIC_CALL(struct group, gr, grb, getgrgid_r(gid, &gr, grb.p, grb.len, &res)); }

/* Enumeration: the file stays open from the first getpwent to endpwent. */
static FILE *pwf, *grf;
static int enum_next(FILE **f, const char *path, parse_fn parse, void *ent, char *buf, size_t buflen, void **result) {
  *result = NULL;
  if (!*f && !(*f = open_db(path))) return errno == ENOENT ? ENOENT : errno;
  int found, r = next_entry(*f, parse, ent, buf, buflen, &found);
  if (r) return r;
  if (!found) return ENOENT;
  *result = ent;
  return 0;
}
void setpwent(void) {
  if (pwf) rewind(pwf);
}
void endpwent(void) {
  if (pwf) fclose(pwf);
  pwf = NULL;
}
int getpwent_r(struct passwd *pw, char *buf, size_t buflen, struct passwd **result) {
  return enum_next(&pwf, PASSWD_FILE, (parse_fn)parse_pw, pw, buf, buflen, (void **)result);
}
void setgrent(void) {
  if (grf) rewind(grf);
}
void endgrent(void) {
  if (grf) fclose(grf);
  grf = NULL;
}
int getgrent_r(struct group *gr, char *buf, size_t buflen, struct group **result) {
  return enum_next(&grf, GROUP_FILE, (parse_fn)parse_gr, gr, buf, buflen, (void **)result);
}
/* glibc's getpwent/getgrent: NULL at the end, errno left as the _r form says (ENOENT). */
struct passwd *getpwent(void) { STATIC_CALL(struct passwd, pw, pwb, getpwent_r(&pw, pwb.p, pwb.len, &res)); }
struct group *getgrent(void) { STATIC_CALL(struct group, gr, grb, getgrent_r(&gr, grb.p, grb.len, &res)); }

int fgetpwent_r(FILE *f, struct passwd *pw, char *buf, size_t buflen, struct passwd **result) {
  *result = NULL;
  int found, r = next_entry(f, (parse_fn)parse_pw, pw, buf, buflen, &found);
  if (r) return r;
  if (!found) return ENOENT;
  *result = pw;
  return 0;
}

/* user's groups: `group` first, then each group listing user, in file order, without repeats. */
int getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups) {
  int n = 0, max = *ngroups;
  if (n < max) groups[n] = group;
  n++;
  FILE *f = open_db(GROUP_FILE);
  if (f) {
    size_t len = 1024;
    char *buf = malloc(len);
    struct group gr;
    int found, r;
    while (buf) {
      r = next_entry(f, (parse_fn)parse_gr, &gr, buf, len, &found);
      if (r == ERANGE) {
        char *b = realloc(buf, len *= 2);
        if (!b) break;
        buf = b;
        continue;
      }
      if (!found) break;
      if (gr.gr_gid == group) continue;
      for (char **m = gr.gr_mem; *m; m++)
        if (!strcmp(*m, user)) {
          int seen = 0;
          for (int i = 0; i < n && i < max; i++) seen |= groups[i] == gr.gr_gid;
          if (!seen) {
            if (n < max) groups[n] = gr.gr_gid;
            n++;
          }
          break;
        }
    }
    free(buf);
    fclose(f);
  }
  *ngroups = n;
  return n > max ? -1 : n;
}

int initgroups(const char *user, gid_t group) {
  int n = 0;
  getgrouplist(user, group, NULL, &n);
  gid_t *list = malloc((size_t)n * sizeof *list);
  if (!list) {
    errno = ENOMEM;
    return -1;
  }
  getgrouplist(user, group, list, &n);
  int r = setgroups((size_t)n, list);
  free(list);
  return r;
}
