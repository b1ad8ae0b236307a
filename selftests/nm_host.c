// SPDX-License-Identifier: GPL-2.0
/*
 * Host rings of the generic adapter: the path between a netmap
 * application and the device's own network stack.
 *
 *  - host RX ring: frames the stack transmits through the device while
 *    the ring is bound land there, finished (GSO segmented, checksums
 *    completed), and no longer reach the wire;
 *  - host TX ring: frames written there enter the stack as if received
 *    on the device;
 *  - without the host RX ring bound the stack transmits as usual, and
 *    the hardware RX rings keep receiving what comes from the wire.
 *
 * Addressing: vethA (the netmap port, namespace of the test process) is
 * IP_A, the peer IP_B; vethA has a permanent neighbour entry for IP_B, so
 * the stack sends without ARP. The peer is watched with an AF_PACKET
 * socket in its namespace. Also checks the host ring counts: the first
 * registration may ask for several host rings, NR_REG_ONE_SW picks one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

#define IP_A		"10.99.7.1"
#define IP_B		"10.99.7.2"
#define PORT_TO_PEER	40417	/* stack -> peer datagrams */
#define PORT_TO_STACK	40418	/* host TX ring -> stack datagrams */
#define PORT_SRC	40419	/* source port of injected datagrams */
#define PAYLOAD_LEN	200
#define GSO_SIZE	1000
#define GSO_SEGS	3
#define CAP_MAX		8
#define WAIT_MS		10000	/* for something that must happen */
#define QUIET_MS	1000	/* for something that must not */
#define TEST_TIMEOUT	90	/* seconds per test: TCG guests are slow */

FIXTURE(host)
{
	struct nmt_env env;
	struct nmt_port p;
	struct nmt_port q;
	int pkt;		/* AF_PACKET on the peer */
	int udp;		/* UDP socket on vethA */
	uint8_t mac_a[ETH_ALEN];
	uint8_t mac_b[ETH_ALEN];
	unsigned int mtu;
	uint32_t tag;
};

FIXTURE_SETUP(host)
{
	self->p.fd = -1;
	self->q.fd = -1;
	self->pkt = -1;
	self->udp = -1;
	self->tag = nmt_tag();
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
	if (!nmt_has_host_rings(self->env.port)) {
		nmt_env_teardown(&self->env);
		SKIP(return, "%s reports no host rings", self->env.port);
	}
}

FIXTURE_TEARDOWN(host)
{
	nmt_port_close(&self->q);
	nmt_port_close(&self->p);
	if (self->pkt >= 0)
		close(self->pkt);
	if (self->udp >= 0)
		close(self->udp);
	nmt_env_teardown(&self->env);
}

/* ---- addressing ---- */

static int if_ioctl(int fd, const char *ifname, unsigned long cmd,
		    struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	return ioctl(fd, cmd, ifr) ? -errno : 0;
}

