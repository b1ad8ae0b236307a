// SPDX-License-Identifier: GPL-2.0
/*
 * NIOCCTRL argument checking: every errno the control path documents for
 * malformed requests and option lists, what is written back to the user
 * on failure, and the ioctl dispatcher itself.
 *
 * Requests that need no port use PORT_INFO_GET with an empty name, which
 * describes the global allocator and succeeds when the request is sound.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

/* ---- requests without a port ---- */

FIXTURE(ctrl)
{
	int fd;
	void *noaccess;		/* a PROT_NONE page: EFAULT target */
};

FIXTURE_SETUP(ctrl)
{
	self->fd = -1;
	self->noaccess = MAP_FAILED;
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	self->noaccess = mmap(NULL, 4096, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->noaccess);
	self->fd = nmt_open_dev();
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(ctrl)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->noaccess != MAP_FAILED)
		munmap(self->noaccess, 4096);
}

static void opt_init(struct nmreq_option *o, uint32_t type, uint64_t size)
{
	memset(o, 0, sizeof(*o));
	o->nro_reqtype = type;
	o->nro_size = size;
	o->nro_status = 0xdeadu;	/* must be overwritten */
}

/* PORT_INFO_GET on the default allocator, with an option list. */
static int info_req(int fd, struct nmreq_option *opts)
{
	struct nmreq_port_info_get pi;
	struct nmreq_header h;

	memset(&pi, 0, sizeof(pi));
	nmt_hdr_init(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
	h.nr_options = (uintptr_t)opts;
	return nmt_ctrl(fd, &h);
}

TEST_F(ctrl, sound_request)
{
	struct nmreq_port_info_get pi;

	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, nmt_port_info(self->fd, "", &pi));
	EXPECT_EQ(NMT_GLOBAL_MEM_ID, pi.nr_mem_id);
	EXPECT_LT(0, pi.nr_memsize);
}

