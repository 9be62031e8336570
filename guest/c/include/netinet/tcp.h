/* socklab guest SDK: <netinet/tcp.h>, Linux option numbers. */
#ifndef _SOCKLAB_NETINET_TCP_H
#define _SOCKLAB_NETINET_TCP_H
#define _NETINET_TCP_H
#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_CORK 3
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define TCP_SYNCNT 7
#define TCP_LINGER2 8
#define TCP_DEFER_ACCEPT 9
#define TCP_WINDOW_CLAMP 10
#define TCP_INFO 11
#define TCP_QUICKACK 12
#define TCP_CONGESTION 13
#define TCP_USER_TIMEOUT 18

/* struct tcphdr as glibc gives it by default: the BSD (th_*) and Linux
 * (source, dest, syn...) names over the same bytes, for packet sniffers. */
#include <stdint.h>
#include <endian.h>
typedef uint32_t tcp_seq;
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PUSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define SOL_TCP 6
struct tcphdr {
	__extension__ union {
		struct {
			uint16_t th_sport;
			uint16_t th_dport;
			tcp_seq th_seq;
			tcp_seq th_ack;
			uint8_t th_x2:4;
			uint8_t th_off:4;
			uint8_t th_flags;
			uint16_t th_win;
			uint16_t th_sum;
			uint16_t th_urp;
		};
		struct {
			uint16_t source;
			uint16_t dest;
			uint32_t seq;
			uint32_t ack_seq;
			uint16_t res1:4;
			uint16_t doff:4;
			uint16_t fin:1;
			uint16_t syn:1;
			uint16_t rst:1;
			uint16_t psh:1;
			uint16_t ack:1;
			uint16_t urg:1;
			uint16_t res2:2;
			uint16_t window;
			uint16_t check;
			uint16_t urg_ptr;
		};
	};
};
#endif
