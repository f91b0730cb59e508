/*
 * sx_log: one line per event to stderr: time, level, module, message.
 * Log record ids, never names or ID numbers.
 */
#ifndef SX_LOG_H
#define SX_LOG_H

enum sx_log_level { SX_LOG_DEBUG, SX_LOG_INFO, SX_LOG_WARN, SX_LOG_ERROR };

void sx_log_set_level(enum sx_log_level min);
void sx_log(enum sx_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
