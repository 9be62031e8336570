/* socklab guest SDK: <sys/prctl.h>. prctl(2) as a host call (guest/c/src/prctl.c,
 * host/kernel/prctl.ts, docs/abi.md): the options socklab keeps are PR_SET_NAME/
 * PR_GET_NAME, PR_SET_PDEATHSIG/PR_GET_PDEATHSIG, PR_SET_CHILD_SUBREAPER/
 * PR_GET_CHILD_SUBREAPER, PR_SET_DUMPABLE/PR_GET_DUMPABLE, PR_SET_KEEPCAPS/
 * PR_GET_KEEPCAPS and PR_SET_NO_NEW_PRIVS/PR_GET_NO_NEW_PRIVS; any other is
 * EINVAL. The constants are Linux's <linux/prctl.h>. */
#ifndef _SOCKLAB_SYS_PRCTL_H
#define _SOCKLAB_SYS_PRCTL_H
#ifdef __cplusplus
extern "C" {
#endif

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_GET_UNALIGN 5
#define PR_SET_UNALIGN 6
#define PR_GET_KEEPCAPS 7
#define PR_SET_KEEPCAPS 8
#define PR_GET_FPEMU 9
#define PR_SET_FPEMU 10
#define PR_GET_FPEXC 11
#define PR_SET_FPEXC 12
#define PR_GET_TIMING 13
#define PR_SET_TIMING 14
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_GET_ENDIAN 19
#define PR_SET_ENDIAN 20
#define PR_GET_SECCOMP 21
#define PR_SET_SECCOMP 22
#define PR_CAPBSET_READ 23
#define PR_CAPBSET_DROP 24
#define PR_GET_TSC 25
#define PR_SET_TSC 26
#define PR_GET_SECUREBITS 27
#define PR_SET_SECUREBITS 28
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define PR_TASK_PERF_EVENTS_DISABLE 31
#define PR_TASK_PERF_EVENTS_ENABLE 32
#define PR_MCE_KILL 33
#define PR_MCE_KILL_GET 34
#define PR_SET_MM 35
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_GET_TID_ADDRESS 40
#define PR_SET_THP_DISABLE 41
#define PR_GET_THP_DISABLE 42
#define PR_SET_PTRACER 0x59616d61
#define PR_SET_PTRACER_ANY ((unsigned long)-1)

/* PR_SET_DUMPABLE's values (SUID_DUMP_ROOT is not one prctl takes). */
#define SUID_DUMP_DISABLE 0
#define SUID_DUMP_USER 1

/* The task's name (comm): 16 bytes with its NUL. */
#define TASK_COMM_LEN 16

int prctl(int option, ...);

#ifdef __cplusplus
}
#endif
#endif
