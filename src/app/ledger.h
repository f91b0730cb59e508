/*
 * ledger (app): the global Merkle log of every record hash (DESIGN §5) as the
 * server and the CLI run it — the sequencer that gives records leaf indexes,
 * the in-memory tree that answers proofs, signed checkpoints, the instance's
 * SM2 key, and `sanxiang verify`'s check of all of it.
 *
 * Sequencing. Appending a record does not touch the ledger (no global lock
 * in the record transaction: on PostgreSQL the group-commit writer runs one
 * transaction per shard of cases in parallel). Afterwards a sequencer pass
 * (app_ledger_sync: the server's ledger thread every second, on demand, and
 * `sanxiang ledger sync`) takes, in one transaction holding the ledger lock,
 * the records that have no leaf yet in id order — an anti-join, so a record
 * whose transaction committed after a higher id's is not skipped — and
 * appends them to the append-only ledger_leaves table as leaves next_index,
 * next_index + 1, ... To keep the anti-join cheap on a large table, it only
 * looks at ids above a watermark W: an id can still appear below the highest
 * visible id M only while the transaction that inserted it is running, so
 * once a pass's snapshot xmin has passed the xmax of a snapshot taken at
 * least a second after the one that saw M, every id <= M was visible to that
 * pass and has its leaf, and W may move to M for the next pass (PostgreSQL;
 * on SQLite writers are serialised and xmin/xmax are 0, so W trails by a
 * second). A fresh process starts at W = 0.
 *
 * Memory. The server keeps every leaf hash plus the hashes of all complete
 * subtrees (struct lg_tree, ~64 bytes per leaf: 64 MB per million records),
 * rebuilt from ledger_leaves at start (about a second per million), so an
 * inclusion or consistency proof is ~2·log2(n) lookups and hashes under a
 * read lock. Proofs are computed in memory; leaf indexes of records come
 * from the table's unique index on record_id.
 *
 * Checkpoints. A checkpoint signs (tree_size, root, made_at) with the
 * instance's SM2 key (ledger/checkpoint.h), appended to ledger_checkpoints;
 * the ledger thread makes one every checkpoint interval when the tree grew,
 * app_ledger_checkpoint on demand (idempotent: no new one when the latest
 * already covers every leaf).
 *
 * Key. A PEM file (PKCS#8 SM2 private key, mode 0600), by default
 * ledger-key.pem in the SQLite database's directory, or var/ledger-key.pem
 * for PostgreSQL (nodes of one PostgreSQL installation share one file);
 * `--key` names another. `init` creates it if missing, and so does the server
 * at start. verify accepts the private key file or a public key PEM.
 *
 * Threading: struct app_ledger is shared by the HTTP loops (proofs, under a
 * read lock) and its own thread (sync, under the write lock only while it
 * appends to the tree). Sequencer passes and checkpoints are serialised by
 * a mutex and run on the ledger's own connection.
 *
 * Ownership: app_ledger_open / app_ledger_close are a pair; results go to the
 * caller's arena (ctx->arena) or buffers.
 *
 * Errors: SX_E_DB, SX_E_IO (key file), SX_E_CRYPTO, SX_E_NOMEM; SX_E_NOTFOUND
 * for a record or size the ledger does not have yet; SX_E_INVALID for a size
 * out of range; SX_E_TAMPER from verify, naming the leaf or checkpoint.
 */
#ifndef APP_LEDGER_H
#define APP_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "ledger/merkle.h"
#include "sx_buf.h"

#define APP_LEDGER_SYNC_MS 1000
#define APP_LEDGER_CHECKPOINT_S 60
#define APP_LEDGER_KEY_FILE "ledger-key.pem"

struct app_ledger;
struct lg_sm2_key;

/*
 * The key path: given if non-NULL, else ledger-key.pem beside the SQLite file
 * db_url, else (PostgreSQL) var/ledger-key.pem. Written into out (cap bytes).
 */
void app_ledger_key_path(const char *db_url, const char *given, char *out, size_t cap);

/*
 * Load the key at path; when the file does not exist and create is set,
 * generate one and save it (mode 0600). *created (may be NULL) says which.
 * SX_E_IO when missing and !create, SX_E_INVALID when not an SM2 PEM.
 */
int app_ledger_key_load(const char *path, int create, struct lg_sm2_key **out, int *created,
                        struct sx_err *err) SX_WUR;

/* Result of one sequencer pass. */
struct app_ledger_sync_stats {
    int64_t added;     /* leaves appended by this pass */
    int64_t tree_size; /* leaves in the table after it */
};

/*
 * One sequencer pass on ctx->db without a server (the CLI): every record with
 * no leaf gets one. Runs its own transaction (ctx->db must not be in one).
 */