static void mac_str(const uint8_t *m, char *s, size_t len)
{
	snprintf(s, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
}

/*
 * Addresses on both ends, the neighbour entry, the peer's packet socket,
 * both MACs and vethA's MTU. Only for the veth topology.
 */
static void net_setup(struct __test_metadata *_metadata,
		      FIXTURE_DATA(host) *self)
{
	struct nmt_veth *v = &self->env.veth;
	char mac[32], neigh[64];
	struct ifreq ifr;
	int s;

	ASSERT_EQ(0, nmt_sh("ip -n %s addr add %s/24 dev %s", v->ns_a, IP_A,
			    v->a));
	ASSERT_EQ(0, nmt_sh("ip -n %s addr add %s/24 dev %s", v->ns_b, IP_B,
			    v->b));
	self->pkt = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	ASSERT_LE(0, self->pkt);
	/* the packet socket lives in the peer's namespace */
	ASSERT_EQ(0, if_ioctl(self->pkt, v->b, SIOCGIFHWADDR, &ifr));
	memcpy(self->mac_b, ifr.ifr_hwaddr.sa_data, ETH_ALEN);

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	EXPECT_EQ(0, if_ioctl(s, v->a, SIOCGIFHWADDR, &ifr));
	memcpy(self->mac_a, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	EXPECT_EQ(0, if_ioctl(s, v->a, SIOCGIFMTU, &ifr));
	self->mtu = ifr.ifr_mtu;
	close(s);
	ASSERT_LT(0, self->mtu);

	mac_str(self->mac_b, mac, sizeof(mac));
	snprintf(neigh, sizeof(neigh), "lladdr %s nud permanent", mac);
	ASSERT_EQ(0, nmt_sh("ip -n %s neigh replace %s dev %s %s",
			    v->ns_a, IP_B, v->a, neigh));
}

#define NO_VETH	"needs the veth peer (NETMAP_TEST_IF set)"

/* ---- payloads and checksums ---- */

/* Test payload: tag and seq first, then a pattern depending on both. */
static void payload_fill(uint8_t *p, size_t len, uint32_t tag, uint32_t seq)
{
	uint32_t h[2] = { htonl(tag), htonl(seq) };
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 13 + seq * 7 + (tag >> (i % 4 * 8)));
	memcpy(p, h, len < sizeof(h) ? len : sizeof(h));
}

/* Ones' complement sum of big-endian 16-bit words, not folded. */
static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Sum of the UDP pseudo header. */
static uint32_t csum_pseudo(const struct iphdr *ip, uint16_t udp_len)
{
	uint32_t sum = csum_add(0, &ip->saddr, 4);

	sum = csum_add(sum, &ip->daddr, 4);
	return sum + IPPROTO_UDP + udp_len;
}

/* ---- frames ---- */

/* An IPv4/UDP frame, as found in a buffer. */
struct udp_frame {
	const struct ethhdr *eth;
	const struct iphdr *ip;
	const struct udphdr *udp;
	const uint8_t *data;
	uint32_t len;		/* of the whole frame */
	uint32_t dlen;		/* UDP payload, per the UDP header */
	bool lengths_ok;	/* IP and UDP lengths fit the frame */
	bool ip_csum_ok;
	bool udp_csum_ok;	/* non-zero and valid */
};

/* true if buf holds an IPv4/UDP frame to port dport (lengths unchecked). */
static bool udp_parse(const uint8_t *buf, uint32_t len, uint16_t dport,
		      struct udp_frame *f)
{
	uint32_t ip_len, udp_len, ihl;

	memset(f, 0, sizeof(*f));
	if (len < ETH_HLEN + sizeof(struct iphdr))
		return false;
	f->eth = (const struct ethhdr *)buf;
	f->ip = (const struct iphdr *)(buf + ETH_HLEN);
	f->len = len;
	if (f->eth->h_proto != htons(ETH_P_IP) || f->ip->version != 4 ||
	    f->ip->protocol != IPPROTO_UDP)
		return false;
	ihl = f->ip->ihl * 4u;
	if (ihl < sizeof(struct iphdr) ||
	    len < ETH_HLEN + ihl + sizeof(struct udphdr))
		return false;
	f->udp = (const struct udphdr *)(buf + ETH_HLEN + ihl);
	if (f->udp->dest != htons(dport))
		return false;
	f->data = (const uint8_t *)(f->udp + 1);

	ip_len = ntohs(f->ip->tot_len);
	udp_len = ntohs(f->udp->len);
	f->lengths_ok = ip_len <= len - ETH_HLEN &&
			udp_len == ip_len - ihl &&
			udp_len >= sizeof(struct udphdr);
	if (!f->lengths_ok)
		return true;
	f->dlen = udp_len - sizeof(struct udphdr);
	f->ip_csum_ok = csum_fold(csum_add(0, f->ip, ihl)) == 0xffff;
	f->udp_csum_ok = f->udp->check &&
		csum_fold(csum_add(csum_pseudo(f->ip, udp_len), f->udp,
				   udp_len)) == 0xffff;
	return true;
}

/*
 * Ethernet/IPv4/UDP frame with valid checksums into buf. Returns its
 * length.
 */
static size_t udp_build(uint8_t *buf, const uint8_t *dmac,
			const uint8_t *smac, const char *sip, const char *dip,
			uint16_t sport, uint16_t dport, const void *data,
			size_t dlen)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	uint16_t udp_len = sizeof(*udp) + dlen, sum;

	memcpy(eth->h_dest, dmac, ETH_ALEN);
	memcpy(eth->h_source, smac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + udp_len);
	ip->id = htons(0x1234);
	ip->frag_off = htons(0x4000);	/* DF */
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	inet_pton(AF_INET, sip, &ip->saddr);
	inet_pton(AF_INET, dip, &ip->daddr);
	ip->check = htons((uint16_t)~csum_fold(csum_add(0, ip, sizeof(*ip))));
	udp->source = htons(sport);
	udp->dest = htons(dport);
	udp->len = htons(udp_len);
	udp->check = 0;
	memcpy(udp + 1, data, dlen);
	sum = ~csum_fold(csum_add(csum_pseudo(ip, udp_len), udp, udp_len));
	udp->check = htons(sum ? sum : 0xffff);
	return ETH_HLEN + sizeof(*ip) + udp_len;
}

/* ---- the stack's side ---- */

/* One datagram from a fresh socket of the current namespace. */
static int stack_send(const char *dip, uint16_t port, const void *p,
		      size_t len, int gso_size)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int s, err = 0;
	ssize_t n;

	inet_pton(AF_INET, dip, &sin.sin_addr);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (gso_size && setsockopt(s, IPPROTO_UDP, UDP_SEGMENT, &gso_size,
				   sizeof(gso_size))) {
		err = -errno;
		goto out;
	}
	n = sendto(s, p, len, 0, (struct sockaddr *)&sin, sizeof(sin));
	if (n < 0) {
		err = -errno;
		nmt_log("sendto %s:%u: %s", dip, port, strerror(errno));
	} else if ((size_t)n != len) {
		err = -EIO;
	}