TEST_F(ctrl, version)
{
	static const uint16_t bad[] = { 0, 11, 13, 16, 0xffff };
	struct nmreq_port_info_get pi;
	struct nmreq_header h;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		nmt_hdr_init(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
		h.nr_version = bad[i];
		EXPECT_EQ(-EINVAL, nmt_ctrl(self->fd, &h))
			TH_LOG("nr_version %u", bad[i]);
	}
	for (i = NETMAP_MIN_API; i <= NETMAP_MAX_API; i++) {
		memset(&pi, 0, sizeof(pi));
		nmt_hdr_init(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
		h.nr_version = i;
		EXPECT_EQ(0, nmt_ctrl(self->fd, &h)) TH_LOG("nr_version %u", i);
	}
}

TEST_F(ctrl, reserved_nonzero)
{
	struct nmreq_port_info_get pi;
	struct nmreq_header h;

	memset(&pi, 0, sizeof(pi));
	nmt_hdr_init(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
	h.nr_reserved = 1;
	EXPECT_EQ(-EINVAL, nmt_ctrl(self->fd, &h));
	nmt_hdr_init(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
	h.nr_reserved = 0x80000000u;
	EXPECT_EQ(-EINVAL, nmt_ctrl(self->fd, &h));
}

/* nr_body must be NULL exactly when the request has no body. */
TEST_F(ctrl, body_null_mismatch)
{
	static const uint16_t with_body[] = {
		NETMAP_REQ_REGISTER, NETMAP_REQ_PORT_INFO_GET,
		NETMAP_REQ_POOLS_INFO_GET, NETMAP_REQ_VALE_LIST,
		NETMAP_REQ_SYNC_KLOOP_START,
	};
	static const uint16_t without_body[] = {
		NETMAP_REQ_VALE_DELIF, NETMAP_REQ_SYNC_KLOOP_STOP,
		NETMAP_REQ_CSB_ENABLE,
	};
	uint64_t body[16] = { 0 };
	struct nmreq_header h;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(with_body); i++) {
		nmt_hdr_init(&h, with_body[i], "", NULL);
		EXPECT_EQ(-EINVAL, nmt_ctrl(self->fd, &h))
			TH_LOG("reqtype %u without body", with_body[i]);
	}
	for (i = 0; i < ARRAY_SIZE(without_body); i++) {
		nmt_hdr_init(&h, without_body[i], "", body);
		EXPECT_EQ(-EINVAL, nmt_ctrl(self->fd, &h))
			TH_LOG("reqtype %u with a body", without_body[i]);
	}
}

TEST_F(ctrl, unknown_reqtype)
{
	static const uint16_t bad[] = { 0, 16, 17, 100, 0xffff };
	uint64_t body[16] = { 0 };
	struct nmreq_header h;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		nmt_hdr_init(&h, bad[i], "", body);
		EXPECT_EQ(-EINVAL, nmt_ctrl(self->fd, &h))
			TH_LOG("reqtype %u", bad[i]);
		nmt_hdr_init(&h, bad[i], "", NULL);
		EXPECT_EQ(-EINVAL, nmt_ctrl(self->fd, &h))
			TH_LOG("reqtype %u, no body", bad[i]);
	}
}

TEST_F(ctrl, option_type_zero)
{
	struct nmreq_option o;

	opt_init(&o, 0, sizeof(o));
	EXPECT_EQ(-EINVAL, info_req(self->fd, &o));
}

/* Unknown options do not fail requests other than REGISTER. */
TEST_F(ctrl, unknown_option_reported)
{
	struct nmreq_option o[3];

	opt_init(&o[0], NETMAP_REQ_OPT_MAX, sizeof(o[0]));
	opt_init(&o[1], 1000, sizeof(o[1]));
	opt_init(&o[2], 0xffffffffu, sizeof(o[2]));
	o[0].nro_next = (uintptr_t)&o[1];
	o[1].nro_next = (uintptr_t)&o[2];
	ASSERT_EQ(0, info_req(self->fd, o));
	EXPECT_EQ(EOPNOTSUPP, o[0].nro_status);
	EXPECT_EQ(EOPNOTSUPP, o[1].nro_status);
	EXPECT_EQ(EOPNOTSUPP, o[2].nro_status);
	/* the links are given back as they were */
	EXPECT_EQ((uintptr_t)&o[1], o[0].nro_next);
	EXPECT_EQ((uintptr_t)&o[2], o[1].nro_next);
	EXPECT_EQ(0, o[2].nro_next);
}

/* A known option present twice: both copies are rejected. */
TEST_F(ctrl, duplicate_option)
{
	struct nmreq_opt_offsets a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	opt_init(&a.nro_opt, NETMAP_REQ_OPT_OFFSETS, sizeof(a));
	opt_init(&b.nro_opt, NETMAP_REQ_OPT_OFFSETS, sizeof(b));
	a.nro_opt.nro_next = (uintptr_t)&b;
	EXPECT_EQ(-EINVAL, info_req(self->fd, &a.nro_opt));
	EXPECT_EQ(EINVAL, a.nro_opt.nro_status);
	EXPECT_EQ(EINVAL, b.nro_opt.nro_status);
}

/* A known option pointing to itself is a duplicate of itself. */
TEST_F(ctrl, self_looping_known_option)
{
	struct nmreq_opt_offsets a;

	memset(&a, 0, sizeof(a));
	opt_init(&a.nro_opt, NETMAP_REQ_OPT_OFFSETS, sizeof(a));
	a.nro_opt.nro_next = (uintptr_t)&a;
	EXPECT_EQ(-EINVAL, info_req(self->fd, &a.nro_opt));
	EXPECT_EQ(EINVAL, a.nro_opt.nro_status);
}

/* An unknown option pointing to itself fills the request buffer. */
TEST_F(ctrl, self_looping_unknown_option)
{
	struct nmreq_option o;

	opt_init(&o, 77, sizeof(o));
	o.nro_next = (uintptr_t)&o;
	EXPECT_EQ(-EMSGSIZE, info_req(self->fd, &o));
}

/* A long chain of distinct unknown options overflows as well. */
TEST_F(ctrl, too_many_options)
{
	enum { N = 512 };
	struct nmreq_option *o = calloc(N, sizeof(*o));
	unsigned int i;

	ASSERT_NE(NULL, o);
	for (i = 0; i < N; i++) {
		opt_init(&o[i], 100 + i, sizeof(o[i]));
		o[i].nro_next = i + 1 < N ? (uintptr_t)&o[i + 1] : 0;
	}
	EXPECT_EQ(-EMSGSIZE, info_req(self->fd, o));

	/* a short chain is fine */
	o[7].nro_next = 0;
	EXPECT_EQ(0, info_req(self->fd, o));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(EOPNOTSUPP, o[i].nro_status) TH_LOG("option %u", i);
	free(o);
}

TEST_F(ctrl, option_size_limit)
{
	struct nmreq_opt_offsets a;
	uint64_t *big;

	/* a known option declaring more than 4096 bytes */
	memset(&a, 0, sizeof(a));
	opt_init(&a.nro_opt, NETMAP_REQ_OPT_OFFSETS, NETMAP_REQ_MAXSIZE + 1);
	EXPECT_EQ(-EMSGSIZE, info_req(self->fd, &a.nro_opt));
	opt_init(&a.nro_opt, NETMAP_REQ_OPT_OFFSETS, ~0ull);
	EXPECT_EQ(-EMSGSIZE, info_req(self->fd, &a.nro_opt));

	/*
	 * The variable-size option at exactly 4096 bytes: fine alone, but
	 * body + option header + option body exceed the limit.
	 */
	big = calloc(1, NETMAP_REQ_MAXSIZE);
	ASSERT_NE(NULL, big);
	opt_init((struct nmreq_option *)big,
		 NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS, NETMAP_REQ_MAXSIZE);
	EXPECT_EQ(-EMSGSIZE, info_req(self->fd, (struct nmreq_option *)big));
	free(big);
}

TEST_F(ctrl, bad_pointers)
{
	uint64_t bad = (uintptr_t)self->noaccess;
	struct nmreq_port_info_get pi;
	struct nmreq_header h;
	struct nmreq_option o;

	/* the header itself */
	EXPECT_EQ(-EFAULT, nmt_ioctl(self->fd, NIOCCTRL, self->noaccess));
	EXPECT_EQ(-EFAULT, nmt_ioctl(self->fd, NIOCCTRL, NULL));

	/* the body */
	nmt_hdr_init(&h, NETMAP_REQ_PORT_INFO_GET, "", NULL);
	h.nr_body = bad;
	EXPECT_EQ(-EFAULT, nmt_ctrl(self->fd, &h));
	nmt_hdr_init(&h, NETMAP_REQ_REGISTER, "", NULL);
	h.nr_body = bad;
	EXPECT_EQ(-EFAULT, nmt_ctrl(self->fd, &h));

	/* the first option */
	memset(&pi, 0, sizeof(pi));
	nmt_hdr_init(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
	h.nr_options = bad;
	EXPECT_EQ(-EFAULT, nmt_ctrl(self->fd, &h));

	/* a later option */
	opt_init(&o, 100, sizeof(o));
	o.nro_next = bad;
	EXPECT_EQ(-EFAULT, info_req(self->fd, &o));

	/* kernel addresses are not user pointers */
	nmt_hdr_init(&h, NETMAP_REQ_PORT_INFO_GET, "", NULL);
	h.nr_body = 0xffffffff81000000ull;
	EXPECT_EQ(-EFAULT, nmt_ctrl(self->fd, &h));
}

/* The header comes back even on failure, with nr_name terminated. */
TEST_F(ctrl, header_written_back)
{
	struct nmreq_port_info_get pi;
	struct nmreq_header h;

	memset(&pi, 0, sizeof(pi));
	nmt_hdr_init(&h, NETMAP_REQ_PORT_INFO_GET, NULL, &pi);
	memset(h.nr_name, 'q', sizeof(h.nr_name));
	EXPECT_EQ(-ENXIO, nmt_ctrl(self->fd, &h));
	EXPECT_EQ(0, h.nr_name[NETMAP_REQ_IFNAMSIZ - 1]);
	EXPECT_EQ('q', h.nr_name[0]);
	EXPECT_EQ((uintptr_t)&pi, h.nr_body);
}

/* A failed request leaves the body alone but reports on its options. */
TEST_F(ctrl, failed_request_writeback)
{
	struct nmreq_register reg;
	struct nmreq_header h;
	struct nmreq_option o;

	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, 0);
	reg.nr_memsize = 0xdead;
	reg.nr_offset = 0xbeef;
	reg.nr_tx_slots = 77;
	opt_init(&o, 100, sizeof(o));
	nmt_hdr_init(&h, NETMAP_REQ_REGISTER, "nmt-no-such-if", &reg);
	h.nr_options = (uintptr_t)&o;
	EXPECT_EQ(-ENXIO, nmt_ctrl(self->fd, &h));
	EXPECT_EQ(0xdead, reg.nr_memsize);
	EXPECT_EQ(0xbeef, reg.nr_offset);
	EXPECT_EQ(77, reg.nr_tx_slots);
	EXPECT_EQ(EOPNOTSUPP, o.nro_status);
	EXPECT_EQ(0, o.nro_next);
	EXPECT_EQ((uintptr_t)&o, h.nr_options);
}

TEST_F(ctrl, unknown_ioctls)
{
	static const unsigned long bad[] = {
		_IO('i', 147),
		_IO('i', 152),
		_IOWR('i', 151, char[80]),	/* NIOCCTRL, wrong size */
		_IOWR('i', 146, char[64]),	/* NIOCREGIF, wrong size */
		_IOR('i', 145, struct nmreq),	/* NIOCGINFO, wrong dir */
		_IO('i', 151),
		0x12345678ul,
	};
	uint64_t buf[64] = { 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EOPNOTSUPP, nmt_ioctl(self->fd, bad[i], buf))
			TH_LOG("cmd %#lx", bad[i]);
}

TEST_F(ctrl, sync_unbound)
{
	EXPECT_EQ(-ENXIO, nmt_txsync(self->fd));
	EXPECT_EQ(-ENXIO, nmt_rxsync(self->fd));
}

/* ---- REGISTER with options on a real port ---- */

FIXTURE(regopt)
{
	struct nmt_env env;
	int fd;
};

FIXTURE_SETUP(regopt)
{
	self->fd = -1;
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	self->fd = nmt_open_dev();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
}

FIXTURE_TEARDOWN(regopt)
{
	if (self->fd >= 0)
		close(self->fd);
	nmt_env_teardown(&self->env);
}

static int reg_req(int fd, const char *port, uint64_t flags,
		   struct nmreq_option *opts)
{
	struct nmreq_register reg;
	struct nmreq_header h;

	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, flags);
	nmt_hdr_init(&h, NETMAP_REQ_REGISTER, port, &reg);
	h.nr_options = (uintptr_t)opts;
	return nmt_ctrl(fd, &h);
}

