/*
 * merkle: the global append-only Merkle tree of RFC 6962 §2.1 (DESIGN §5): tree
 * head, audit (inclusion) paths, consistency proofs and their verifiers, with
 * the hash function as a parameter (SM3 in the product, SHA-256 for the RFC
 * 6962 test vectors).
 *
 * Definitions (RFC 6962 §2.1, H the hash, || concatenation):
 *
 *     leaf hash  = H(0x00 || leaf)          the leaf is a record's 32-byte SM3 hash
 *     node hash  = H(0x01 || left || right)
 *     MTH({})    = H("")                    the empty tree
 *     MTH(D[n])  = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of 2 < n
 *
 * Inclusion paths are RFC 6962 PATH (leaf side first), consistency proofs RFC
 * 6962 PROOF; the verifiers are the algorithms of RFC 9162 §2.1.3.2 and
 * §2.1.4.2, which accept exactly those proofs.
 *
 * Three tools:
 *   - struct lg_compact: the "compact range" of a tree being read leaf by leaf
 *     (one hash per set bit of the size, O(log n) memory), giving the root of
 *     every prefix — what `sanxiang verify` needs to recompute each
 *     checkpoint's root from a stream of leaves.
 *   - struct lg_tree: all leaf hashes plus every complete, aligned subtree
 *     hash (level j holds floor(n / 2^j) hashes: about 2n hashes in all,
 *     64 MB for a million leaves). Any subtree hash, for any past size, is
 *     then a lookup or O(log n) hashes, so an inclusion or consistency proof
 *     costs at most ~2 log2 n hashes. Appending costs one hash per leaf
 *     (amortised). The server keeps one in memory, rebuilt from the
 *     ledger_leaves table at start.
 *   - the verifiers, pure functions of their arguments.
 *
 * Purity: no I/O, no clock, no globals. Hashing goes through struct lg_hasher;
 * lg_hasher_sm3 / lg_hasher_sha256 build one on top of crypto.h.
 *
 * Threading: a struct lg_tree may be read (size, leaf, root, proofs) by many
 * threads at once as long as nobody appends meanwhile (the caller's rwlock).
 * A hasher built on a struct lg_sm3 is single-threaded; one built with a NULL
 * context uses one-shot digests and may be shared.
 *
 * Ownership: lg_tree_new / lg_tree_free are a pair. Proof paths are written to
 * caller arrays of LG_MERKLE_PATH_MAX hashes. Everything else is borrowed.
 *
 * Errors: SX_E_INVALID for an index or size out of range (e.g. a proof for a
 * size the tree has not reached); SX_E_TAMPER ("proof-invalid") when a proof
 * does not verify; SX_E_NOMEM; SX_E_CRYPTO from the hash.
 */
#ifndef LG_MERKLE_H
#define LG_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "sx_err.h"

#define LG_HASH_LEN 32 /* SM3 and SHA-256 alike */
/* Longest proof: an inclusion path has at most 63 hashes for 2^63 leaves, a consistency proof
   at most 2 * 63; 128 covers both. */
#define LG_MERKLE_PATH_MAX 128

/* A hash function: out = H(data[0..len)). */
struct lg_hasher {
    int (*digest)(void *ctx, const void *data, size_t len, uint8_t out[LG_HASH_LEN],
                  struct sx_err *err);
    void *ctx;
};

/* SM3 through c (NULL: a one-shot digest per call, safe to share between threads). */
struct lg_hasher lg_hasher_sm3(struct lg_sm3 *c);

/* SHA-256 (the RFC 6962 vectors). Safe to share between threads. */
struct lg_hasher lg_hasher_sha256(void);

/* out = H(0x00 || leaf[0..len)). */
int lg_merkle_leaf_hash(const struct lg_hasher *h, const void *leaf, size_t len,
                        uint8_t out[LG_HASH_LEN], struct sx_err *err) SX_WUR;

/* out = H(0x01 || left || right). */
int lg_merkle_node_hash(const struct lg_hasher *h, const uint8_t left[LG_HASH_LEN],
                        const uint8_t right[LG_HASH_LEN], uint8_t out[LG_HASH_LEN],
                        struct sx_err *err) SX_WUR;

/* ---- compact range (streaming roots) ---- */

