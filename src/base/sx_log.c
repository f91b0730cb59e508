/* sx_log: leveled one-line logger. The level is set once at start-up. */
#include "sx_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum sx_log_level min_level = SX_LOG_INFO;

void sx_log_set_level(enum sx_log_level min)
{
    min_level = min;
}

void sx_log(enum sx_log_level level, const char *module, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    char line[1024];
    char stamp[32];
    struct tm tm;
    time_t now;
    va_list ap;
    if (level < min_level)
        return;
    now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s %s %s: %s\n", stamp, names[level], module, line);
}