out:
	close(s);
	return err;
}

/*
 * Count the frames the peer's packet socket receives within ms that carry
 * payload p (stops early once stop_at are seen).
 */
static unsigned int peer_count(int fd, const void *p, size_t len,
			       unsigned int ms, unsigned int stop_at)
{
	uint64_t deadline = nmt_now_ms() + ms;
	static uint8_t buf[4096];
	unsigned int seen = 0;

	while (seen < stop_at) {
		int64_t left = (int64_t)(deadline - nmt_now_ms());
		ssize_t n;

		if (left <= 0)
			break;
		n = nmt_pkt_recv(fd, buf, sizeof(buf), (int)left);
		if (n <= 0)
			break;
		if (memmem(buf, n, p, len))
			seen++;
	}
	return seen;
}

/* ---- the netmap side ---- */

struct cap {
	uint8_t buf[4096];
	uint32_t len;
	uint16_t flags;
};

/*
 * Poll fd and drain RX ring r until want frames to UDP port dport were
 * captured, or ms passed. Every slot is released. Returns the number of
 * frames captured.
 */
static unsigned int rx_capture(struct __test_metadata *_metadata, int fd,
			       struct netmap_ring *r, uint16_t dport,
			       struct cap *c, unsigned int want,
			       unsigned int ms)
{
	uint64_t deadline = nmt_now_ms() + ms;
	unsigned int got = 0;

	while (got < want && nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char why[128];
		uint32_t i;

		EXPECT_LE(0, poll(&pfd, 1, 200));
		EXPECT_EQ(0, pfd.revents & POLLERR);
		EXPECT_EQ(0, nmt_rxsync(fd));
		EXPECT_TRUE(nmt_ring_check(r, why, sizeof(why)))
			TH_LOG("ring %u: %s", r->ringid, why);
		for (i = r->head; i != r->tail; i = nmt_next(r, i)) {
			struct netmap_slot *s = &r->slot[i];
			struct udp_frame f;
			uint32_t len = s->len;

			if (len > r->nr_buf_size) {
				TH_LOG("slot %u: len %u > buffer size %u", i,
				       len, r->nr_buf_size);
				len = r->nr_buf_size;
			}
			if (got == want ||
			    !udp_parse((uint8_t *)nmt_buf(r, s->buf_idx), len,
				       dport, &f))
				continue;
			memcpy(c[got].buf, nmt_buf(r, s->buf_idx), len);
			c[got].len = len;
			c[got].flags = s->flags;
			got++;
		}
		r->head = r->cur = r->tail;
	}
	return got;
}

static struct netmap_ring *host_ring(struct nmt_port *p, int dir)
{
	unsigned int nhw = dir == NMT_TX ? p->nifp->ni_tx_rings :
					   p->nifp->ni_rx_rings;

	return nmt_ring(p->nifp, dir, nhw);
}

/*
 * A captured frame is the datagram vethA's stack sent to the peer with
 * payload exp of dlen bytes, with valid IP and UDP checksums.
 */
static void check_stack_frame(struct __test_metadata *_metadata,
			      FIXTURE_DATA(host) *self, const struct cap *c,
			      const uint8_t *exp, size_t dlen)
{
	struct in_addr a, b;
	struct udp_frame f;

	inet_pton(AF_INET, IP_A, &a);
	inet_pton(AF_INET, IP_B, &b);
	ASSERT_TRUE(udp_parse(c->buf, c->len, PORT_TO_PEER, &f));
	EXPECT_EQ(0, c->flags & NS_MOREFRAG);
	EXPECT_GE(self->mtu + ETH_HLEN, c->len);
	EXPECT_EQ(0, memcmp(f.eth->h_dest, self->mac_b, ETH_ALEN));
	EXPECT_EQ(0, memcmp(f.eth->h_source, self->mac_a, ETH_ALEN));
	EXPECT_EQ(a.s_addr, f.ip->saddr);
	EXPECT_EQ(b.s_addr, f.ip->daddr);
	EXPECT_EQ(0, ntohs(f.ip->frag_off) & 0x3fff);	/* MF, offset */
	ASSERT_TRUE(f.lengths_ok)
		TH_LOG("frame %u bytes, IP length %u, UDP length %u", c->len,
		       ntohs(f.ip->tot_len), ntohs(f.udp->len));
	EXPECT_EQ(dlen, f.dlen);
	EXPECT_TRUE(f.ip_csum_ok) TH_LOG("IP checksum %#x",
					 ntohs(f.ip->check));
	EXPECT_TRUE(f.udp_csum_ok) TH_LOG("UDP checksum %#x",
					  ntohs(f.udp->check));
	if (f.dlen == dlen)
		EXPECT_EQ(0, memcmp(f.data, exp, dlen));
}

/* ---- tests ---- */

