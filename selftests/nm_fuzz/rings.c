// SPDX-License-Identifier: GPL-2.0
/*
 * nm_fuzz: ring corruption between syncs, well-formed traffic, random
 * ioctls, forks sharing a bound fd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

/* ---- rings ---- */

static struct netmap_if *fz_nifp(const struct fzfd *f)
{
	struct netmap_if *nifp;

	if (!f->map || f->reg.nr_offset > f->maplen)
		return NULL;
	nifp = (struct netmap_if *)(f->map + f->reg.nr_offset);
	if (!in_map(f, nifp, sizeof(*nifp) + 64 * 2 * sizeof(int64_t)))
		return NULL;
	return nifp;
}

/* Ring i of the netmap_if (TX first, then RX), NULL if absent or bad. */
static struct netmap_ring *fz_ring(const struct fzfd *f, unsigned int i,
				   bool *tx)
{
	struct netmap_if *nifp = fz_nifp(f);
	struct netmap_ring *ring;
	unsigned int ntx, nrx;
	int64_t ofs;

	if (!nifp)
		return NULL;
	ntx = nifp->ni_tx_rings + nifp->ni_host_tx_rings;
	nrx = nifp->ni_rx_rings + nifp->ni_host_rx_rings;
	if (ntx > 64 || nrx > 64 || !(ntx + nrx))
		return NULL;
	i %= ntx + nrx;
	*tx = i < ntx;
	ofs = nifp->ring_ofs[i];
	if (!ofs)
		return NULL;
	ring = (struct netmap_ring *)((char *)nifp + ofs);
	if (!in_map(f, ring, sizeof(*ring)) ||
	    !in_map(f, ring, sizeof(*ring) +
		    (size_t)ring->num_slots * sizeof(struct netmap_slot)))
		return NULL;
	return ring;
}

static char *fz_buf(const struct fzfd *f, struct netmap_ring *ring,
		    uint32_t idx, size_t len)
{
	char *b = (char *)ring + ring->buf_ofs +
		  (uint64_t)idx * ring->nr_buf_size;

	if (len > ring->nr_buf_size || !in_map(f, b, len))
		return NULL;
	return b;
}

static void fz_sync(struct rng *r, struct fzfd *f, bool tx)
{
	struct pollfd pfd = { .fd = f->fd };
	int err;

	atomic_fetch_add(&st->syncs, 1);
	switch (rn(r, 4)) {
	case 0:
		pfd.events = POLLIN | POLLOUT;
		err = poll(&pfd, 1, rn(r, 2)) < 0;
		break;
	default:
		err = ioctl(f->fd, tx ? NIOCTXSYNC : NIOCRXSYNC);
		break;
	}
	if (err)
		atomic_fetch_add(&st->sync_err, 1);
}

