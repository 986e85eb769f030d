/* vn_clock — one interface over a real monotonic clock and a virtual clock.
 *
 * Times are nanoseconds (vn_time_t). The scheduler and everything above it read
 * time only through a vn_clock, so the same code runs live (real clock) and in
 * replay (virtual clock, advanced by the replay driver). */
#ifndef VN_CLOCK_H
#define VN_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t vn_time_t;              /* nanoseconds */
#define VN_TIME_NEVER UINT64_MAX
#define VN_NSEC_PER_SEC 1000000000ull

struct vn_clock;

/* The real clock (CLOCK_MONOTONIC). Shared, never freed. */
struct vn_clock *vn_clock_real(void);
/* A virtual clock starting at start; free with vn_clock_free. NULL on ENOMEM. */
struct vn_clock *vn_clock_virtual_new(vn_time_t start);
void vn_clock_free(struct vn_clock *c);    /* no-op for the real clock */

vn_time_t vn_clock_now(const struct vn_clock *c);
bool vn_clock_is_virtual(const struct vn_clock *c);
/* Move a virtual clock forward to t (never backward). -EINVAL on a real clock
 * or if t is earlier than now. */
int vn_clock_advance(struct vn_clock *c, vn_time_t t);

#endif
