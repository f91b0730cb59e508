/*
 * http_problem: the one place where a struct sx_err becomes an RFC 9457
 * problem object. Pure (writes into an sx_buf), so the unit test checks the
 * exact shape. Every string is made valid UTF-8 first: sx_err fields are
 * truncated with snprintf and may end in half a character, and details may
 * quote client input.
 */
#include <string.h>

#include "http_int.h"

/* Append s as a JSON string, replacing each byte of an invalid UTF-8 sequence with U+FFFD. */
static int put_str(struct sx_buf *out, const char *s)
{
    char tmp[1024];
    size_t n = strlen(s);
    size_t j = 0;
    size_t i = 0;
    while (i < n && j + 4 < sizeof(tmp)) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80             ? 1
                     : (c & 0xe0) == 0xc0 ? 2
                     : (c & 0xf0) == 0xe0 ? 3
                     : (c & 0xf8) == 0xf0 ? 4
                                          : 0;
        if (len > 0 && i + len <= n && http_utf8_valid(s + i, len)) {
            memcpy(tmp + j, s + i, len);
            j += len;
            i += len;
        } else {
            memcpy(tmp + j, "\xef\xbf\xbd", 3);
            j += 3;
            i++;
        }
    }
    tmp[j] = '\0';
    return sx_buf_put_json_str(out, tmp);
}

static int put_member(struct sx_buf *out, const char *name, const char *value)
{
    int rc;
    if (value == NULL || value[0] == '\0')
        return 0;
    rc = sx_buf_printf(out, ",\"%s\":", name);
    if (rc == 0)
        rc = put_str(out, value);
    return rc;
}

int http_problem_render(const struct sx_err *err, const char *instance, const char *request_id,
                        struct sx_buf *out)
{
    size_t start = out->len;
    int status = err->status != 0 ? err->status : sx_code_status(err->code);
    const char *title = err->title[0] != '\0' ? err->title : http_status_title(status);
    int rc;
    if (status < 100 || status > 599)
        status = 500;
    if (err->type[0] != '\0') {
        rc = sx_buf_puts(out, "{\"type\":\"" HTTP_PROBLEM_BASE);
        if (rc == 0) {
            /* the slug is ours, but escape it anyway: it ends up in a URI inside JSON */
            for (const char *p = err->type; rc == 0 && *p != '\0'; p++) {
                char c = *p;
                int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                rc = sx_buf_putc(out, ok ? c : '-');
            }
        }
        if (rc == 0)
            rc = sx_buf_putc(out, '"');
    } else {
        rc = sx_buf_puts(out, "{\"type\":\"about:blank\"");
    }
    if (rc == 0)
        rc = sx_buf_puts(out, ",\"title\":");
    if (rc == 0)
        rc = put_str(out, title);
    if (rc == 0)
        rc = sx_buf_printf(out, ",\"status\":%d", status);
    if (rc == 0)
        rc = put_member(out, "detail", err->detail);
    if (rc == 0)
        rc = put_member(out, "source", err->source);
    if (rc == 0)
        rc = put_member(out, "field", err->field);
    if (rc == 0)
        rc = put_member(out, "instance", instance);
    if (rc == 0)
        rc = put_member(out, "request_id", request_id);
    if (rc == 0)
        rc = sx_buf_putc(out, '}');
    if (rc != 0) {
        out->len = start;
        out->data[out->len] = '\0';
    }
    return rc;
}
