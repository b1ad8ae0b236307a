/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Descriptor arithmetic of the ixgbe netmap adapter, as pure functions:
 * no register, no DMA, no kernel object. ixgbe_netmap.c uses them on the
 * device's rings; tests/ring_test.c compiles them in userspace and checks
 * them against hand-computed descriptors.
 *
 * Needs __u16/__u32 (<linux/types.h>), bool, and NS_MOREFRAG/NS_REPORT
 * (<linux/netmap.h>) before it is included.
 *
 * The constants are the 82599/X540/X550 descriptor bits (datasheet
 * values); ixgbe_netmap.c checks at build time that they equal the
 * in-tree driver's IXGBE_* definitions.
 */
#ifndef _IXGBE_NETMAP_RING_H
#define _IXGBE_NETMAP_RING_H

/* Advanced TX data descriptor, dword 2 (cmd_type_len) and 3 (olinfo). */
#define IXNM_TXD_DTYP_DATA	0x00300000u
#define IXNM_TXD_DTYP_CTXT	0x00200000u
#define IXNM_TXD_CMD_EOP	0x01000000u
#define IXNM_TXD_CMD_IFCS	0x02000000u
#define IXNM_TXD_CMD_RS		0x08000000u
#define IXNM_TXD_CMD_DEXT	0x20000000u
#define IXNM_TXD_PAYLEN_SHIFT	14
#define IXNM_TXD_LEN_MASK	0x0000ffffu
#define IXNM_TXD_STAT_DD	0x00000001u

/* Advanced RX descriptor, write-back status_error. */
#define IXNM_RXD_STAT_DD	0x01u
#define IXNM_RXD_STAT_EOP	0x02u

/* The device pads frames to 60 bytes itself, but PAYLEN must be >= 17. */
#define IXNM_TX_MIN_LEN		17
/* Largest frame the MACs send (15.5 KB). */
#define IXNM_TX_MAX_LEN		15872
/* Data descriptors per packet: the hardware takes at most 40. */
#define IXNM_TX_MAX_FRAGS	32
/* A packet's bytes per data descriptor: the length field is 16 bits. */
#define IXNM_TX_MAX_DESC_LEN	16383

/**
 * struct ixnm_tx_frag - one slot of a TX packet, as read once from the ring
 * @len: the slot's len
 * @flags: the slot's flags
 * @buf_ok: its buf_idx names a valid buffer
 */
struct ixnm_tx_frag {
	__u32 len;
	__u16 flags;
	bool buf_ok;
};

/**
 * struct ixnm_txd - the second half of a TX descriptor
 * @cmd: data: cmd_type_len; context: type_tucmd_mlhl
 * @olinfo: data: olinfo_status; context: mss_l4len_idx
 * @data: true for a data descriptor (its first half is the buffer's bus
 *	address); false for a context descriptor (its first half is 0),
 *	which carries no data
 */
struct ixnm_txd {
	__u32 cmd;
	__u32 olinfo;
	bool data;
};

/**
 * ixnm_tx_encode() - the descriptors of one packet
 * @f: its slots, @nfrag of them (1..IXNM_TX_MAX_FRAGS); f[nfrag - 1] is
 *	the packet's last slot unless the packet was cut at
 *	IXNM_TX_MAX_FRAGS slots (NS_MOREFRAG still set: a bad packet)
 * @nfrag: slots in the packet
 * @maxlen: bytes a slot may hold (the buffer size)
 * @d: @nfrag descriptors, filled
 *
 * A good packet becomes one data descriptor per slot, PAYLEN (the whole
 * packet's length) in the first, EOP on the last; a packet shorter than
 * IXNM_TX_MIN_LEN is lengthened to it in its last slot (bytes of that
 * same buffer). A bad packet (a slot with a bad buffer, a length of 0 or
 * above @maxlen, more than IXNM_TX_MAX_FRAGS slots, or longer than
 * IXNM_TX_MAX_LEN) becomes @nfrag context descriptors, so that every slot
 * still has its descriptor and nothing is sent. RS is not set here.
 *
 * Return: true if the packet is sent (d[nfrag - 1] is its EOP
 * descriptor), false if it is not.
 */