int app_ledger_sync_db(struct app_ctx *ctx, struct app_ledger_sync_stats *stats,
                       struct sx_err *err) SX_WUR;

/*
 * Sync, then sign a checkpoint of the whole tree with key at now (ISO UTC) if
 * the latest checkpoint does not already cover every leaf; *out gets the
 * latest checkpoint either way (strings in ctx->arena), *made whether it is
 * new. SX_E_NOTFOUND ("ledger-empty") when there are no leaves at all. For the
 * CLI: the tree's root is computed from the table.
 */
struct st_ledger_checkpoint;
int app_ledger_checkpoint_db(struct app_ctx *ctx, const struct lg_sm2_key *key, const char *now,
                             struct st_ledger_checkpoint *out, int *made,
                             struct sx_err *err) SX_WUR;

/* ---- the server's ledger ---- */

/*
 * Open the server's ledger: its own connection to db_url, the key at key_path
 * (created if missing), and the tree rebuilt from ledger_leaves. Then start
 * its thread: a sync every sync_ms, a checkpoint every checkpoint_s seconds
 * when the tree grew (0: the defaults above). *out freed by app_ledger_close.
 */
int app_ledger_open(const struct app *app, const char *db_url, const char *key_path,
                    unsigned sync_ms, unsigned checkpoint_s, struct app_ledger **out,
                    struct sx_err *err) SX_WUR;

/* Stop the thread, close the connection, free everything. NULL is a no-op. */
void app_ledger_close(struct app_ledger *lg);

/* Leaves in the in-memory tree. */
uint64_t app_ledger_size(struct app_ledger *lg);

/* A sequencer pass now (on the ledger's connection). */
int app_ledger_sync(struct app_ledger *lg, struct app_ledger_sync_stats *stats,
                    struct sx_err *err) SX_WUR;

/* Sync, then checkpoint as app_ledger_checkpoint_db; *out in arena. */
int app_ledger_checkpoint(struct app_ledger *lg, struct sx_arena *arena,
                          struct st_ledger_checkpoint *out, int *made, struct sx_err *err) SX_WUR;

/* The public key as PEM (borrowed from lg) and its key_id. */
const char *app_ledger_public_pem(const struct app_ledger *lg);
const char *app_ledger_key_id(const struct app_ledger *lg);

/* An inclusion proof as the API returns it. */
struct app_ledger_inclusion {
    int64_t record_id;
    int64_t leaf_index;
    int64_t tree_size;
    char record_hash[LG_SM3_HEX_LEN + 1];
    char leaf_hash[LG_SM3_HEX_LEN + 1];
    char root[LG_SM3_HEX_LEN + 1];
    size_t count;
    char (*path)[LG_SM3_HEX_LEN + 1]; /* count hashes, leaf side first, in arena */
};

/*
 * Proof that record_id's hash is in the tree of size leaves (0: the latest
 * checkpoint's size). Uses ctx->db for the record and its leaf index.
 * SX_E_NOTFOUND: no such record, no leaf yet ("ledger-leaf-missing"), or (size
 * 0) no checkpoint covering it yet ("record-not-checkpointed");
 * SX_E_INVALID: size out of range.
 */
int app_ledger_inclusion(struct app_ledger *lg, struct app_ctx *ctx, int64_t record_id,
                         int64_t size, struct app_ledger_inclusion *out, struct sx_err *err) SX_WUR;

struct app_ledger_consistency {
    int64_t first, second;
    char root1[LG_SM3_HEX_LEN + 1];
    char root2[LG_SM3_HEX_LEN + 1];
    size_t count;
    char (*path)[LG_SM3_HEX_LEN + 1];
};

/* Consistency proof between sizes first and second (1 <= first <= second <= size). */
int app_ledger_consistency(struct app_ledger *lg, struct sx_arena *arena, int64_t first,
                           int64_t second, struct app_ledger_consistency *out,
                           struct sx_err *err) SX_WUR;

/* ---- verify ---- */

struct app_ledger_verify_stats {
    int64_t leaves;
    int64_t checkpoints;
    int64_t unsequenced; /* records not yet given a leaf (normal right after appends) */
};

/*
 * Check the whole ledger on ctx->db in one read snapshot: leaf indexes run
 * 0, 1, 2, ... without a gap; every leaf equals SM3(0x00 || its record's
 * hash); the root recomputed from the leaves equals every checkpoint's root;
 * every checkpoint's signature verifies with the key at key_path (needed only
 * when there are checkpoints) and names that key; no checkpoint is larger than
 * the tree. SX_E_TAMPER naming the first leaf or checkpoint that fails.
 * (Media file hashes join this check with the media feature: see the hook in
 * ledger.c.)
 */
int app_ledger_verify(struct app_ctx *ctx, const char *key_path,
                      struct app_ledger_verify_stats *stats, struct sx_err *err) SX_WUR;

#endif
