/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference the core depends on lives here and only
 * here; this file is force-included by Kbuild so the rest of the code
 * contains no LINUX_VERSION_CODE tests. Supported range: 6.1 .. 6.12.
 */
#ifndef _NM_COMPAT_H
#define _NM_COMPAT_H

#include <linux/version.h>

/*
 * 6.3 made vma->vm_flags writable only through helpers. A macro, so that
 * this header pulls in nothing (files may still define pr_fmt).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#define vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#endif

/* 6.4 moved the GSO declarations out of netdevice.h. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define NM_GSO_HEADER	<net/gso.h>
#else
#define NM_GSO_HEADER	<net/sock.h>	/* reaches netdevice.h */
#endif

#endif /* _NM_COMPAT_H */
