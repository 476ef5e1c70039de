/* eal_tsc.c — the TSC's rate without EAL's tenth of a second asleep.
 *
 * When the CPU does not state its TSC rate (AMD, most VMs), EAL measures
 * it by sleeping 100 ms, on every start: most of the time a small capture
 * takes.  Linked statically, EAL's measurement is replaced (ld --wrap)
 * by the same measurement over 10 ms against CLOCK_MONOTONIC_RAW, which
 * resolves it far below the 10 MHz EAL rounds it to. */
#include <stdint.h>
#include <time.h>
#include <rte_cycles.h>

#define MEASURE_NS 10000000ull
#define ROUND_HZ 10000000ull       /* EAL's rounding: a multiple of 10 MHz */

uint64_t __wrap_get_tsc_freq(void);

static uint64_t ns_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC_RAW, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

uint64_t __wrap_get_tsc_freq(void)
{
	uint64_t t0 = ns_now(), c0 = rte_rdtsc();
	struct timespec nap = { 0, MEASURE_NS };
	nanosleep(&nap, NULL);
	uint64_t t1 = ns_now(), c1 = rte_rdtsc();
	if (t1 <= t0 || c1 <= c0)
		return 0;                   /* EAL falls back to its own estimate */
	double hz = (double)(c1 - c0) * 1e9 / (double)(t1 - t0);
	return (uint64_t)((hz + ROUND_HZ / 2) / ROUND_HZ) * ROUND_HZ;
}