/* After a refused REGISTER the fd is unbound and the rings are free. */
static void expect_unbound(struct __test_metadata *_metadata, int fd,
			   const char *port)
{
	void *m;
	int other;

	EXPECT_EQ(-ENXIO, nmt_txsync(fd));
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	if (m != MAP_FAILED)
		munmap(m, 4096);
	other = nmt_open_dev();
	ASSERT_LE(0, other);
	EXPECT_EQ(0, nmt_register_mode(other, port, NR_REG_ALL_NIC, 0,
				       NR_EXCLUSIVE));
	close(other);
}

TEST_F(regopt, unknown_option_fails_register)
{
	struct nmreq_option o;

	opt_init(&o, 100, sizeof(o));
	EXPECT_EQ(-EOPNOTSUPP, reg_req(self->fd, self->env.port, 0, &o));
	EXPECT_EQ(EOPNOTSUPP, o.nro_status);
	expect_unbound(_metadata, self->fd, self->env.port);
	/* the same fd registers fine without the option */
	EXPECT_EQ(0, reg_req(self->fd, self->env.port, 0, NULL));
}

/* A known option REGISTER does not consume fails it the same way. */
TEST_F(regopt, unconsumed_option_fails_register)
{
	struct nmreq_opt_sync_kloop_mode m;

	memset(&m, 0, sizeof(m));
	opt_init(&m.nro_opt, NETMAP_REQ_OPT_SYNC_KLOOP_MODE, sizeof(m));
	EXPECT_EQ(-EOPNOTSUPP, reg_req(self->fd, self->env.port, 0,
				       &m.nro_opt));
	EXPECT_EQ(EOPNOTSUPP, m.nro_opt.nro_status);
	expect_unbound(_metadata, self->fd, self->env.port);
}