/*
 * With NR_REG_SW bound, a datagram the stack sends to the peer lands in
 * the host RX ring, complete and with valid checksums (veth offloads the
 * UDP checksum, so it is the kernel's software completion that makes it
 * valid), and does not reach the peer.
 */
TEST_F_TIMEOUT(host, host_rx_gets_stack_tx, TEST_TIMEOUT)
{
	uint8_t payload[PAYLOAD_LEN];
	struct cap c[1];
	struct netmap_ring *r;

	if (!self->env.is_veth)
		SKIP(return, NO_VETH);
	net_setup(_metadata, self);
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_SW, 0, 0));
	r = host_ring(&self->p, NMT_RX);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(self->p.nifp->ni_rx_rings, r->ringid);

	payload_fill(payload, sizeof(payload), self->tag, 1);
	ASSERT_EQ(0, stack_send(IP_B, PORT_TO_PEER, payload, sizeof(payload),
				0));
	ASSERT_EQ(1, rx_capture(_metadata, self->p.fd, r, PORT_TO_PEER, c, 1,
				WAIT_MS))
		TH_LOG("the stack's datagram did not reach the host RX ring");
	check_stack_frame(_metadata, self, &c[0], payload, sizeof(payload));
	EXPECT_EQ(0, peer_count(self->pkt, payload, sizeof(payload), QUIET_MS,
				1))
		TH_LOG("the datagram also went out to the peer");
}

/* Binding only the hardware rings leaves the stack's transmit alone. */
TEST_F_TIMEOUT(host, stack_tx_passes_when_host_unbound, TEST_TIMEOUT)
{
	uint8_t payload[PAYLOAD_LEN];

	if (!self->env.is_veth)
		SKIP(return, NO_VETH);
	net_setup(_metadata, self);
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	EXPECT_EQ(NULL, host_ring(&self->p, NMT_RX));

	payload_fill(payload, sizeof(payload), self->tag, 2);
	ASSERT_EQ(0, stack_send(IP_B, PORT_TO_PEER, payload, sizeof(payload),
				0));
	EXPECT_EQ(1, peer_count(self->pkt, payload, sizeof(payload), WAIT_MS,
				1))
		TH_LOG("the stack's datagram did not reach the peer");
}

/*
 * Once the host RX ring is unbound again (another fd keeps the port in
 * netmap mode), the stack's frames go to the wire again.
 */
TEST_F_TIMEOUT(host, stack_tx_resumes_after_unbind, TEST_TIMEOUT)
{
	uint8_t payload[PAYLOAD_LEN];
	struct cap c[1];

	if (!self->env.is_veth)
		SKIP(return, NO_VETH);
	net_setup(_metadata, self);
	ASSERT_EQ(0, nmt_port_open(&self->q, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_SW, 0, 0));

	/* captured while bound */
	payload_fill(payload, sizeof(payload), self->tag, 3);
	ASSERT_EQ(0, stack_send(IP_B, PORT_TO_PEER, payload, sizeof(payload),
				0));
	ASSERT_EQ(1, rx_capture(_metadata, self->p.fd,
				host_ring(&self->p, NMT_RX), PORT_TO_PEER, c,
				1, WAIT_MS));

	/* transmitted once unbound */
	nmt_port_close(&self->p);
	payload_fill(payload, sizeof(payload), self->tag, 4);
	ASSERT_EQ(0, stack_send(IP_B, PORT_TO_PEER, payload, sizeof(payload),
				0));
	EXPECT_EQ(1, peer_count(self->pkt, payload, sizeof(payload), WAIT_MS,
				1))
		TH_LOG("no transmit after the host RX ring was unbound");
}

/*
 * Frames written to the host TX ring enter vethA's stack: a UDP socket
 * bound there receives them, and the slots are free again after the sync.
 */
