/* Real and virtual clocks behind one interface. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "vn_clock.h"

struct vn_clock {
	bool virt;
	vn_time_t now;          /* virtual clocks only */
};

static struct vn_clock real_clock = { .virt = false, .now = 0 };

struct vn_clock *vn_clock_real(void)
{
	return &real_clock;
}

struct vn_clock *vn_clock_virtual_new(vn_time_t start)
{
	struct vn_clock *c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	c->virt = true;
	c->now = start;
	return c;
}

void vn_clock_free(struct vn_clock *c)
{
	if (c && c->virt)
		free(c);
}

vn_time_t vn_clock_now(const struct vn_clock *c)
{
	if (c->virt)
		return c->now;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (vn_time_t)ts.tv_sec * VN_NSEC_PER_SEC + (vn_time_t)ts.tv_nsec;
}

bool vn_clock_is_virtual(const struct vn_clock *c)
{
	return c->virt;
}

int vn_clock_advance(struct vn_clock *c, vn_time_t t)
{
	if (!c->virt || t < c->now)
		return -EINVAL;
	c->now = t;
	return 0;
}
