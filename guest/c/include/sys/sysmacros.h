/* socklab guest SDK: <sys/sysmacros.h>. glibc's dev_t encoding (12-bit major and
 * 20-bit minor split across 64 bits), which the SDK's st_dev and st_rdev use. */
#ifndef _SOCKLAB_SYS_SYSMACROS_H
#define _SOCKLAB_SYS_SYSMACROS_H
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
static __inline unsigned int gnu_dev_major(dev_t __dev) {
  return (unsigned int)(((__dev >> 8) & 0xfff) | ((unsigned int)(__dev >> 32) & ~0xfffu));
}
static __inline unsigned int gnu_dev_minor(dev_t __dev) {
  return (unsigned int)((__dev & 0xff) | ((unsigned int)(__dev >> 12) & ~0xffu));
}
static __inline dev_t gnu_dev_makedev(unsigned int __major, unsigned int __minor) {
  return (((dev_t)(__major & 0xfffu)) << 8) | (((dev_t)(__major & ~0xfffu)) << 32) | ((dev_t)(__minor & 0xffu)) |
         (((dev_t)(__minor & ~0xffu)) << 12);
}
#define major(dev) gnu_dev_major(dev)
#define minor(dev) gnu_dev_minor(dev)
#define makedev(maj, min) gnu_dev_makedev(maj, min)
#ifdef __cplusplus
}
#endif
#endif
