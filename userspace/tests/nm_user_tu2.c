// SPDX-License-Identifier: GPL-2.0
/*
 * Second translation unit of nm_user_test: includes the headers with the
 * library part as well, uses only one helper. Linking it with the first
 * unit proves the header defines no external symbols, and -Werror proves
 * the unused static functions cause no warning.
 */
#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

#include "nm_user_test.h"

unsigned int tu2_ring_space(const struct netmap_ring *ring)
{
	return nm_ring_space(ring);
}
