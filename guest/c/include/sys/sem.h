/* socklab guest SDK: <sys/sem.h>, System V semaphores (docs/abi.md).
 * struct semid_ds is wasm32's (56 bytes). As on Linux, the program declares
 * union semun itself when it needs one; semctl reads it for the commands
 * that take it. */
#ifndef _SOCKLAB_SYS_SEM_H
#define _SOCKLAB_SYS_SEM_H
#include <sys/ipc.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

struct semid_ds {
  struct ipc_perm sem_perm;
  time_t sem_otime;
  time_t sem_ctime;
  unsigned long sem_nsems;
  unsigned long __unused;
};

struct sembuf {
  unsigned short sem_num;
  short sem_op;
  short sem_flg;
};

#define SEM_UNDO 0x1000
#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17
#define SEM_STAT 18
#define SEM_INFO 19

int semget(key_t key, int nsems, int flags);
int semop(int id, struct sembuf *sops, size_t nsops);
int semtimedop(int id, struct sembuf *sops, size_t nsops, const struct timespec *timeout);
int semctl(int id, int num, int cmd, ...);

#ifdef __cplusplus
}
#endif
#endif
