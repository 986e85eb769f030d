/* Sender CPU hints: which CPU the last packet sent into a device came from.
 *
 * Why: on this class of machine (a 2-vCPU VM) waking a thread on the other
 * CPU costs ~40 µs, on the waker's own CPU ~8 µs, and a SCHED_FIFO thread is
 * always woken on the CPU it last ran on. So the loop thread moves, when
 * traffic is sparse, to the CPU its packets come from (loop.c), and the
 * next wake-up is a local one, as the kernel's softirq would be. */
#ifndef VIFD_CPUHINT_H
#define VIFD_CPUHINT_H

#include <stdint.h>

struct vd_cpuhint;

/* A map and a filter program; NULL (logged at info) without eBPF. */
struct vd_cpuhint *vd_cpuhint_new(void);
/* Install the filter on a TUN/TAP fd. 0 or -errno. */
int vd_cpuhint_attach(struct vd_cpuhint *h, int tunfd);
/* Take the filter off a TUN/TAP fd (a device that outlives vifd). */
void vd_cpuhint_detach(int tunfd);
/* The CPU of the last sender into any attached device (0 before any). */
uint32_t vd_cpuhint_get(const struct vd_cpuhint *h);
void vd_cpuhint_free(struct vd_cpuhint *h);

#endif
