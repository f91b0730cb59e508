/*
 * media: audio-video evidence (音像记录) — resumable uploads by the tus 1.0 protocol into
 * content-addressed storage, the metadata that links a file to a case (a media_attach record in
 * the case's chain), the mandatory-AV gate, and the media list of a case with its storage
 * deadline and time-mismatch warnings (issue 5 point 1; HB-2-12..25, YN-2-12..20, BJ-2.2-3..6,
 * WS-20..24).
 *
 * Files: DIR/partial/<upload id> while an upload is in progress (appended chunk by chunk, each
 * chunk fsync'ed before it is acknowledged); DIR/sm3/ab/<sm3 hex> once complete (renamed
 * atomically; a second upload of the same bytes stores nothing new). Nothing outside partial/
 * ever holds a half file, and the database references a file only after it is in sm3/.
 *
 * Hashing: OpenSSL's SM3 context cannot be serialised, so the state is kept in memory per
 * upload (struct app_media_store, shared by the event loops under a mutex) and re-derived from
 * the partial file when it is missing (after a restart, or evicted): the file is the truth,
 * the in-memory state a cache of SM3 over its first `hashed` bytes.
 *
 * Threading: struct app_media_store is shared by all workers (its table is locked inside);
 * each call takes the caller's app_ctx (one thread's connection).
 *
 * Ownership: app_media_store_open/_close are a pair. Results live in ctx->arena.
 */
#ifndef APP_MEDIA_H
#define APP_MEDIA_H

#include <stdint.h>

#include <jansson.h>

#include "app.h"

/* Largest PATCH body: the HTTP layer's body limit (libh2o buffers a request body whole). */
#define APP_MEDIA_CHUNK_MAX ((size_t)4 << 20)
/* Largest upload (Tus-Max-Size). */
#define APP_MEDIA_MAX_SIZE ((int64_t)64 << 30)
/* Longest file name in Upload-Metadata, in bytes. */
#define APP_MEDIA_NAME_MAX 255
/* The catalogue's record type that links a stored file to a case. */
#define APP_MEDIA_ATTACH_TYPE "media_attach"
/* Sources cited by the media rules. */
#define APP_MEDIA_AV_SOURCE                                                                        \
    "湖北 附件2 第十三条 (HB-2-13); 云南 附件2 第十二条 (YN-2-12); 北京 二(二)3 (BJ-2.2-3)"
#define APP_MEDIA_KEEP_SOURCE "云南 附件2 第二十条 (YN-2-20); 湖北 附件2 第二十五条 (HB-2-25)"

struct app_media_store;

/* Open (creating DIR, DIR/partial and DIR/sm3 if missing). SX_E_IO, SX_E_NOMEM. */
int app_media_store_open(const char *dir, struct app_media_store **out, struct sx_err *err) SX_WUR;
void app_media_store_close(struct app_media_store *ms);
const char *app_media_store_dir(const struct app_media_store *ms);

/* Where the file of sm3 lives: DIR/sm3/ab/<sm3>, in ctx->arena. */
const char *app_media_path(struct app_ctx *ctx, const struct app_media_store *ms, const char *sm3);

/* An upload as the tus HEAD shows it. */
struct app_upload_state {
    const char *id;
    int64_t length;
    int64_t offset;     /* bytes received (== length once stored) */
    const char *state;  /* uploading | stored | rejected */
    const char *sm3;    /* stored: hex SM3 of the bytes */
    const char *detail; /* rejected: why */
    int duplicate;      /* stored: the bytes were already there (nothing new was stored) */
};

/*
 * Create an upload of length bytes (tus POST). metadata is the Upload-Metadata header (may be
 * NULL): comma-separated "key base64(value)"; keys filename (required), filetype or mime,
 * sm3 (declared hash, 64 hex). Errors: SX_E_INVALID for 0 bytes, a bad name (.., /, \, control
 * characters), bad metadata; SX_E_TOOBIG over APP_MEDIA_MAX_SIZE; SX_E_IO.
 */
int app_media_upload_create(struct app_ctx *ctx, struct app_media_store *ms,
                            const struct app_principal *actor, int64_t length, const char *metadata,
                            const char **id, struct sx_err *err) SX_WUR;

