// WASI preview1 calls made directly (no libc path layer), as the WASI test
// suite's programs make them: named preopens, rights in fd_fdstat_get, and
// the errno each call gives. Prints one line per check; argv[1] is the name of
// the scratch preopen, argv[2] picks the group of checks.
#include <wasi/api.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static __wasi_fd_t scratch(const char *name) {
  for (__wasi_fd_t fd = 3;; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) break;
    char buf[256] = {0};
    if (ps.u.dir.pr_name_len >= sizeof buf || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, ps.u.dir.pr_name_len) != 0) continue;
    printf("preopen %u %s\n", fd, buf);
    if (strcmp(buf, name) == 0) return fd;
  }
  printf("no preopen %s\n", name);
  exit(1);
}

static const char *err(__wasi_errno_t e) {
  switch (e) {
  case 0: return "ok";
  case __WASI_ERRNO_BADF: return "EBADF";
  case __WASI_ERRNO_NOTCAPABLE: return "ENOTCAPABLE";
  case __WASI_ERRNO_PERM: return "EPERM";
  case __WASI_ERRNO_ISDIR: return "EISDIR";
  case __WASI_ERRNO_NOTDIR: return "ENOTDIR";
  case __WASI_ERRNO_INVAL: return "EINVAL";
  case __WASI_ERRNO_NOENT: return "ENOENT";
  case __WASI_ERRNO_EXIST: return "EEXIST";
  case __WASI_ERRNO_NOTSOCK: return "ENOTSOCK";
  case __WASI_ERRNO_LOOP: return "ELOOP";
  case __WASI_ERRNO_NOTEMPTY: return "ENOTEMPTY";
  case __WASI_ERRNO_SPIPE: return "ESPIPE";
  default: { static char b[16]; snprintf(b, sizeof b, "E%u", e); return b; }
  }
}

static void rights(void) {
  __wasi_fd_t dir = scratch("scratch");
  __wasi_fdstat_t st;
  __wasi_fd_fdstat_get(dir, &st);
  printf("dir type %u write %d readdir %d path_open %d set_size %d inheriting read %d write %d\n", st.fs_filetype,
         !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE), !!(st.fs_rights_base & __WASI_RIGHTS_FD_READDIR),
         !!(st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN), !!(st.fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE),
         !!(st.fs_rights_inheriting & __WASI_RIGHTS_FD_READ), !!(st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE));
  // The scratch dir reopened with the rights it reports, as the suite's programs do.
  __wasi_fd_t d2;
  printf("reopen with its rights: %s\n", err(__wasi_path_open(dir, 0, ".", __WASI_OFLAGS_DIRECTORY, st.fs_rights_base, st.fs_rights_inheriting, 0, &d2)));
  __wasi_fd_t f;
  printf("create: %s\n", err(__wasi_path_open(d2, 0, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK, 0, 0, &f)));
  __wasi_fd_fdstat_get(f, &st);
  printf("file read %d write %d seek %d\n", !!(st.fs_rights_base & __WASI_RIGHTS_FD_READ), !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE), !!(st.fs_rights_base & __WASI_RIGHTS_FD_SEEK));
  __wasi_fd_t ro;
  __wasi_path_open(d2, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &ro);
  __wasi_fd_fdstat_get(ro, &st);
  printf("read-only file read %d write %d\n", !!(st.fs_rights_base & __WASI_RIGHTS_FD_READ), !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  __wasi_fd_close(ro);
  __wasi_fd_close(f);
  __wasi_path_unlink_file(d2, "f");
  __wasi_fd_close(d2);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  if (!strcmp(argv[1], "rights")) rights();
  return 0;
}
