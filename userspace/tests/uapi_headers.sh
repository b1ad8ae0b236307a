#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The uapi header must be usable from every language mode an application
# may use: C89 -pedantic, C99/C11 with -Wall -Wextra -Werror, C++ and
# together with the libc headers that define the same concepts
# (<net/if.h> for IFNAMSIZ, <sys/time.h> for struct timeval).
# A host test (make -C userspace test, make check); SKIPs (exit 4)
# without a C compiler.
#
# Environment: CC (default gcc), CXX (default g++), NETMAP_UAPI_DIR
# (default: include/uapi of this tree).

here=$(cd "$(dirname "$0")" && pwd)
uapi=${NETMAP_UAPI_DIR:-$here/../../include/uapi}
CC=${CC:-gcc}
CXX=${CXX:-g++}

echo "TAP version 13"
if ! command -v "$CC" >/dev/null 2>&1 || [ ! -f "$uapi/linux/netmap.h" ]; then
	echo "1..0 # SKIP no compiler ($CC) or no header in $uapi"
	exit 4
fi

. "$here/compile_check.sh"
inc="-I$uapi"

plain='#include <linux/netmap.h>
struct netmap_ring *r;
struct netmap_if *nifp;
struct nmreq_header h;
struct nmreq req;
int x = NIOCCTRL != 0 && NETMAP_API == 14;'

# Everything an application touches through ring and slot pointers.
use='#include <linux/netmap.h>
unsigned long use(struct netmap_if *nifp, unsigned int i)
{
	struct netmap_ring *r = (struct netmap_ring *)
		((char *)nifp + nifp->ring_ofs[i]);
	struct netmap_slot *s = &r->slot[r->cur];
	char *buf = (char *)r + r->buf_ofs +
		    (unsigned long)s->buf_idx * r->nr_buf_size;

	r->head = r->cur = r->cur + 1 == r->num_slots ? 0 : r->cur + 1;
	return (unsigned long)buf[0] + (unsigned long)r->ts.tv_sec +
	       (unsigned long)r->ts.tv_usec + r->tail;
}'

libc_first='#include <sys/time.h>
#include <net/if.h>
#include <linux/netmap.h>
#include <linux/netmap.h>
char name[IFNAMSIZ == NM_IFNAMSIZ ? 1 : -1];'

override='#include <sys/time.h>
#define NETMAP_RING_TIMEVAL struct timeval
#include <linux/netmap.h>
void stamp(const struct netmap_ring *r, struct timeval *tv)
{
	*tv = r->ts;
}'

echo "1..9"
check "c89 -pedantic" "$plain" "$CC" -std=c89 -pedantic -Wall -Wextra -Werror
check "c89 -pedantic ring access" "$use" "$CC" -std=c89 -pedantic -Wall -Wextra -Werror
check "c99 -pedantic" "$plain" "$CC" -std=c99 -pedantic -Wall -Wextra -Werror
check "c11 ring access" "$use" "$CC" -std=c11 -pedantic -Wall -Wextra -Werror
check "gnu11 after libc headers, twice" "$libc_first" "$CC" -std=gnu11 -Wall -Wextra -Werror
check "struct timeval override" "$override" "$CC" -std=gnu11 -Wall -Wextra -Werror
check "c++98" "$plain" "$CXX" -std=c++98 -Wall -Wextra -Werror
check "c++11 ring access" "$use" "$CXX" -std=c++11 -Wall -Wextra -Werror
check "c++11 timeval override" "$override" "$CXX" -std=c++11 -Wall -Wextra -Werror -pedantic

echo "# $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
