/* vifd logging. One line per message, prefixed with the level; syslog when
 * asked (a daemon without a terminal). Thread-safe: stdio and syslog lock. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static enum vd_level cur_level = VD_INFO;
static bool to_syslog;

static const char *const names[] = {"error", "warn", "info", "debug"};

int vd_log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]) || (s[0] == '0' + i && s[1] == '\0'))
			return i;
	if (!strcmp(s, "warning"))
		return VD_WARN;
	return -1;
}

void vd_log_init(enum vd_level level, bool use_syslog)
{
	cur_level = level;
	to_syslog = use_syslog;
	if (use_syslog)
		openlog("vifd", LOG_PID, LOG_DAEMON);
}

bool vd_log_enabled(enum vd_level level) { return level <= cur_level; }

void vd_log(enum vd_level level, const char *fmt, ...)
{
	if (level > cur_level)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (to_syslog) {
		static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
		syslog(prio[level], "%s", buf);
	} else {
		fprintf(stderr, "vifd: %s: %s\n", names[level], buf);
	}
}
