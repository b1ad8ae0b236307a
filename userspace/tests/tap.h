/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP output for the host unit tests (header-only, included once per
 * program): ok() prints one numbered result, tap_done() the plan and a
 * summary, and returns the exit status for main().
 */
#ifndef NM_TAP_H
#define NM_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_tests, tap_failures;

static void ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_tests++;
	if (!cond)
		tap_failures++;
	printf("%sok %d - ", cond ? "" : "not ", tap_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_tests);
	printf("# %d passed, %d failed\n", tap_tests - tap_failures,
	       tap_failures);
	return tap_failures ? 1 : 0;
}

#endif /* NM_TAP_H */