/* The upload's state (tus HEAD). Only its uploader sees it: SX_E_NOTFOUND otherwise. */
int app_media_upload_state(struct app_ctx *ctx, struct app_media_store *ms,
                           const struct app_principal *actor, const char *id,
                           struct app_upload_state *out, struct sx_err *err) SX_WUR;

/*
 * Append len bytes at offset (tus PATCH): written, fsync'ed and hashed before it returns; the
 * last chunk completes the upload (declared hash checked, file moved to sm3/, blob recorded).
 * Errors: SX_E_CONFLICT (409) when offset is not the current offset or the upload is finished,
 * status 423 when another PATCH of it is running, SX_E_TOOBIG over APP_MEDIA_CHUNK_MAX,
 * SX_E_INVALID past Upload-Length or a hash that does not match the declared one (the upload
 * is then rejected for good and its bytes removed), SX_E_IO.
 */
int app_media_upload_patch(struct app_ctx *ctx, struct app_media_store *ms,
                           const struct app_principal *actor, const char *id, int64_t offset,
                           const void *data, size_t len, struct app_upload_state *out,
                           struct sx_err *err) SX_WUR;

/*
 * Hooks for app_case_step_tx (cases.c), inside the step's transaction:
 * - app_media_attach_prepare: for a media_attach body, check that the file is stored and the
 *   capture times are ordered, and add what the platform knows (size, stored_at) to body.
 * - app_media_attach_project: write the media_links projection of the appended record.
 * - app_media_av_gate: for a record type with av_required, refuse (SX_E_GATE) unless the body
 *   names media already attached to the case ("media": [sm3...]) or says why there is none
 *   ("av_absent_reason").
 */
int app_media_attach_prepare(struct app_ctx *ctx, int64_t case_id, json_t *body,
                             struct sx_err *err) SX_WUR;
int app_media_attach_project(struct app_ctx *ctx, int64_t case_id, int64_t record_id,
                             const json_t *body, struct sx_err *err) SX_WUR;
int app_media_av_gate(struct app_ctx *ctx, int64_t case_id, const char *type_name_zh,
                      const json_t *body, struct sx_err *err) SX_WUR;

/*
 * The media of a case the actor may see (app_case_view's rule): each with its metadata, the
 * storage deadline (policy key av_storage, from capture end) and warnings where the capture
 * times do not cover the times of the case's transcripts (YN-2-17). A new JSON object.
 */
int app_media_case_list(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                        json_t **out, struct sx_err *err) SX_WUR;

/* Retention of a file no case holds: three months from its storage (HB-2-21). */
#define APP_MEDIA_RETENTION_MONTHS 3
#define APP_MEDIA_RETENTION_SOURCE                                                                 \
    "湖北 附件2 第二十一条 (HB-2-21); 云南 附件2 第十八条 (YN-2-18); 汶上 第二十三条 (WS-23)"

/*
 * A stored file as GET /api/v1/media/{sm3} shows it: size, when stored, how many case records
 * link it, until when it must be kept ("case_file" when a case holds it), deleted or not.
 * A new JSON object. SX_E_NOTFOUND.
 */
int app_media_get(struct app_ctx *ctx, const char *sm3, json_t **out, struct sx_err *err) SX_WUR;

/*
 * Delete a file after its retention ended: a file linked to a case is case evidence, kept with
 * the case file (SX_E_FORBIDDEN "case-evidence-kept"); any other is kept
 * APP_MEDIA_RETENTION_MONTHS from its storage (SX_E_FORBIDDEN "retention-not-ended"). The
 * deletion is recorded (media_deletions, append-only, with who and why) and committed before
 * the file is removed. SX_E_NOTFOUND, SX_E_CONFLICT when deleted already.
 */
int app_media_delete(struct app_ctx *ctx, const struct app_media_store *ms,
                     const struct app_principal *actor, const char *sm3, const char *reason,
                     struct sx_err *err) SX_WUR;

/*
 * Re-hash every stored file (the hook for `verify` and the ledger): calls fn for each blob
 * with its expected SM3 and whether the file's bytes match (missing file: ok = 0). Files
 * deleted after their retention are skipped (their deletion is recorded instead).
 */
int app_media_verify(struct app_ctx *ctx, const char *media_dir,
                     int (*fn)(void *arg, const char *sm3, int64_t size, int ok,
                               struct sx_err *err),
                     void *arg, struct sx_err *err) SX_WUR;

#endif