static inline bool ixnm_tx_encode(const struct ixnm_tx_frag *f, __u32 nfrag,
				  __u32 maxlen, struct ixnm_txd *d)
{
	__u32 i, total = 0, pad = 0;
	bool ok = nfrag >= 1 && nfrag <= IXNM_TX_MAX_FRAGS &&
		  !(f[nfrag - 1].flags & NS_MOREFRAG);

	if (maxlen > IXNM_TX_MAX_DESC_LEN)
		maxlen = IXNM_TX_MAX_DESC_LEN;
	for (i = 0; ok && i < nfrag; i++) {
		if (!f[i].buf_ok || !f[i].len || f[i].len > maxlen)
			ok = false;
		else
			total += f[i].len;
	}
	if (ok && total > IXNM_TX_MAX_LEN)
		ok = false;
	if (ok && total < IXNM_TX_MIN_LEN) {
		pad = IXNM_TX_MIN_LEN - total;
		if (f[nfrag - 1].len + pad > maxlen)
			ok = false;
		total = IXNM_TX_MIN_LEN;
	}
	for (i = 0; i < nfrag; i++) {
		if (!ok) {
			d[i].cmd = IXNM_TXD_CMD_DEXT | IXNM_TXD_DTYP_CTXT;
			d[i].olinfo = 0;
			d[i].data = false;
			continue;
		}
		d[i].cmd = IXNM_TXD_DTYP_DATA | IXNM_TXD_CMD_DEXT |
			   IXNM_TXD_CMD_IFCS | f[i].len;
		if (i == nfrag - 1)
			d[i].cmd = (d[i].cmd + pad) | IXNM_TXD_CMD_EOP;
		d[i].olinfo = i == 0 ? total << IXNM_TXD_PAYLEN_SHIFT : 0;
		d[i].data = true;
	}
	return ok;
}

/**
 * ixnm_tx_rs_interval() - at most how many descriptors between two RS bits
 * @n: descriptors in the ring
 *
 * Small enough that completions free the ring well before it is full,
 * large enough that a burst raises a few interrupts, not one per packet.
 */
static inline __u32 ixnm_tx_rs_interval(__u32 n)
{
	__u32 r = n / 4;

	return r < 1 ? 1 : r > 64 ? 64 : r;
}

/**
 * ixnm_tx_want_rs() - does a sent packet ask for a completion report?
 * @since_rs: descriptors written since the last RS, this packet included
 * @interval: from ixnm_tx_rs_interval()
 * @report: one of its slots has NS_REPORT
 *
 * The last sent packet of each txsync gets RS anyway (see txsync).
 */
static inline bool ixnm_tx_want_rs(__u32 since_rs, __u32 interval,
				   bool report)
{
	return report || since_rs >= interval;
}

/**
 * struct ixnm_rs_fifo - descriptors with RS set, oldest first
 * @desc: @size entries
 * @size: capacity, the ring's size: one RS per sent packet and fewer
 *	packets than descriptors in flight, so it never overflows
 * @first: index in @desc of the oldest
 * @count: entries
 *
 * The device completes descriptors in order: when the oldest RS
 * descriptor has DD, every descriptor up to it is done.
 */
struct ixnm_rs_fifo {
	__u32 *desc;
	__u32 size;
	__u32 first;
	__u32 count;
};

static inline void ixnm_rs_reset(struct ixnm_rs_fifo *q)
{
	q->first = 0;
	q->count = 0;
}

static inline bool ixnm_rs_push(struct ixnm_rs_fifo *q, __u32 desc)
{
	__u32 i;

	if (q->count >= q->size)
		return false;
	i = q->first + q->count;
	if (i >= q->size)
		i -= q->size;
	q->desc[i] = desc;
	q->count++;
	return true;
}

static inline bool ixnm_rs_peek(const struct ixnm_rs_fifo *q, __u32 *desc)
{
	if (!q->count)
		return false;
	*desc = q->desc[q->first];
	return true;
}

static inline void ixnm_rs_pop(struct ixnm_rs_fifo *q)
{
	if (!q->count)
		return;
	q->first = q->first + 1 == q->size ? 0 : q->first + 1;
	q->count--;
}