TEST_F(regopt, bad_options_leave_fd_unbound)
{
	struct nmreq_opt_offsets a, b;
	struct nmreq_option z, u;

	opt_init(&z, 0, sizeof(z));
	EXPECT_EQ(-EINVAL, reg_req(self->fd, self->env.port, 0, &z));
	expect_unbound(_metadata, self->fd, self->env.port);

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	opt_init(&a.nro_opt, NETMAP_REQ_OPT_OFFSETS, sizeof(a));
	opt_init(&b.nro_opt, NETMAP_REQ_OPT_OFFSETS, sizeof(b));
	a.nro_opt.nro_next = (uintptr_t)&b;
	EXPECT_EQ(-EINVAL, reg_req(self->fd, self->env.port, 0, &a.nro_opt));
	EXPECT_EQ(EINVAL, a.nro_opt.nro_status);
	EXPECT_EQ(EINVAL, b.nro_opt.nro_status);
	expect_unbound(_metadata, self->fd, self->env.port);

	opt_init(&u, 200, sizeof(u));
	u.nro_next = (uintptr_t)&u;
	EXPECT_EQ(-EMSGSIZE, reg_req(self->fd, self->env.port, 0, &u));
	expect_unbound(_metadata, self->fd, self->env.port);

	EXPECT_EQ(0, reg_req(self->fd, self->env.port, 0, NULL));
}

TEST_HARNESS_MAIN
