// SPDX-License-Identifier: GPL-2.0
/*
 * Ring synchronisation: NIOCTXSYNC, NIOCRXSYNC and poll().
 *
 * Protocol (one ring of n slots; indices are slot numbers modulo n):
 *
 *   user owns [head, tail)        kernel owns [tail, head)
 *
 * The application advances head (and cur, its wake-up point) and calls a
 * sync; the kernel consumes [hwcur, head), advances hwcur, and publishes
 * new slots by moving tail. On TX one slot always stays empty, so a
 * fresh ring gives the user n - 1 slots.
 *
 * The ring lives in memory the application can write at any time, so:
 *  (A) head and cur are read exactly once per sync (READ_ONCE) and
 *      checked against the kernel's own copies (rhead, rtail, hwcur,
 *      hwtail), which userspace cannot touch; only the checked values are
 *      used afterwards.
 *  (B) a bad head/cur never fails the ioctl: the ring's user indices are
 *      put back to the last valid state and the next poll() reports
 *      POLLERR once. Upstream copies the bad values into its own state;
 *      we restore the last good one instead, which no application can
 *      tell apart except by not losing its ring.
 *  (C) tail is only ever written by the kernel; a value written by the
 *      application is overwritten on the next sync.
 *  (D) slot contents (buf_idx, len) are validated by the adapter when it
 *      uses them (nm_buf_addr() maps bad indices to buffer 0).
 * Syncs on one ring are serialised by kring->sync_lock.
 */
#include <linux/poll.h>
#include <linux/timekeeping.h>

#include "netmap_kern.h"

/*
 * Validate the user's head/cur against [base, end] in circular order:
 * base <= head <= cur <= end. Returns false if they are unusable.
 */
static bool nm_check_indices(u32 base, u32 end, u32 head, u32 cur, u32 n)
{
	u32 span;

	if (head >= n || cur >= n)
		return false;
	span = nm_dist(base, end, n);
	if (nm_dist(base, head, n) > span)
		return false;
	return nm_dist(base, cur, n) >= nm_dist(base, head, n) &&
	       nm_dist(base, cur, n) <= span;
}

/*
 * (B): put the ring back to the last state the kernel validated, and
 * clear slots that could not be used as they are (reserved or
 * out-of-range buffer, length beyond the buffer), as upstream does.
 */
static void nm_ring_repair(struct nm_kring *kring)
{
	struct netmap_ring *ring = kring->ring;
	u32 i;

	for (i = 0; i < kring->num_slots; i++) {
		struct netmap_slot *slot = &ring->slot[i];
		u32 idx = READ_ONCE(slot->buf_idx);

		if (!nm_buf_idx_valid(&kring->lut, idx)) {
			WRITE_ONCE(slot->buf_idx, 0);
			WRITE_ONCE(slot->len, 0);
		} else if (READ_ONCE(slot->len) > kring->lut.objsize) {
			WRITE_ONCE(slot->len, 0);
		}
	}

	WRITE_ONCE(ring->head, kring->rhead);
	WRITE_ONCE(ring->cur, kring->rcur);
	WRITE_ONCE(ring->tail, kring->rtail);
	kring->err = true;
	if (nm_verbose)
		pr_info("netmap: %s: bad head/cur, ring restored\n",
			kring->name);
}

/* (A): read and check head/cur. Returns false after repairing the ring. */
static bool nm_prologue(struct nm_kring *kring)
{
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->num_slots;
	u32 head = READ_ONCE(ring->head);
	u32 cur = READ_ONCE(ring->cur);
	bool ok;

	if (kring->dir == NM_TX)
		ok = nm_check_indices(kring->rhead, kring->rtail, head, cur, n);
	else
		ok = nm_check_indices(kring->hwcur, kring->hwtail, head, cur, n);
	if (!ok) {
		nm_ring_repair(kring);
		return false;
	}
	kring->rhead = head;
	kring->rcur = cur;
	/* (C) */
	if (READ_ONCE(ring->tail) != kring->rtail)
		WRITE_ONCE(ring->tail, kring->rtail);
	return true;
}

/* Publish the new tail; pairs with the application's read of tail. */
static void nm_finalize(struct nm_kring *kring)
{
	kring->rtail = kring->hwtail;
	smp_store_release(&kring->ring->tail, kring->hwtail);
}

static void nm_timestamp(struct nm_kring *kring)
{
	struct netmap_ring *ring = kring->ring;
	struct timespec64 ts;

	if (nm_no_timestamp && !(READ_ONCE(ring->flags) & NR_TIMESTAMP))
		return;
	ktime_get_real_ts64(&ts);
	ring->ts.tv_sec = ts.tv_sec;
	ring->ts.tv_usec = ts.tv_nsec / NSEC_PER_USEC;
}

/* Transparent mode host -> NIC needs every hardware TX ring on the fd. */
static bool nm_priv_forwards(const struct nm_priv *priv,
			     const struct nm_kring *kring)
{
	const struct nm_adapter *na = kring->na;

	return kring->host && kring->dir == NM_RX &&
	       (READ_ONCE(nm_fwd) ||
		(READ_ONCE(kring->ring->flags) & NR_FORWARD)) &&
	       priv->first[NM_TX] == 0 &&
	       priv->last[NM_TX] >= na->num_rings[NM_TX];
}

/*
 * Run one ring's sync. @force is true for the ioctls (reclaim/read even
 * if the user released nothing). Returns 0, -EIO for a dead device, or
 * -EAGAIN when head/cur had to be repaired.
 */
