/*
 * verify: recompute every case's SM3 hash chain from the stored records and
 * compare it with the stored hashes and each case's head (DESIGN §5). Reads
 * one consistent snapshot; memory stays bounded by the number of cases.
 */
#ifndef APP_VERIFY_H
#define APP_VERIFY_H

#include "app.h"

struct app_verify_stats {
    int64_t cases;
    int64_t records;
    uint64_t bytes_hashed; /* envelope bytes fed to SM3 */
    double seconds;
};

/*
 * 0 when every chain is intact. SX_E_TAMPER with err naming the first case
 * (id and number) and record (id and seq) that does not match; other codes
 * for database failures.
 */
int app_verify_all(struct app_ctx *ctx, struct app_verify_stats *stats, struct sx_err *err) SX_WUR;

/* The same for one case. */
int app_verify_case(struct app_ctx *ctx, int64_t case_id, struct app_verify_stats *stats,
                    struct sx_err *err) SX_WUR;

#endif