/* The roots of the perfect subtrees covering leaves [0, size), largest first. */
struct lg_compact {
    uint64_t size;
    unsigned n;
    uint8_t stack[64][LG_HASH_LEN];
};

/* Start an empty range. Never fails. */
void lg_compact_init(struct lg_compact *c);

/* Add the next leaf's hash (already H(0x00 || leaf)). */
int lg_compact_push(struct lg_compact *c, const struct lg_hasher *h,
                    const uint8_t leaf_hash[LG_HASH_LEN], struct sx_err *err) SX_WUR;

/* Root of the leaves pushed so far (MTH of the empty tree when none). */
int lg_compact_root(const struct lg_compact *c, const struct lg_hasher *h, uint8_t out[LG_HASH_LEN],
                    struct sx_err *err) SX_WUR;

/* ---- in-memory tree with cached subtrees ---- */

struct lg_tree;

/* An empty tree. 0 and *out (free with lg_tree_free), or SX_E_NOMEM. */
int lg_tree_new(struct lg_tree **out, struct sx_err *err) SX_WUR;

/* Free t; NULL is a no-op. */
void lg_tree_free(struct lg_tree *t);

/* Number of leaves. */
uint64_t lg_tree_size(const struct lg_tree *t);

/* The hash of leaf i (i < size), pointing into t: valid until the next append. */
const uint8_t *lg_tree_leaf(const struct lg_tree *t, uint64_t i);

/*
 * Append a leaf hash (already H(0x00 || leaf)), completing the subtrees it
 * closes. On error the tree is unchanged. SX_E_NOMEM, SX_E_CRYPTO.
 */
int lg_tree_append(struct lg_tree *t, const struct lg_hasher *h,
                   const uint8_t leaf_hash[LG_HASH_LEN], struct sx_err *err) SX_WUR;

/* MTH of the first size leaves (size <= lg_tree_size; 0 gives H("")). SX_E_INVALID. */
int lg_tree_root(const struct lg_tree *t, const struct lg_hasher *h, uint64_t size,
                 uint8_t out[LG_HASH_LEN], struct sx_err *err) SX_WUR;

/*
 * Audit path of leaf index in the tree of the first size leaves (index < size
 * <= lg_tree_size), leaf side first, into path (LG_MERKLE_PATH_MAX hashes);
 * *count hashes. SX_E_INVALID when index or size is out of range.
 */
int lg_tree_inclusion(const struct lg_tree *t, const struct lg_hasher *h, uint64_t index,
                      uint64_t size, uint8_t path[][LG_HASH_LEN], size_t *count,
                      struct sx_err *err) SX_WUR;

/*
 * Consistency proof between the trees of the first `first` and `second` leaves
 * (1 <= first <= second <= lg_tree_size; empty when they are equal).
 * SX_E_INVALID when out of range.
 */
int lg_tree_consistency(const struct lg_tree *t, const struct lg_hasher *h, uint64_t first,
                        uint64_t second, uint8_t path[][LG_HASH_LEN], size_t *count,
                        struct sx_err *err) SX_WUR;

/* ---- verifiers (RFC 9162 §2.1.3.2, §2.1.4.2) ---- */

/*
 * path: count hashes of LG_HASH_LEN bytes, back to back.
 * 0 when path proves that leaf_hash is leaf index of the tree of size leaves
 * whose root is root. SX_E_TAMPER ("proof-invalid") otherwise, including
 * index >= size and a path of the wrong length.
 */
int lg_merkle_verify_inclusion(const struct lg_hasher *h, uint64_t index, uint64_t size,
                               const uint8_t leaf_hash[LG_HASH_LEN], const uint8_t *path,
                               size_t count, const uint8_t root[LG_HASH_LEN],
                               struct sx_err *err) SX_WUR;

/*
 * 0 when path proves that the tree of first leaves with root1 is a prefix of
 * the tree of second leaves with root2 (first == second: path empty and equal
 * roots). SX_E_TAMPER ("proof-invalid") otherwise, including first == 0 or
 * first > second.
 */
int lg_merkle_verify_consistency(const struct lg_hasher *h, uint64_t first, uint64_t second,
                                 const uint8_t root1[LG_HASH_LEN], const uint8_t root2[LG_HASH_LEN],
                                 const uint8_t *path, size_t count, struct sx_err *err) SX_WUR;

#endif