static int nm_kring_sync(struct nm_priv *priv, struct nm_kring *kring,
			 bool force, u32 *forwarded)
{
	struct nm_adapter *na = kring->na;
	int state = READ_ONCE(kring->state);
	int err = 0;

	if (state == NM_KR_ZOMBIE || test_bit(NAF_ZOMBIE, &na->flags))
		return -EIO;
	if (state == NM_KR_STOPPED)
		return 0;	/* link down: no progress until it is up */

	if (!nm_prologue(kring)) {
		if (kring->dir == NM_TX)
			return -EAGAIN;
		err = -EAGAIN;	/* RX still delivers what arrived */
	}

	if (kring->dir == NM_TX) {
		if (!force && kring->rhead == kring->hwcur)
			return 0;
		if (nm_kring_ops_sync(kring, force ? NM_SYNC_FORCE_RECLAIM : 0))
			return 0;
	} else {
		if (nm_priv_forwards(priv, kring))
			*forwarded += nm_host_forward_to_nic(kring);
		if (nm_kring_ops_sync(kring, force ? NM_SYNC_FORCE_READ : 0))
			return err;
		nm_timestamp(kring);
	}
	nm_finalize(kring);
	return err;
}

/**
 * nm_sync_ioctl() - NIOCTXSYNC / NIOCRXSYNC
 * @priv: the fd's state
 * @dir: which direction to sync
 *
 * Context: process context, may sleep on a ring busy with another sync.
 * Return: 0, -ENXIO if the fd is not bound, -EIO if the device is gone.
 */
int nm_sync_ioctl(struct nm_priv *priv, enum nm_dir dir)
{
	struct nm_adapter *na = smp_load_acquire(&priv->na);
	u32 i, forwarded = 0;

	if (!na)
		return -ENXIO;
	for (i = priv->first[dir]; i < priv->last[dir]; i++) {
		struct nm_kring *kring = &na->rings[dir][i];
		int err;

		if (mutex_lock_interruptible(&kring->sync_lock))
			return -ERESTARTSYS;
		err = nm_kring_sync(priv, kring, true, &forwarded);
		mutex_unlock(&kring->sync_lock);
		if (err == -EIO)
			return err;
	}
	return 0;
}

/* Queue to wait on for @dir: the ring's own if the fd has exactly one. */
static wait_queue_head_t *nm_poll_queue(struct nm_priv *priv,
					struct nm_adapter *na, enum nm_dir dir)
{
	if (priv->last[dir] - priv->first[dir] == 1)
		return &na->rings[dir][priv->first[dir]].wq;
	return &na->si[dir];
}

/* Sync the fd's rings of one direction for poll(); returns the events. */
static __poll_t nm_poll_dir(struct nm_priv *priv, struct nm_adapter *na,
			    enum nm_dir dir, bool want, u32 *forwarded)
{
	__poll_t ready = dir == NM_TX ? EPOLLOUT | EPOLLWRNORM :
					EPOLLIN | EPOLLRDNORM;
	__poll_t revents = 0;
	u32 i;

	for (i = priv->first[dir]; i < priv->last[dir]; i++) {
		struct nm_kring *kring = &na->rings[dir][i];
		int err;

		mutex_lock(&kring->sync_lock);
		err = nm_kring_sync(priv, kring, dir == NM_TX ? want : true,
				    forwarded);
		if (err == -EIO)
			revents |= EPOLLERR;
		if (kring->err) {
			kring->err = false;
			revents |= EPOLLERR;
		}
		if (want && READ_ONCE(kring->ring->cur) != kring->rtail)
			revents |= ready;
		mutex_unlock(&kring->sync_lock);
	}
	return revents;
}

/**
 * nm_sync_poll() - poll() on a netmap fd
 * @priv: the fd's state
 * @file: the file, for poll_wait()
 * @wait: poll table; its key says which events the caller wants
 *
 * TX rings are synced unless the fd asked for NR_NO_TX_POLL and the
 * caller does not want POLLOUT; RX rings are synced when POLLIN is
 * wanted. Readable means some ring has tail != cur.
 *
 * Context: process context.
 * Return: the ready events; EPOLLERR if unbound or the device is gone.
 */
__poll_t nm_sync_poll(struct nm_priv *priv, struct file *file,
		      poll_table *wait)
{
	struct nm_adapter *na = smp_load_acquire(&priv->na);
	__poll_t events = poll_requested_events(wait);
	bool want_tx = events & (EPOLLOUT | EPOLLWRNORM);
	bool want_rx = events & (EPOLLIN | EPOLLRDNORM);
	__poll_t revents = 0;
	u32 forwarded = 0;

	if (!na || test_bit(NAF_ZOMBIE, &na->flags))
		return EPOLLERR;

	poll_wait(file, nm_poll_queue(priv, na, NM_TX), wait);
	poll_wait(file, nm_poll_queue(priv, na, NM_RX), wait);
	/* Pairs with wq_has_sleeper() in nm_kring_notify(). */
	smp_mb();

	if (want_tx || !(priv->nr_flags & NR_NO_TX_POLL))
		revents |= nm_poll_dir(priv, na, NM_TX, want_tx, &forwarded);
	if (want_rx)
		revents |= nm_poll_dir(priv, na, NM_RX, true, &forwarded);
	/* Frames moved from the host RX ring to NIC TX rings: send now. */
	if (forwarded)
		revents |= nm_poll_dir(priv, na, NM_TX, want_tx, &forwarded);
	return revents;
}