TEST_F_TIMEOUT(host, host_tx_injects_into_stack, TEST_TIMEOUT)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(PORT_TO_STACK),
	};
	const unsigned int nframes = 4;
	uint8_t payload[PAYLOAD_LEN], got[PAYLOAD_LEN + 16];
	struct netmap_ring *r;
	unsigned int i;
	int s;

	if (!self->env.is_veth)
		SKIP(return, NO_VETH);
	net_setup(_metadata, self);
	s = self->udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	inet_pton(AF_INET, IP_A, &sin.sin_addr);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_SW,
				   0, 0));
	r = host_ring(&self->p, NMT_TX);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(self->p.nifp->ni_tx_rings, r->ringid);
	EXPECT_EQ(r->num_slots - 1, nmt_space(r));

	for (i = 0; i < nframes; i++) {
		struct netmap_slot *slot = &r->slot[r->cur];

		payload_fill(payload, sizeof(payload), self->tag, 10 + i);
		slot->len = udp_build((uint8_t *)nmt_buf(r, slot->buf_idx),
				      self->mac_a, self->mac_b, IP_B, IP_A,
				      PORT_SRC, PORT_TO_STACK, payload,
				      sizeof(payload));
		slot->flags = 0;
		r->head = r->cur = nmt_next(r, r->cur);
	}
	EXPECT_EQ(r->num_slots - 1 - nframes, nmt_space(r));
	EXPECT_EQ(0, nmt_txsync(self->p.fd));
	/* every slot came back: tail is just before head */
	EXPECT_EQ(r->head, nmt_next(r, r->tail))
		TH_LOG("head %u tail %u after the sync", r->head, r->tail);
	EXPECT_EQ(r->num_slots - 1, nmt_space(r));

	for (i = 0; i < nframes; i++) {
		struct pollfd pfd = { .fd = s, .events = POLLIN };
		struct sockaddr_in from;
		socklen_t fromlen = sizeof(from);
		ssize_t n;

		if (poll(&pfd, 1, WAIT_MS) != 1) {
			TH_LOG("datagram %u of %u not received", i, nframes);
			break;
		}
		n = recvfrom(s, got, sizeof(got), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);
		EXPECT_EQ((ssize_t)sizeof(payload), n);
		payload_fill(payload, sizeof(payload), self->tag, 10 + i);
		if (n == (ssize_t)sizeof(payload))
			EXPECT_EQ(0, memcmp(got, payload, sizeof(payload)))
				TH_LOG("datagram %u: wrong payload", i);
		EXPECT_EQ(htons(PORT_SRC), from.sin_port);
		inet_pton(AF_INET, IP_B, &sin.sin_addr);
		EXPECT_EQ(sin.sin_addr.s_addr, from.sin_addr.s_addr);
	}
	EXPECT_EQ(nframes, i);
}

/* NR_REG_NIC_SW binds every ring of both directions, host rings last. */
TEST_F_TIMEOUT(host, nic_sw_binds_both, TEST_TIMEOUT)
{
	struct netmap_if *nifp;
	unsigned int ntx, nrx, i;

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_NIC_SW,
				   0, 0));
	nifp = self->p.nifp;
	ntx = nifp->ni_tx_rings;
	nrx = nifp->ni_rx_rings;
	EXPECT_EQ(1, self->p.reg.nr_host_tx_rings);
	EXPECT_EQ(1, self->p.reg.nr_host_rx_rings);
	EXPECT_EQ(1, nifp->ni_host_tx_rings);
	EXPECT_EQ(1, nifp->ni_host_rx_rings);
	for (i = 0; i < ntx + 1 + nrx + 1; i++)
		EXPECT_NE(0, nifp->ring_ofs[i]) TH_LOG("ring_ofs[%u]", i);
	for (i = 0; i < ntx + 1; i++) {
		struct netmap_ring *r = nmt_ring(nifp, NMT_TX, i);

		ASSERT_NE(NULL, r);
		EXPECT_EQ(i, r->ringid);
		EXPECT_EQ(NMT_TX, r->dir);
	}
	for (i = 0; i < nrx + 1; i++) {
		struct netmap_ring *r = nmt_ring(nifp, NMT_RX, i);

		ASSERT_NE(NULL, r);
		EXPECT_EQ(i, r->ringid);
		EXPECT_EQ(NMT_RX, r->dir);
	}
	/* host and HW rings are distinct rings */
	EXPECT_NE(nifp->ring_ofs[0], nifp->ring_ofs[ntx]);
	EXPECT_NE(nifp->ring_ofs[ntx + 1], nifp->ring_ofs[ntx + 1 + nrx]);
}

/* NR_EXCLUSIVE on the host rings excludes them, not the hardware rings. */
TEST_F_TIMEOUT(host, exclusive_host_rings, TEST_TIMEOUT)
{
	struct nmt_port q = { .fd = -1 };

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_SW, 0,
				   NR_EXCLUSIVE));
	EXPECT_EQ(-EBUSY, nmt_port_open(&q, self->env.port, NR_REG_SW, 0, 0));
	EXPECT_EQ(-EBUSY, nmt_port_open(&q, self->env.port, NR_REG_NIC_SW, 0,
					0));
	EXPECT_EQ(-EBUSY, nmt_port_open(&q, self->env.port, NR_REG_ONE_SW, 0,
					0));
	ASSERT_EQ(0, nmt_port_open(&q, self->env.port, NR_REG_ALL_NIC, 0,
				   NR_EXCLUSIVE));
	nmt_port_close(&q);
	nmt_port_close(&self->p);

	/* the other way round: a used host ring cannot become exclusive */
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_NIC_SW,
				   0, 0));
	EXPECT_EQ(-EBUSY, nmt_port_open(&q, self->env.port, NR_REG_SW, 0,
					NR_EXCLUSIVE));
}

/*
 * The first registration chooses the host ring counts; later ones get
 * what is in place; NR_REG_ONE_SW selects one host ring per direction
 * (clamped to ring 0 where out of range); the counts return to 1/1 when
 * the last user leaves.
 */
