/*
 * http_metrics: per-worker request counters and their Prometheus text
 * exposition (format 0.0.4).
 *
 * Each worker owns its arrays and is their only writer; it updates them with
 * relaxed atomic load+store (no read-modify-write needed with one writer).
 * /metrics, served by any worker, sums all workers with relaxed atomic loads:
 * values may be a few requests stale, never torn, and the hot path takes no
 * lock and shares no cache line with another worker.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

/*
 * Status codes counted individually; anything else lands in "other". 499 is
 * nginx's "client closed request": a deferred request whose client went away
 * before its response.
 */
static const int tracked_status[] = {200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 405,
                                     409, 410, 413, 415, 422, 429, 499, 500, 502, 503, 504};
#define HTTP_NSTATUS (sizeof(tracked_status) / sizeof(tracked_status[0]) + 1)

/* Upper bounds of the duration buckets in microseconds; the last bucket is +Inf. */
static const uint64_t bucket_us[HTTP_NBUCKETS - 1] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
};
static const char *const bucket_le[HTTP_NBUCKETS] = {
    "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
    "0.05",   "0.1",     "0.25",   "0.5",   "1",      "2.5",   "+Inf",
};

static size_t status_slot(int status)
{
    for (size_t i = 0; i < HTTP_NSTATUS - 1; i++) {
        if (tracked_status[i] == status)
            return i;
    }
    return HTTP_NSTATUS - 1;
}

static inline void bump(uint64_t *p, uint64_t by)
{
    __atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + by, __ATOMIC_RELAXED);
}

