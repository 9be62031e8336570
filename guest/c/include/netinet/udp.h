/* socklab guest SDK: <netinet/udp.h>: struct udphdr as glibc gives it by
 * default, the BSD (uh_*) and Linux (source, dest, len, check) names over
 * the same bytes, for packet sniffers. */
#ifndef _SOCKLAB_NETINET_UDP_H
#define _SOCKLAB_NETINET_UDP_H
#define _NETINET_UDP_H
#include <stdint.h>

struct udphdr {
	__extension__ union {
		struct {
			uint16_t uh_sport;
			uint16_t uh_dport;
			uint16_t uh_ulen;
			uint16_t uh_sum;
		};
		struct {
			uint16_t source;
			uint16_t dest;
			uint16_t len;
			uint16_t check;
		};
	};
};

#define UDP_CORK 1
#define UDP_ENCAP 100
#define UDP_NO_CHECK6_TX 101
#define UDP_NO_CHECK6_RX 102
#define UDP_SEGMENT 103
#define UDP_GRO 104
#define SOL_UDP 17
#endif
