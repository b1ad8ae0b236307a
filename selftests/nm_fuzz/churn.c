// SPDX-License-Identifier: GPL-2.0
/*
 * nm_fuzz: the churn process. Links down and up, MTU changes, veths
 * deleted and recreated with new queue counts, moved between namespaces,
 * a namespace deleted with one inside, rmmod (and the module loaded again).
 */
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

void veth_add(unsigned int i, struct rng *r)
{
	unsigned int q = 1 + rn(r, 4);

	nmt_sh("ip -n %s link add fzv%u numtxqueues %u numrxqueues %u type veth "
	       "peer name fzp%u numtxqueues %u numrxqueues %u && "
	       "ip -n %s link set fzv%u up && ip -n %s link set fzp%u up",
	       ns_a, i, q, 1 + rn(r, 4), i, 1 + rn(r, 4), 1 + rn(r, 4),
	       ns_a, i, ns_a, i);
}

int module_load(void)
{
	const char *ko = getenv("NETMAP_KO"), *args = getenv("NETMAP_MODARGS");

	if (!access("/sys/module/netmap", F_OK))
		return 0;
	if (ko && *ko)
		return nmt_sh("insmod %s %s", ko, args ? args : "");
	return nmt_sh("modprobe netmap %s", args ? args : "");
}

void churn(uint64_t seed)
{
	struct rng r = { mix(seed, 0xc4u) };

	while (nmt_now_ms() < g_deadline_ms) {
		unsigned int i = rn(&r, NVETH);

		atomic_fetch_add(&st->churn, 1);
		switch (rn(&r, 10)) {
		case 0:
		case 1:
			nmt_sh("ip -n %s link set fz%c%u down; ip -n %s link set fz%c%u up",
			       ns_a, "vp"[rn(&r, 2)], i, ns_a, "vp"[rn(&r, 2)], i);
			break;
		case 2:
			nmt_sh("ip -n %s link set fzv%u mtu %u", ns_a, i,
			       chance(&r, 70) ? 1500 : 1000 + rn(&r, 9000));
			break;
		case 3:
			nmt_sh("ip -n %s link del fzv%u", ns_a, i);
			veth_add(i, &r);
			break;
		case 4:
			/* away and back: bound adapters see it vanish */
			nmt_sh("ip -n %s link set fzv%u netns %s", ns_a, i, ns_b);
			nmt_msleep(rn(&r, 200));
			nmt_sh("ip -n %s link set fzv%u netns %s && ip -n %s link set fzv%u up",
			       ns_b, i, ns_a, ns_a, i);
			break;
		case 5:
			/* a namespace deleted with a veth inside */
			nmt_sh("ip netns add %s && ip -n %s link set fzp%u netns %s",
			       ns_c, ns_a, i, ns_c);
			nmt_msleep(rn(&r, 200));
			nmt_sh("ip netns del %s", ns_c);
			nmt_msleep(100);
			nmt_sh("ip -n %s link del fzv%u", ns_a, i);
			veth_add(i, &r);
			break;
		case 6:
			if (!nmt_sh("rmmod netmap"))
				module_load();
			break;
		default:
			nmt_msleep(50 + rn(&r, 200));
			break;
		}
	}
	_exit(0);
}