static inline uint64_t get(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

int http_metrics_init(struct http_metrics *m, size_t nroutes)
{
    memset(m, 0, sizeof(*m));
    m->nslots = nroutes + 1;
    m->count = calloc(m->nslots * HTTP_NSTATUS, sizeof(uint64_t));
    m->bucket = calloc(m->nslots * HTTP_NBUCKETS, sizeof(uint64_t));
    m->sum_us = calloc(m->nslots, sizeof(uint64_t));
    if (m->count == NULL || m->bucket == NULL || m->sum_us == NULL) {
        http_metrics_free(m);
        return SX_E_NOMEM;
    }
    return 0;
}

void http_metrics_free(struct http_metrics *m)
{
    free(m->count);
    free(m->bucket);
    free(m->sum_us);
    m->count = NULL;
    m->bucket = NULL;
    m->sum_us = NULL;
}

void http_metrics_record(struct http_metrics *m, size_t slot, int status, uint64_t us)
{
    size_t b = 0;
    if (slot >= m->nslots)
        slot = m->nslots - 1;
    while (b < HTTP_NBUCKETS - 1 && us > bucket_us[b])
        b++;
    bump(&m->count[slot * HTTP_NSTATUS + status_slot(status)], 1);
    bump(&m->bucket[slot * HTTP_NBUCKETS + b], 1);
    bump(&m->sum_us[slot], us);
}

void http_metrics_inflight(struct http_metrics *m, int delta)
{
    __atomic_store_n(&m->inflight, __atomic_load_n(&m->inflight, __ATOMIC_RELAXED) + delta,
                     __ATOMIC_RELAXED);
}

/* Label value escaping per the exposition format: backslash, quote, newline. */
static int put_label(struct sx_buf *out, const char *s)
{
    int rc = 0;
    for (; rc == 0 && *s != '\0'; s++) {
        if (*s == '\\' || *s == '"')
            rc = sx_buf_putc(out, '\\');
        if (rc == 0)
            rc = *s == '\n' ? sx_buf_puts(out, "\\n") : sx_buf_putc(out, *s);
    }
    return rc;
}

static int put_series(struct sx_buf *out, const char *name, const struct http_route *r)
{
    int rc = sx_buf_printf(out, "%s{method=\"", name);
    if (rc == 0)
        rc = put_label(out, r != NULL ? r->method : "");
    if (rc == 0)
        rc = sx_buf_puts(out, "\",route=\"");
    if (rc == 0)
        rc = put_label(out, r != NULL ? r->pattern : "unmatched");
    if (rc == 0)
        rc = sx_buf_putc(out, '"');
    return rc;
}

int http_metrics_render(struct http_metrics *const *ms, size_t nm, const struct http_route *routes,
                        size_t nroutes, struct sx_buf *out)
{
    size_t nslots = nroutes + 1;
    int64_t inflight = 0;
    int rc;

    rc = sx_buf_puts(out, "# HELP sanxiang_http_requests_total HTTP requests by route pattern "
                          "and status code.\n# TYPE sanxiang_http_requests_total counter\n");
    for (size_t s = 0; rc == 0 && s < nslots; s++) {
        for (size_t k = 0; rc == 0 && k < HTTP_NSTATUS; k++) {
            uint64_t total = 0;
            for (size_t w = 0; w < nm; w++)
                total += get(&ms[w]->count[s * HTTP_NSTATUS + k]);
            if (total == 0)
                continue;
            rc = put_series(out, "sanxiang_http_requests_total", s < nroutes ? &routes[s] : NULL);
            if (rc == 0 && k < HTTP_NSTATUS - 1)
                rc = sx_buf_printf(out, ",status=\"%d\"} %" PRIu64 "\n", tracked_status[k], total);
            else if (rc == 0)
                rc = sx_buf_printf(out, ",status=\"other\"} %" PRIu64 "\n", total);
        }
    }
    if (rc == 0)
        rc = sx_buf_puts(out, "# HELP sanxiang_http_request_duration_seconds Time from routing to "
                              "the response being queued, by route pattern.\n"
                              "# TYPE sanxiang_http_request_duration_seconds histogram\n");
    for (size_t s = 0; rc == 0 && s < nslots; s++) {
        uint64_t b[HTTP_NBUCKETS] = {0};
        uint64_t sum = 0;
        uint64_t cum = 0;
        for (size_t w = 0; w < nm; w++) {
            for (size_t k = 0; k < HTTP_NBUCKETS; k++)
                b[k] += get(&ms[w]->bucket[s * HTTP_NBUCKETS + k]);
            sum += get(&ms[w]->sum_us[s]);
        }
        for (size_t k = 0; k < HTTP_NBUCKETS; k++)
            cum += b[k];
        if (cum == 0)
            continue;
        cum = 0;
        const struct http_route *r = s < nroutes ? &routes[s] : NULL;
        for (size_t k = 0; rc == 0 && k < HTTP_NBUCKETS; k++) {
            cum += b[k];
            rc = put_series(out, "sanxiang_http_request_duration_seconds_bucket", r);
            if (rc == 0)
                rc = sx_buf_printf(out, ",le=\"%s\"} %" PRIu64 "\n", bucket_le[k], cum);
        }
        if (rc == 0)
            rc = put_series(out, "sanxiang_http_request_duration_seconds_sum", r);
        if (rc == 0)
            rc = sx_buf_printf(out, "} %" PRIu64 ".%06" PRIu64 "\n", sum / 1000000, sum % 1000000);
        if (rc == 0)
            rc = put_series(out, "sanxiang_http_request_duration_seconds_count", r);
        if (rc == 0)
            rc = sx_buf_printf(out, "} %" PRIu64 "\n", cum);
    }
    for (size_t w = 0; w < nm; w++)
        inflight += __atomic_load_n(&ms[w]->inflight, __ATOMIC_RELAXED);
    if (rc == 0)
        rc = sx_buf_printf(out,
                           "# HELP sanxiang_http_requests_in_flight Requests being handled or "
                           "whose response is still being sent.\n"
                           "# TYPE sanxiang_http_requests_in_flight gauge\n"
                           "sanxiang_http_requests_in_flight %" PRId64 "\n"
                           "# HELP sanxiang_http_workers Event-loop threads.\n"
                           "# TYPE sanxiang_http_workers gauge\n"
                           "sanxiang_http_workers %zu\n",
                           inflight, nm);
    return rc;
}