TEST_F_TIMEOUT(host, host_ring_count_request, TEST_TIMEOUT)
{
	struct nmreq_register reg;
	unsigned int ntx, nrx;
	struct nmt_port *p = &self->p, *q = &self->q;

	nmt_reg_init(&reg, NR_REG_NIC_SW, 0, 0);
	reg.nr_host_tx_rings = 2;
	reg.nr_host_rx_rings = 3;
	ASSERT_EQ(0, nmt_port_open_reg(p, self->env.port, &reg));
	ntx = p->nifp->ni_tx_rings;
	nrx = p->nifp->ni_rx_rings;
	EXPECT_EQ(2, p->reg.nr_host_tx_rings);
	EXPECT_EQ(3, p->reg.nr_host_rx_rings);
	EXPECT_EQ(2, p->nifp->ni_host_tx_rings);
	EXPECT_EQ(3, p->nifp->ni_host_rx_rings);
	EXPECT_EQ(nmt_mask(0, ntx + 2), nmt_bound_mask(p->nifp, NMT_TX));
	EXPECT_EQ(nmt_mask(0, nrx + 3), nmt_bound_mask(p->nifp, NMT_RX));

	/* in use: another request does not change the counts */
	nmt_reg_init(&reg, NR_REG_ONE_SW, 1, 0);
	reg.nr_host_tx_rings = 4;
	reg.nr_host_rx_rings = 4;
	ASSERT_EQ(0, nmt_port_open_reg(q, self->env.port, &reg));
	EXPECT_EQ(2, q->reg.nr_host_tx_rings);
	EXPECT_EQ(3, q->reg.nr_host_rx_rings);
	EXPECT_EQ(2, q->nifp->ni_host_tx_rings);
	EXPECT_EQ(3, q->nifp->ni_host_rx_rings);
	/* ONE_SW 1: host TX ring 1 and host RX ring 1 only */
	EXPECT_EQ(1ull << (ntx + 1), nmt_bound_mask(q->nifp, NMT_TX));
	EXPECT_EQ(1ull << (nrx + 1), nmt_bound_mask(q->nifp, NMT_RX));
	if (nmt_ring(q->nifp, NMT_TX, ntx + 1))
		EXPECT_EQ(ntx + 1, nmt_ring(q->nifp, NMT_TX, ntx + 1)->ringid);
	if (nmt_ring(q->nifp, NMT_RX, nrx + 1))
		EXPECT_EQ(nrx + 1, nmt_ring(q->nifp, NMT_RX, nrx + 1)->ringid);
	nmt_port_close(q);

	/* ONE_SW 2: beyond the TX host rings, so TX uses host ring 0 */
	ASSERT_EQ(0, nmt_port_open(q, self->env.port, NR_REG_ONE_SW, 2, 0));
	EXPECT_EQ(1ull << ntx, nmt_bound_mask(q->nifp, NMT_TX));
	EXPECT_EQ(1ull << (nrx + 2), nmt_bound_mask(q->nifp, NMT_RX));
	nmt_port_close(q);

	/* ONE_SW 3: out of range in both directions */
	EXPECT_EQ(-EINVAL, nmt_port_open(q, self->env.port, NR_REG_ONE_SW, 3,
					 0));
	nmt_port_close(p);

	/* no users left: back to the default */
	ASSERT_EQ(0, nmt_port_open(p, self->env.port, NR_REG_SW, 0, 0));
	EXPECT_EQ(1, p->reg.nr_host_tx_rings);
	EXPECT_EQ(1, p->reg.nr_host_rx_rings);
	EXPECT_EQ(1, p->nifp->ni_host_tx_rings);
	EXPECT_EQ(1, p->nifp->ni_host_rx_rings);
	EXPECT_EQ(1ull << ntx, nmt_bound_mask(p->nifp, NMT_TX));
	EXPECT_EQ(1ull << nrx, nmt_bound_mask(p->nifp, NMT_RX));
}

/*
 * A UDP GSO send (GSO_SEGS segments of GSO_SIZE bytes in one skb) reaches
 * the host RX ring as separate frames, each within the MTU, each with
 * valid checksums.
 */
TEST_F_TIMEOUT(host, gso_frames_are_segmented, TEST_TIMEOUT)
{
	static uint8_t payload[GSO_SIZE * GSO_SEGS];
	static struct cap c[CAP_MAX];
	unsigned int i, got;
	int err;

	if (!self->env.is_veth)
		SKIP(return, NO_VETH);
	net_setup(_metadata, self);
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_SW, 0, 0));

	payload_fill(payload, sizeof(payload), self->tag, 5);
	err = stack_send(IP_B, PORT_TO_PEER, payload, sizeof(payload),
			 GSO_SIZE);
	if (err == -ENOPROTOOPT)
		SKIP(return, "no UDP_SEGMENT");
	ASSERT_EQ(0, err);

	got = rx_capture(_metadata, self->p.fd, host_ring(&self->p, NMT_RX),
			 PORT_TO_PEER, c, GSO_SEGS, WAIT_MS);
	/* a few more would be wrong too: collect any stragglers */
	got += rx_capture(_metadata, self->p.fd, host_ring(&self->p, NMT_RX),
			  PORT_TO_PEER, c + got, CAP_MAX - got, QUIET_MS);
	EXPECT_EQ(GSO_SEGS, got);
	for (i = 0; i < got && i < GSO_SEGS; i++) {
		TH_LOG("segment %u: %u bytes, flags %#x", i, c[i].len,
		       c[i].flags);
		check_stack_frame(_metadata, self, &c[i],
				  payload + i * GSO_SIZE, GSO_SIZE);
	}
	EXPECT_EQ(0, peer_count(self->pkt, payload + 8, 64, QUIET_MS, 1))
		TH_LOG("segments also went out to the peer");
}

