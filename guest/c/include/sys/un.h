/* socklab guest SDK: <sys/un.h>, Linux layout (sun_path[108]). */
#ifndef _SOCKLAB_SYS_UN_H
#define _SOCKLAB_SYS_UN_H
#define _SYS_UN_H
#define __wasilibc___struct_sockaddr_un_h
#include <sys/socket.h>
#include <string.h>

struct sockaddr_un {
  sa_family_t sun_family;
  char sun_path[108];
};

#define SUN_LEN(s) (offsetof(struct sockaddr_un, sun_path) + strlen((s)->sun_path))
#endif
