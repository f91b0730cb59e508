/*
 * verify: recompute every case's SM3 hash chain from the stored records and
 * compare it with the stored hashes and each case's head (DESIGN §5).
 *
 * The cases are cut into ranges of case ids, which worker threads verify in
 * parallel, each on its own store connection inside its own read snapshot
 * (a case's head and its records are always read in one snapshot, so a
 * writer appending meanwhile cannot produce a false alarm). Within a range
 * cases are checked in id order, and the report names the first bad case
 * of the lowest range that has one: the same case, record and message for
 * any number of threads, as if one thread had walked every case in id
 * order. Memory stays bounded by the number of cases.
 *
 * Ownership: stats and err are the caller's; nothing is allocated for the
 * caller. The extra connections are opened and closed here.
 */
#ifndef APP_VERIFY_H
#define APP_VERIFY_H

#include "app.h"

/* Most threads app_verify_all uses (one per online CPU up to this). */
#define APP_VERIFY_THREADS_MAX 8

struct app_verify_stats {
    int64_t cases;
    int64_t records;
    uint64_t bytes_hashed; /* envelope bytes fed to SM3 */
    double seconds;
    int threads; /* connections that took part, the caller's included */
};

/*
 * 0 when every chain is intact. SX_E_TAMPER with err naming the first case
 * (id and number) and record (id and seq) that does not match; other codes
 * for database failures. Runs one thread per online CPU (at most
 * APP_VERIFY_THREADS_MAX), the calling thread with ctx->db among them; the
 * others open their own connections to the same database (one that cannot
 * be opened just leaves its share to the rest). ctx->db must not be inside
 * a transaction.
 */
int app_verify_all(struct app_ctx *ctx, struct app_verify_stats *stats, struct sx_err *err) SX_WUR;

/*
 * The same with threads threads (0: one per online CPU; clamped to
 * 1..APP_VERIFY_THREADS_MAX). The result never depends on threads.
 */
int app_verify_all_threads(struct app_ctx *ctx, int threads, struct app_verify_stats *stats,
                           struct sx_err *err) SX_WUR;

/* The same for one case, on ctx->db alone. SX_E_NOTFOUND when it does not exist. */
int app_verify_case(struct app_ctx *ctx, int64_t case_id, struct app_verify_stats *stats,
                    struct sx_err *err) SX_WUR;

#endif