void op_corrupt(struct rng *r, struct fzfd *f)
{
	struct netmap_ring *ring;
	struct netmap_if *nifp;
	uint32_t n, k, i;
	bool tx = false;
	char *b;

	ring = fz_ring(f, rn(r, 16), &tx);
	if (!ring)
		return;
	n = ring->num_slots;
	atomic_fetch_add(&st->corrupt, 1);
	switch (rn(r, 9)) {
	case 0:
		ring->head = edgy(r, n);
		break;
	case 1:
		ring->cur = edgy(r, n);
		break;
	case 2:
		ring->tail = edgy(r, n);
		break;
	case 3:
		ring->head = rn(r, n);
		ring->cur = rn(r, n);
		ring->tail = rn(r, n);
		break;
	case 4:
		ring->flags = (uint32_t)rnd(r);
		break;
	case 5:
		for (k = 1 + rn(r, 8); n && k; k--) {
			struct netmap_slot *s = &ring->slot[rn(r, n)];

			switch (rn(r, 3)) {
			case 0:
				s->buf_idx = edgy(r, 163840);
				break;
			case 1:
				s->len = (uint16_t)edgy(r, 2048);
				break;
			default:
				s->flags = (uint16_t)rnd(r);
				break;
			}
		}
		break;
	case 6:
		/* a slot pointing at another slot's buffer: duplicates */
		if (n > 1)
			ring->slot[rn(r, n)].buf_idx = ring->slot[rn(r, n)].buf_idx;
		ring->head = ring->cur = (ring->head + rn(r, n)) % (n ? n : 1);
		break;
	case 7:
		nifp = fz_nifp(f);
		if (nifp)
			nifp->ni_bufs_head = edgy(r, 163840);
		break;
	default:
		/* the chain of extra buffers: links through the first word */
		nifp = fz_nifp(f);
		if (!nifp)
			break;
		i = nifp->ni_bufs_head;
		for (k = rn(r, 8); k && i; k--) {
			b = fz_buf(f, ring, i, sizeof(uint32_t));
			if (!b)
				break;
			i = *(uint32_t *)b;
		}
		b = i ? fz_buf(f, ring, i, sizeof(uint32_t)) : NULL;
		if (b)
			*(uint32_t *)b = chance(r, 50) ? i : edgy(r, 163840);
		break;
	}
	if (chance(r, 70))
		fz_sync(r, f, tx);
}

/* Well-formed traffic: fill what TX space there is, drain RX. */
void op_traffic(struct rng *r, struct fzfd *f)
{
	struct netmap_ring *ring;
	uint32_t n, cur, tail, k;
	bool tx = false;
	unsigned int sent = 0;
	char *b;

	ring = fz_ring(f, rn(r, 16), &tx);
	if (!ring)
		return;
	n = ring->num_slots;
	cur = ring->cur;
	tail = ring->tail;
	if (!n || cur >= n || tail >= n)
		return;
	if (tx) {
		for (k = rn(r, 64); k && cur != tail; k--) {
			struct netmap_slot *s = &ring->slot[cur];
			uint16_t len = 60 + rn(r, 1455);

			b = fz_buf(f, ring, s->buf_idx, len);
			if (!b)
				break;
			memset(b, 0xff, 6);
			memset(b + 6, 0x02, 6);
			b[12] = (char)(NMT_ETHERTYPE >> 8);
			b[13] = (char)(NMT_ETHERTYPE & 0xff);
			s->len = len;
			s->flags = chance(r, 5) ? NS_FORWARD : 0;
			cur = cur + 1 == n ? 0 : cur + 1;
			sent++;
		}
		ring->head = ring->cur = cur;
		atomic_fetch_add(&st->tx_frames, sent);
	} else {
		atomic_fetch_add(&st->rx_frames, (tail + n - cur) % n);
		if (chance(r, 20))
			ring->flags |= NR_FORWARD;
		ring->head = ring->cur = tail;
	}
	fz_sync(r, f, tx);
}

void op_random_ioctl(struct rng *r, int fd)
{
	static const unsigned long cmds[] = { NIOCTXSYNC, NIOCRXSYNC,
					      NIOCCONFIG, _IO('i', 147),
					      _IO('i', 152), FIONREAD };
	char buf[256];

	if (fd < 0)
		return;
	memset(buf, 0, sizeof(buf));
	ioctl(fd, chance(r, 80) ? cmds[rn(r, 6)] : (unsigned long)rnd(r),
	      chance(r, 50) ? (void *)buf : (void *)g_badptr);
}

/* A child shares the bound fd and its mapping, syncs, and exits. */
void op_fork(struct rng *r, struct fzfd *f)
{
	pid_t pid;

	if (f->fd < 0)
		return;
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		ioctl(f->fd, rn(r, 2) ? NIOCTXSYNC : NIOCRXSYNC);
		if (f->map)
			(void)*(volatile char *)f->map;
		_exit(0);
	}
	atomic_fetch_add(&st->forks, 1);
	waitpid(pid, NULL, 0);
}
