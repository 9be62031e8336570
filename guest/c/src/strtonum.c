/* strtol and strtod's families as glibc has them: when no conversion can be
 * made ("x", "", "-"), wasi-libc (musl) sets errno to EINVAL and glibc leaves
 * errno alone (POSIX allows either). Programs test errno after strtol (TLPI's
 * getNum reports "strtol() failed" instead of "nonnumeric characters"), so
 * these are linked with --wrap (guest/c/sdk.json) around wasi-libc's: its
 * result, with errno put back when nothing was converted. An invalid base
 * keeps its EINVAL, as in glibc. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

long __real_strtol(const char *, char **, int);
unsigned long __real_strtoul(const char *, char **, int);
long long __real_strtoll(const char *, char **, int);
unsigned long long __real_strtoull(const char *, char **, int);
intmax_t __real_strtoimax(const char *, char **, int);
uintmax_t __real_strtoumax(const char *, char **, int);
float __real_strtof(const char *, char **);
double __real_strtod(const char *, char **);
long double __real_strtold(const char *, char **);

#define VALID_BASE(b) ((b) == 0 || ((b) >= 2 && (b) <= 36))

/* errno as glibc leaves it: SAVED when the call converted nothing from S (END == S) and failed only for that. */
static void keep_errno(const char *s, const char *end, int saved, int base_ok) {
  if (end == s && errno == EINVAL && base_ok) errno = saved;
}

#define WRAP_INT(type, name)                                   \
  type __wrap_##name(const char *s, char **endp, int base) {   \
    int saved = errno;                                         \
    char *end;                                                 \
    type r = __real_##name(s, &end, base);                     \
    keep_errno(s, end, saved, VALID_BASE(base));               \
    if (endp) *endp = end;                                     \
    return r;                                                  \
  }
#define WRAP_FLOAT(type, name)                                 \
  type __wrap_##name(const char *s, char **endp) {             \
    int saved = errno;                                         \
    char *end;                                                 \
    type r = __real_##name(s, &end);                           \
    keep_errno(s, end, saved, 1);                              \
    if (endp) *endp = end;                                     \
    return r;                                                  \
  }

WRAP_INT(long, strtol)
WRAP_INT(unsigned long, strtoul)
WRAP_INT(long long, strtoll)
WRAP_INT(unsigned long long, strtoull)
WRAP_INT(intmax_t, strtoimax)
WRAP_INT(uintmax_t, strtoumax)
WRAP_FLOAT(float, strtof)
WRAP_FLOAT(double, strtod)
WRAP_FLOAT(long double, strtold)
