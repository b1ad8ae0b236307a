/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the two translation units of nm_user_test. */
#ifndef NM_USER_TEST_H
#define NM_USER_TEST_H

unsigned int tu2_ring_space(const struct netmap_ring *ring);

#endif
