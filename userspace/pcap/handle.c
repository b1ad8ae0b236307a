// SPDX-License-Identifier: BSD-2-Clause
/*
 * The netmap handles of the process, keyed by the pcap_t pointer handed
 * to the program.
 *
 * Every pcap call, netmap or not, looks its handle up here, including
 * pcap_breakloop() from a signal handler, so the lookup takes no lock:
 * keys are read with atomic loads, a slot's value is written before its
 * key is published (release) and its key cleared before the value is
 * freed. Only creation and closing, which a program must not race with
 * other calls on the same handle anyway, take the mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmpcap.h"

#define NMP_MAX_HANDLES 64

static pcap_t *nmp_keys[NMP_MAX_HANDLES];
static struct nmp *nmp_vals[NMP_MAX_HANDLES];
static int nmp_used;		/* slots in use, 0: skip the scan */
static pthread_mutex_t nmp_lock = PTHREAD_MUTEX_INITIALIZER;

/* Names nm_open() takes: netmap:PORT... and valeX:Y... */
int nmp_is_port_name(const char *device)
{
	return device && (strncmp(device, "netmap:", 7) == 0 ||
			  (strncmp(device, "vale", 4) == 0 &&
			   strchr(device, ':')));
}

struct nmp *nmp_lookup(pcap_t *p)
{
	int i;

	if (!p || !__atomic_load_n(&nmp_used, __ATOMIC_ACQUIRE))
		return NULL;
	for (i = 0; i < NMP_MAX_HANDLES; i++)
		if (__atomic_load_n(&nmp_keys[i], __ATOMIC_ACQUIRE) == p)
			return nmp_vals[i];
	return NULL;
}

/* The handle for a not yet activated netmap port, as pcap_create(). */
pcap_t *nmp_new(const char *device, char *errbuf)
{
	struct nmp *h;
	int i;

	h = calloc(1, sizeof(*h));
	if (!h || !(h->device = strdup(device))) {
		free(h);
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", device,
			 strerror(ENOMEM));
		return NULL;
	}
	h->snaplen = 262144;
	h->precision = PCAP_TSTAMP_PRECISION_MICRO;
	h->direction = PCAP_D_INOUT;
	h->promisc_fd = -1;
	h->outer = nmp_real.pcap_open_dead_with_tstamp_precision(DLT_EN10MB,
							h->snaplen, h->precision);
	if (!h->outer) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "%s: libpcap could not allocate a handle", device);
		goto fail;
	}

	pthread_mutex_lock(&nmp_lock);
	for (i = 0; i < NMP_MAX_HANDLES; i++) {
		if (!nmp_keys[i]) {
			nmp_vals[i] = h;
			__atomic_store_n(&nmp_keys[i], h->outer,
					 __ATOMIC_RELEASE);
			__atomic_add_fetch(&nmp_used, 1, __ATOMIC_RELEASE);
			break;
		}
	}
	pthread_mutex_unlock(&nmp_lock);
	if (i == NMP_MAX_HANDLES) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "%s: more than %d netmap handles open in this process",
			 device, NMP_MAX_HANDLES);
		nmp_real.pcap_close(h->outer);
		goto fail;
	}
	return h->outer;

fail:
	free(h->device);
	free(h);
	return NULL;
}

/* Unregister, release the port and free everything (pcap_close()). */
void nmp_free(struct nmp *h)
{
	int i;

	pthread_mutex_lock(&nmp_lock);
	for (i = 0; i < NMP_MAX_HANDLES; i++) {
		if (nmp_keys[i] == h->outer) {
			__atomic_store_n(&nmp_keys[i], NULL, __ATOMIC_RELEASE);
			nmp_vals[i] = NULL;
			__atomic_sub_fetch(&nmp_used, 1, __ATOMIC_RELEASE);
			break;
		}
	}
	pthread_mutex_unlock(&nmp_lock);

	nmp_close_port(h);
	nmp_real.pcap_close(h->outer);
	free(h->device);
	free(h);
}
