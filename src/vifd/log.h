/* vifd logging: levels, to stderr (default) or syslog. */
#ifndef VIFD_LOG_H
#define VIFD_LOG_H

#include <stdbool.h>

enum vd_level { VD_ERR = 0, VD_WARN, VD_INFO, VD_DEBUG };

/* "error", "warn", "info", "debug" (or 0-3); -1 if unknown. */
int vd_log_level_parse(const char *s);
void vd_log_init(enum vd_level level, bool use_syslog);
bool vd_log_enabled(enum vd_level level);
void vd_log(enum vd_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define vd_err(...) vd_log(VD_ERR, __VA_ARGS__)
#define vd_warn(...) vd_log(VD_WARN, __VA_ARGS__)
#define vd_info(...) vd_log(VD_INFO, __VA_ARGS__)
#define vd_debug(...) do { if (vd_log_enabled(VD_DEBUG)) vd_log(VD_DEBUG, __VA_ARGS__); } while (0)

#endif
