/* vn_timer — a queue of one-shot timers ordered by expiry (a binary heap).
 *
 * Timers are intrusive (embed a struct vn_timer) so arming allocates nothing
 * once the heap has room. Equal expiry times fire in arming order, which keeps
 * replays deterministic. The owner sleeps until vn_timerq_next() — one OS timer
 * for any number of vn_timers. Single-threaded. */
#ifndef VN_TIMER_H
#define VN_TIMER_H

#include <stddef.h>
#include <stdint.h>

#include "vn_clock.h"

struct vn_timer;
typedef void (*vn_timer_fn)(struct vn_timer *t, vn_time_t now);

struct vn_timer {
	vn_time_t when;
	uint64_t seq;        /* tie-break: arming order */
	uint32_t slot;       /* heap index + 1; 0 while not armed */
	vn_timer_fn fn;
};

struct vn_timerq;

struct vn_timerq *vn_timerq_new(void);
void vn_timerq_free(struct vn_timerq *q);

static inline void vn_timer_init(struct vn_timer *t, vn_timer_fn fn)
{
	t->when = VN_TIME_NEVER;
	t->seq = 0;
	t->slot = 0;
	t->fn = fn;
}
static inline int vn_timer_armed(const struct vn_timer *t) { return t->slot != 0; }

/* (Re)arm t to fire at when. Returns 0, or -ENOMEM if the heap cannot grow. */
int vn_timerq_arm(struct vn_timerq *q, struct vn_timer *t, vn_time_t when);
void vn_timerq_cancel(struct vn_timerq *q, struct vn_timer *t);
/* Earliest expiry, or VN_TIME_NEVER. */
vn_time_t vn_timerq_next(const struct vn_timerq *q);
/* Fire every timer with when <= now, earliest first. Returns how many fired. */
unsigned vn_timerq_run(struct vn_timerq *q, vn_time_t now);
size_t vn_timerq_size(const struct vn_timerq *q);

#endif
