/*
 * bundle (app): case-file bundles (电子卷宗, DESIGN §5; issue 5 point 5) —
 * gather a case, its records, their inclusion proofs, a covering signed
 * checkpoint and the instance's public key from the store, write them as one
 * tar archive (libarchive), read such an archive back for the offline
 * verifier (ledger/bundle.h), and archive a case: the workflow's `archive`
 * step records the SM3 of the bundle it produced (汶上 第二十三条 (WS-23)).
 *
 * Determinism: the same case state gives the same bytes. The checkpoint used
 * is the first (smallest) one covering every record of the case, files are in
 * path order, tar headers carry that checkpoint's time, mode 0644, uid/gid 0
 * and no user names; nothing depends on the clock or on the export.
 *
 * Stored bundles: an archived case's bundle is kept content-addressed as
 * <dir>/<sm3>.tar, dir = app_bundle_dir (bundles/ beside the SQLite file, or
 * var/bundles for PostgreSQL), written once (tmp, fsync, rename).
 *
 * Documents and media: records of type document_issued / media_attach name a
 * file by its SM3 (body field "sm3", size "size"). Their bytes are looked up by
 * app_bundle_document_bytes (the stored PDF, checked against its SM3: included)
 * and app_bundle_media_bytes (always "not available": media are listed
 * hash-only, "included": false — recordings may be gigabytes and a bundle is
 * built in memory; decisions.md).
 *
 * Ownership: output buffers are the caller's; files read from an archive live
 * in the given arena. Everything else borrowed.
 *
 * Errors: SX_E_NOTFOUND (no such case, "case-not-exportable" for a case with
 * no records, no checkpoint and no key to make one), SX_E_INVALID
 * ("bundle-unreadable": not a tar, truncated, a bad path), SX_E_CONFLICT (the
 * case moved on while archiving, retried then given up), SX_E_DB, SX_E_IO,
 * SX_E_CRYPTO, SX_E_NOMEM; workflow errors from the archive step.
 */
#ifndef APP_BUNDLE_H
#define APP_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "app/cases.h"
#include "ledger/bundle.h"
#include "ledger/crypto.h"
#include "sx_buf.h"

/* Largest bundle read or written (bytes). */
#define APP_BUNDLE_MAX (2048ull * 1024 * 1024)

struct app_ledger;
struct lg_sm2_key;

/* What was exported. */
struct app_bundle_info {
    int64_t case_id;
    char number[128];
    int64_t record_count;
    char head_hash[LG_SM3_HEX_LEN + 1];
    int64_t tree_size;            /* the checkpoint's */
    char sm3[LG_SM3_HEX_LEN + 1]; /* of the archive bytes */
    size_t size;
    int64_t documents, media, hash_only;
};

/*
 * The case named by arg: a case number (e.g. 昆医保罚〔2026〕1号) or a decimal
 * id. SX_E_NOTFOUND when none.
 */
int app_bundle_find_case(struct app_ctx *ctx, const char *arg, int64_t *id,
                         struct sx_err *err) SX_WUR;

/*
 * Call fn(arg, number) for each exportable case (numbered, with records), in
 * id order, all orgs (an operator's tool). fn's non-zero return stops.
 */
int app_bundle_list(struct app_ctx *ctx, int (*fn)(void *arg, const char *number), void *arg,
                    struct sx_err *err) SX_WUR;

/*
 * Build the bundle of case_id into out (appended). lg: the server's ledger
 * (proofs from its tree, an on-demand checkpoint from it); NULL for the CLI,
 * which computes proofs from the leaf table and makes a checkpoint with key
 * when none covers the case (key NULL: SX_E_NOTFOUND "no-checkpoint"). The
 * public key bundled is lg's, or key's; the checkpoint must be signed by it.
 * info filled.
 */
int app_bundle_build(struct app_ctx *ctx, struct app_ledger *lg, const struct lg_sm2_key *key,
                     int64_t case_id, struct sx_buf *out, struct app_bundle_info *info,
                     struct sx_err *err) SX_WUR;

/*
 * Read a tar archive into files (*files, *n in arena; data copied). Refuses
 * (SX_E_INVALID "bundle-unreadable") an archive libarchive cannot read to the
 * end (truncated, corrupt headers), entries that are not regular files, paths
 * absolute or with "..", control characters or over 255 bytes, duplicates.
 */
int app_bundle_read(const void *data, size_t len, struct sx_arena *arena,
                    struct lg_bundle_file **files, size_t *n, struct sx_err *err) SX_WUR;

/* Where stored bundles go for db_url (see above), into out (cap bytes). */
void app_bundle_dir(const char *db_url, char *out, size_t cap);

/*
 * Archive case_id: build its bundle, store it under dir, and take the
 * workflow's `archive` step with step->body plus "bundle_sm3", "bundle_size"
 * and "bundle_records" in one write transaction that first checks the case
 * head is still the one bundled (else rebuild, at most 3 times, then
 * SX_E_CONFLICT). step->action must be "archive".
 */
int app_bundle_archive(struct app_ctx *ctx, struct app_ledger *lg, const struct lg_sm2_key *key,
                       const char *dir, const struct app_principal *actor, int64_t case_id,
                       const struct app_step *step, struct app_step_result *out,
                       struct app_bundle_info *info, struct sx_err *err) SX_WUR;

/*
 * The bytes of a document / media item by SM3 (hex), appended to out. A
 * document's PDF comes from app_document_blob (SX_E_TAMPER if it no longer
 * hashes to sm3); media answer SX_E_NOTFOUND ("bytes-not-available") by design,
 * so the bundle lists them by hash only.
 */
int app_bundle_document_bytes(struct app_ctx *ctx, const char *sm3, struct sx_buf *out,
                              struct sx_err *err) SX_WUR;
int app_bundle_media_bytes(struct app_ctx *ctx, const char *sm3, struct sx_buf *out,
                           struct sx_err *err) SX_WUR;

#endif
