/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference the core depends on lives here and only
 * here; this file is force-included by Kbuild so the rest of the code
 * contains no LINUX_VERSION_CODE tests. Supported range: 6.1 .. 6.12.
 */
#ifndef _NM_COMPAT_H
#define _NM_COMPAT_H

#include <linux/version.h>

#endif /* _NM_COMPAT_H */