/*
 * With hardware and host rings bound, what the peer sends arrives on the
 * hardware RX ring and never on the host RX ring.
 */
TEST_F_TIMEOUT(host, hw_rx_unaffected, TEST_TIMEOUT)
{
	const uint32_t nframes = 8;
	uint8_t buf[256];
	struct netmap_ring *hw, *host;
	uint32_t seq, next = 0, hnext = 0;
	uint64_t deadline;
	int n, on_host = 0;

	if (!self->env.is_veth)
		SKIP(return, NO_VETH);
	self->pkt = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	ASSERT_LE(0, self->pkt);
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_NIC_SW,
				   0, 0));
	hw = nmt_ring(self->p.nifp, NMT_RX, 0);
	host = host_ring(&self->p, NMT_RX);
	ASSERT_NE(NULL, hw);
	ASSERT_NE(NULL, host);

	for (seq = 0; seq < nframes; seq++) {
		nmt_frame_fill(buf, sizeof(buf), self->tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(self->pkt, buf, sizeof(buf)));
	}
	deadline = nmt_now_ms() + WAIT_MS;
	while (nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = self->p.fd, .events = POLLIN };

		EXPECT_LE(0, poll(&pfd, 1, 200));
		ASSERT_EQ(0, nmt_rxsync(self->p.fd));
		n = nmt_rx_consume(hw, self->tag, &next);
		ASSERT_LE(0, n) TH_LOG("damaged or reordered frame");
		n = nmt_rx_consume(host, self->tag, &hnext);
		on_host += n < 0 ? 1 : n;
		if (next == nframes)
			break;
	}
	/* one more look, in case the host ring was merely late */
	nmt_msleep(200);
	ASSERT_EQ(0, nmt_rxsync(self->p.fd));
	nmt_rx_consume(hw, self->tag, &next);
	n = nmt_rx_consume(host, self->tag, &hnext);
	on_host += n < 0 ? 1 : n;
	EXPECT_EQ(nframes, next) TH_LOG("frames on the HW RX ring");
	EXPECT_EQ(0, on_host) TH_LOG("peer frames on the host RX ring");
}

/*
 * Transparent mode, NIC to host: on a HW RX ring with NR_FORWARD, a slot
 * released with NS_FORWARD reaches the stack; one released without it
 * does not, and nothing reaches the stack before the release.
 */
TEST_F_TIMEOUT(host, forward_nic_to_host, TEST_TIMEOUT)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(PORT_TO_STACK),
	};
	uint8_t payload[2][PAYLOAD_LEN], frame[ETH_HLEN + 64 + PAYLOAD_LEN];
	uint8_t got[PAYLOAD_LEN + 16];
	uint32_t slot_of[2] = { UINT32_MAX, UINT32_MAX };
	struct pollfd pfd = { .events = POLLIN };
	struct netmap_ring *r;
	uint64_t deadline;
	unsigned int i;
	ssize_t n;
	int s;

	if (!self->env.is_veth)
		SKIP(return, NO_VETH);
	net_setup(_metadata, self);
	s = self->udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	inet_pton(AF_INET, IP_A, &sin.sin_addr);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	pfd.fd = s;
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	r = nmt_ring(self->p.nifp, NMT_RX, 0);
	ASSERT_NE(NULL, r);

	/* two datagrams from the peer, to vethA's stack */
	for (i = 0; i < 2; i++) {
		size_t len;

		payload_fill(payload[i], PAYLOAD_LEN, self->tag, 30 + i);
		len = udp_build(frame, self->mac_a, self->mac_b, IP_B, IP_A,
				PORT_SRC, PORT_TO_STACK, payload[i],
				PAYLOAD_LEN);
		ASSERT_EQ(0, nmt_pkt_send(self->pkt, frame, len));
	}
	/* both land in the HW RX ring, not in the stack */
	deadline = nmt_now_ms() + WAIT_MS;
	while ((slot_of[0] == UINT32_MAX || slot_of[1] == UINT32_MAX) &&
	       nmt_now_ms() < deadline) {
		struct pollfd npfd = { .fd = self->p.fd, .events = POLLIN };
		uint32_t j;

		EXPECT_LE(0, poll(&npfd, 1, 200));
		ASSERT_EQ(0, nmt_rxsync(self->p.fd));
		for (j = r->head; j != r->tail; j = nmt_next(r, j)) {
			struct netmap_slot *sl = &r->slot[j];
			struct udp_frame f;

			if (!udp_parse((uint8_t *)nmt_buf(r, sl->buf_idx),
				       sl->len, PORT_TO_STACK, &f) ||
			    f.dlen != PAYLOAD_LEN)
				continue;
			for (i = 0; i < 2; i++)
				if (!memcmp(f.data, payload[i], PAYLOAD_LEN))
					slot_of[i] = j;
		}
	}
	ASSERT_NE(UINT32_MAX, slot_of[0]) TH_LOG("first datagram not on the ring");
	ASSERT_NE(UINT32_MAX, slot_of[1]) TH_LOG("second datagram not on the ring");
	EXPECT_EQ(0, poll(&pfd, 1, 0)) TH_LOG("the stack saw a datagram early");

	/* forward only the first one, release everything */
	r->flags |= NR_FORWARD;
	r->slot[slot_of[0]].flags |= NS_FORWARD;
	r->slot[slot_of[1]].flags &= ~NS_FORWARD;
	r->head = r->cur = r->tail;
	ASSERT_EQ(0, nmt_rxsync(self->p.fd));

	ASSERT_EQ(1, poll(&pfd, 1, WAIT_MS)) TH_LOG("forwarded datagram lost");
	n = recv(s, got, sizeof(got), MSG_DONTWAIT);
	ASSERT_EQ((ssize_t)PAYLOAD_LEN, n);
	EXPECT_EQ(0, memcmp(got, payload[0], PAYLOAD_LEN));
	EXPECT_EQ(0, poll(&pfd, 1, QUIET_MS))
		TH_LOG("a datagram without NS_FORWARD reached the stack");
}

