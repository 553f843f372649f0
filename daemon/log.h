/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.h: leveled logging of virtshare-fsd to stderr or syslog */
#ifndef FSD_LOG_H
#define FSD_LOG_H

#include <stdbool.h>

/* Ordered: a message is printed when its level <= the configured level. */
enum log_level {
	LOG_LVL_OFF,
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_TRACE,
};

/* Parse "off|error|warn|info|debug|trace"; -1 if unknown. */
int log_level_parse(const char *name);

/* Select the threshold and the sink (syslog when use_syslog). */
void log_init(enum log_level level, bool use_syslog);
bool log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)                                    \
	do {                                              \
		if (log_enabled(LOG_LVL_DEBUG))           \
			log_msg(LOG_LVL_DEBUG, __VA_ARGS__); \
	} while (0)
#define log_trace(...)                                    \
	do {                                              \
		if (log_enabled(LOG_LVL_TRACE))           \
			log_msg(LOG_LVL_TRACE, __VA_ARGS__); \
	} while (0)

/*
 * A warning the guest can trigger at will: printed for the first few
 * occurrences of each call site, then suppressed, so a hostile guest
 * cannot flood the host's logs. `count` is a static counter at the site.
 */
#define LOG_GUEST_BURST 10
#define log_guest(...)                                                    \
	do {                                                              \
		static unsigned log_guest_n_;                             \
		unsigned log_guest_c_ = __atomic_add_fetch(               \
		    &log_guest_n_, 1, __ATOMIC_RELAXED);                  \
		if (log_guest_c_ <= LOG_GUEST_BURST)                      \
			log_msg(LOG_LVL_WARN, __VA_ARGS__);               \
		else if (log_guest_c_ == LOG_GUEST_BURST + 1)             \
			log_msg(LOG_LVL_WARN, "(further messages like the " \
					      "last one are suppressed)");  \
	} while (0)

#endif
