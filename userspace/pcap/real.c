// SPDX-License-Identifier: BSD-2-Clause
/*
 * The real libpcap: every function of NMP_REAL_FUNCS resolved once,
 * before main(), so that forwarding never calls dlsym() later (a signal
 * handler may call pcap_breakloop()).
 *
 * The next definition after this library in the lookup order is the one
 * the program would have used without us (RTLD_NEXT). A program that
 * does not link libpcap itself (or loaded it with dlopen(RTLD_LOCAL))
 * gets libpcap.so.0.8 opened here instead.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nmpcap.h"

#define NMP_LIBPCAP "libpcap.so.0.8"

struct nmp_real nmp_real;

static void *nmp_real_sym(void **lib, const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f)
		return f;
	if (!*lib) {
		*lib = dlopen(NMP_LIBPCAP, RTLD_NOW | RTLD_LOCAL);
		if (!*lib) {
			fprintf(stderr,
				"libnetmap-pcap: cannot load the real libpcap: %s\n",
				dlerror());
			_exit(127);
		}
	}
	return dlsym(*lib, name);
}

__attribute__((constructor)) static void nmp_real_init(void)
{
	void *lib = NULL;

#define NMP_REAL_RESOLVE(f) \
	nmp_real.f = (__typeof__(f) *)nmp_real_sym(&lib, #f);
	NMP_REAL_FUNCS(NMP_REAL_RESOLVE)
#undef NMP_REAL_RESOLVE

	/* The ones the library itself cannot do without. */
	if (!nmp_real.pcap_open_dead_with_tstamp_precision ||
	    !nmp_real.pcap_close || !nmp_real.pcap_offline_filter ||
	    !nmp_real.pcap_compile || !nmp_real.pcap_geterr) {
		fprintf(stderr,
			"libnetmap-pcap: the real libpcap lacks pcap_open_dead_with_tstamp_precision or another basic function (libpcap >= 1.5 needed)\n");
		_exit(127);
	}
}
