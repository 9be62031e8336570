/* socklab guest SDK: <sys/ioctl.h> with Linux's request numbers for the
 * requests socklab answers (docs/abi.md): FIONREAD (= SIOCINQ), TIOCOUTQ
 * (= SIOCOUTQ), FIONBIO, SIOCATMARK, FIOASYNC, FIOSETOWN/SIOCSPGRP,
 * FIOGETOWN/SIOCGPGRP and the interface requests SIOCGIFNAME, SIOCGIFINDEX,
 * SIOCGIFCONF, SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFDSTADDR, SIOCGIFBRDADDR,
 * SIOCGIFNETMASK, SIOCGIFMTU, SIOCGIFHWADDR. wasi-libc's header numbers FIONREAD
 * and FIONBIO its own way (1, 2); this one replaces it. */
#ifndef _SOCKLAB_SYS_IOCTL_H
#define _SOCKLAB_SYS_IOCTL_H
#define _SYS_IOCTL_H
#define __wasilibc___header_sys_ioctl_h

#define TIOCOUTQ 0x5411
#define FIONREAD 0x541B
#define FIONBIO 0x5421
#define FIOASYNC 0x5452
#define FIOSETOWN 0x8901
#define SIOCSPGRP 0x8902
#define FIOGETOWN 0x8903
#define SIOCGPGRP 0x8904
#define SIOCATMARK 0x8905
#define SIOCGIFNAME 0x8910
#define SIOCGIFINDEX 0x8933
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCGIFADDR 0x8915
#define SIOCGIFDSTADDR 0x8917
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891B
#define SIOCGIFMTU 0x8921
#define SIOCGIFHWADDR 0x8927
#define TIOCINQ FIONREAD
#define SIOCINQ FIONREAD
#define SIOCOUTQ TIOCOUTQ

#ifdef __cplusplus
extern "C" {
#endif

int ioctl(int, int, ...);

#ifdef __cplusplus
}
#endif
#endif