/**
 * ixnm_tx_head_done() - TX completion from the head register
 * @clean: first descriptor not known to be done
 * @tail: the descriptor txsync writes next (TDT)
 * @head: what the head register (TDH) reads: the device has processed
 *	every descriptor before it
 * @n: descriptors in the ring
 *
 * Return: the new @clean: @head if it lies in [@clean, @tail] (modulo
 * @n), else @clean unchanged (a head outside the ring, such as the all-ones
 * of a device that is gone, or outside the descriptors in flight is not
 * believed).
 */
static inline __u32 ixnm_tx_head_done(__u32 clean, __u32 tail, __u32 head,
				      __u32 n)
{
	__u32 pending, done;

	if (head >= n || clean >= n || tail >= n)
		return clean;
	pending = tail >= clean ? tail - clean : tail + n - clean;
	done = head >= clean ? head - clean : head + n - clean;
	return done <= pending ? head : clean;
}

/**
 * ixnm_tx_complete() - how far TX completion goes
 * @q: the ring's RS FIFO; the RS descriptors found done are taken out
 * @clean: first descriptor not known to be done
 * @tail: the descriptor txsync writes next (TDT)
 * @n: descriptors in the ring
 * @dd: dd(@arg, d) tells whether descriptor d has DD written back
 * @head: head(@arg) reads the head register (TDH)
 * @arg: for @dd and @head
 *
 * The device completes descriptors in order: when the oldest RS
 * descriptor has DD, every descriptor up to it is done. A packet that is
 * not sent (context descriptors, see ixnm_tx_encode()) gets no RS, so
 * rejected packets after the last RS descriptor would never complete
 * that way: once every RS descriptor is done and some descriptors are
 * still in flight, the head register tells how far the device went (it
 * is read only then).
 *
 * Return: the new @clean.
 */
static inline __u32 ixnm_tx_complete(struct ixnm_rs_fifo *q, __u32 clean,
				     __u32 tail, __u32 n,
				     bool (*dd)(void *arg, __u32 d),
				     __u32 (*head)(void *arg), void *arg)
{
	__u32 d;

	while (ixnm_rs_peek(q, &d) && dd(arg, d)) {
		ixnm_rs_pop(q);
		clean = d + 1 == n ? 0 : d + 1;
	}
	if (!q->count && clean != tail)
		clean = ixnm_tx_head_done(clean, tail, head(arg), n);
	return clean;
}

/**
 * ixnm_rs_realloc() - does ->reg(on) (re)allocate the RS FIFOs?
 * @was_on: the port is in netmap mode already: ->reg(on) is called again
 *	because rings were bound or released (see netmap_native.h)
 * @have: ring size the FIFOs were allocated for (0: none)
 * @want: the TX rings' size now
 *
 * Only on entry, and only if the size changed: while in netmap mode the
 * bound rings' txsyncs use the FIFOs at any time, so they are never
 * replaced then (a ring whose size no longer matches is refused by
 * txsync).
 */
static inline bool ixnm_rs_realloc(bool was_on, __u32 have, __u32 want)
{
	return !was_on && have != want;
}

/**
 * ixnm_rx_slot() - a written-back RX descriptor as a netmap slot
 * @staterr: the descriptor's status_error
 * @wb_len: its length field
 * @bufsize: the buffer size (the device never writes more; a larger
 *	length is clamped all the same)
 * @len: set to the slot's len
 * @flags: set to the slot's flags: NS_MOREFRAG unless EOP
 *
 * Return: false if the descriptor is not done (DD clear): @len and
 * @flags are not set.
 */
static inline bool ixnm_rx_slot(__u32 staterr, __u32 wb_len, __u32 bufsize,
				__u32 *len, __u16 *flags)
{
	if (!(staterr & IXNM_RXD_STAT_DD))
		return false;
	*len = wb_len < bufsize ? wb_len : bufsize;
	*flags = (staterr & IXNM_RXD_STAT_EOP) ? 0 : NS_MOREFRAG;
	return true;
}

#endif /* _IXGBE_NETMAP_RING_H */
