/* socklab guest SDK: <linux/if_packet.h>: struct sockaddr_ll, packet_mreq
 * and the PACKET_ constants (from <netpacket/packet.h>), plus the kernel
 * header's own structures. */
#ifndef _SOCKLAB_LINUX_IF_PACKET_H
#define _SOCKLAB_LINUX_IF_PACKET_H
#define __LINUX_IF_PACKET_H
#include <netpacket/packet.h>

struct sockaddr_pkt {
	unsigned short spkt_family;
	unsigned char spkt_device[14];
	unsigned short spkt_protocol;
};

#define PACKET_USER 6
#define PACKET_KERNEL 7

struct tpacket_stats {
	unsigned int tp_packets;
	unsigned int tp_drops;
};

struct tpacket_auxdata {
	unsigned int tp_status;
	unsigned int tp_len;
	unsigned int tp_snaplen;
	unsigned short tp_mac;
	unsigned short tp_net;
	unsigned short tp_vlan_tci;
	unsigned short tp_vlan_tpid;
};

#endif
