/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c: leveled logging of virtshare-fsd to stderr or syslog */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "log.h"
#include "util.h"

static enum log_level log_threshold = LOG_LVL_INFO;
static bool log_syslog;

static const struct {
	const char *name;
	int syslog_prio;
} log_levels[] = {
	[LOG_LVL_OFF] = { "off", LOG_EMERG },
	[LOG_LVL_ERROR] = { "error", LOG_ERR },
	[LOG_LVL_WARN] = { "warn", LOG_WARNING },
	[LOG_LVL_INFO] = { "info", LOG_INFO },
	[LOG_LVL_DEBUG] = { "debug", LOG_DEBUG },
	[LOG_LVL_TRACE] = { "trace", LOG_DEBUG },
};

int
log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(log_levels); i++)
		if (STREQ(name, log_levels[i].name))
			return (int)i;
	if (STREQ(name, "warning"))
		return LOG_LVL_WARN;
	return -1;
}

void
log_init(enum log_level level, bool use_syslog)
{
	log_threshold = level;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog("virtshare-fsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool
log_enabled(enum log_level level)
{
	return level != LOG_LVL_OFF && level <= log_threshold;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char buf[1024];
	struct timespec ts;
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (log_syslog) {
		syslog(log_levels[level].syslog_prio, "%s", buf);
		return;
	}
	/* One write per line so lines of several threads do not mix. */
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "[%lld.%06ld] [%ld] [%s] %s\n", (long long)ts.tv_sec,
		ts.tv_nsec / 1000, (long)syscall(SYS_gettid),
		log_levels[level].name, buf);
}