/*
 * Transparent mode, host to NIC: a frame the stack sent, released on the
 * host RX ring with NS_FORWARD, moves without copy into the NIC TX ring
 * of the same fd (which binds all of them) and reaches the peer.
 */
TEST_F_TIMEOUT(host, forward_host_to_nic, TEST_TIMEOUT)
{
	uint8_t payload[PAYLOAD_LEN];
	struct netmap_ring *hr, *tx;
	uint32_t hslot = UINT32_MAX, idx = 0, txhead;
	uint64_t deadline;

	if (!self->env.is_veth)
		SKIP(return, NO_VETH);
	net_setup(_metadata, self);
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_NIC_SW,
				   0, 0));
	hr = host_ring(&self->p, NMT_RX);
	tx = nmt_ring(self->p.nifp, NMT_TX, 0);
	ASSERT_NE(NULL, hr);
	ASSERT_NE(NULL, tx);
	hr->flags |= NR_FORWARD;

	payload_fill(payload, sizeof(payload), self->tag, 40);
	ASSERT_EQ(0, stack_send(IP_B, PORT_TO_PEER, payload, sizeof(payload),
				0));
	deadline = nmt_now_ms() + WAIT_MS;
	while (hslot == UINT32_MAX && nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = self->p.fd, .events = POLLIN };
		uint32_t j;

		EXPECT_LE(0, poll(&pfd, 1, 200));
		for (j = hr->head; j != hr->tail; j = nmt_next(hr, j)) {
			struct netmap_slot *sl = &hr->slot[j];
			struct udp_frame f;

			if (udp_parse((uint8_t *)nmt_buf(hr, sl->buf_idx),
				      sl->len, PORT_TO_PEER, &f) &&
			    f.dlen == sizeof(payload) &&
			    !memcmp(f.data, payload, sizeof(payload)))
				hslot = j;
		}
	}
	ASSERT_NE(UINT32_MAX, hslot) TH_LOG("datagram not on the host ring");
	EXPECT_EQ(0, peer_count(self->pkt, payload, sizeof(payload), 200, 1))
		TH_LOG("the datagram went out before it was forwarded");

	/* forward it, release every slot of the host ring */
	idx = hr->slot[hslot].buf_idx;
	hr->slot[hslot].flags |= NS_FORWARD;
	txhead = tx->head;
	hr->head = hr->cur = hr->tail;
	ASSERT_EQ(0, nmt_rxsync(self->p.fd));

	/* queued at the application's TX head, same buffer: zero copy */
	EXPECT_EQ(nmt_next(tx, txhead), tx->head);
	EXPECT_EQ(idx, tx->slot[txhead].buf_idx);
	/* the host slot (back to the kernel now) got the TX slot's buffer */
	EXPECT_NE(idx, hr->slot[hslot].buf_idx);
	EXPECT_NE(0, tx->slot[txhead].flags & NS_BUF_CHANGED);
	ASSERT_EQ(0, nmt_txsync(self->p.fd));
	EXPECT_EQ(1, peer_count(self->pkt, payload, sizeof(payload), WAIT_MS,
				1))
		TH_LOG("the forwarded datagram did not reach the peer");
}

TEST_HARNESS_MAIN
