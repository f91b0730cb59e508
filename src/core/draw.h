/*
 * draw: the 双随机 (double random) draw — pick k inspection targets from a published pool and
 * m inspectors for each — with a generator anyone can re-run (BJ-2.1-3, YN-1-07, YN-1-08).
 *
 * The generator, specified so that an outsider can reimplement it (docs/decisions.md):
 *   seed     = SM3("sanxiang-draw-v1" LF pool_hash LF public_value LF k LF m), where pool_hash
 *              is the hex SM3 of the published pool's canonical JSON, public_value a hex value
 *              fixed before the draw (the newest record chain head), k and m in decimal;
 *   block_i  = SM3(seed || uint32_be(i)) for i = 0, 1, 2, ...; the stream is the 4-byte
 *              big-endian words of block_0, block_1, ... in order (8 words a block);
 *   below(n) = take words u until u < 2^32 - (2^32 mod n), answer u mod n (rejection
 *              sampling: no modulo bias);
 *   targets  = partial Fisher-Yates over the indices 0..N-1: for i = 0..k-1,
 *              j = i + below(N - i), swap(a[i], a[j]); a[0..k) in that order;
 *   then for each drawn target in order: the inspectors not recused from it (pool order),
 *              partial Fisher-Yates of m of them on the same stream.
 * Same inputs, same result, on any machine.
 *
 * Pure: the SM3 function is passed in (core has no crypto library), no clock, no globals.
 *
 * Ownership: results live in the caller's arena; inputs are borrowed for the call.
 */
#ifndef CORE_DRAW_H
#define CORE_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "sx_arena.h"
#include "sx_err.h"

#define DRAW_HASH_LEN 32
#define DRAW_HEX_LEN 64
#define DRAW_DOMAIN "sanxiang-draw-v1"
/* Largest pool (targets or inspectors) and largest k*m a draw accepts. */
#define DRAW_POOL_MAX 100000
#define DRAW_PICK_MAX 10000
#define DRAW_SOURCE "北京 二(一)3 (BJ-2.1-3)；云南 附件1 第七条 (YN-1-07)"

/* The hash: SM3 of data into out; 0 or a negative SX_E_* with err filled (lg_sm3 fits). */
typedef int (*draw_hash_fn)(const void *data, size_t len, uint8_t out[DRAW_HASH_LEN],
                            struct sx_err *err);

/* The counter-mode stream. */
struct draw_rng {
    draw_hash_fn hash;
    uint8_t seed[DRAW_HASH_LEN];
    uint32_t counter; /* next block index */
    uint8_t block[DRAW_HASH_LEN];
    size_t pos; /* bytes of block used; DRAW_HASH_LEN = need the next block */
};

/* Inspector `inspector` may not inspect target `target` (indices into the pools). */
struct draw_recusal {
    size_t target;
    size_t inspector;
};

struct draw_input {
    const char *pool_hash;    /* 64 lowercase hex */
    const char *public_value; /* 64 lowercase hex */
    size_t n_targets;
    size_t n_inspectors;
    const struct draw_recusal *recusals;
    size_t n_recusals;
    size_t k; /* targets to draw, >= 1 */
    size_t m; /* inspectors per target, >= 1 (two for on-site acts, YN-1-08) */
};

struct draw_result {
    char seed_hex[DRAW_HEX_LEN + 1];
    size_t k, m;
    size_t *targets;    /* k target indices, in draw order */
    size_t *inspectors; /* k*m inspector indices: row i holds target i's m inspectors */
};

/*
 * The seed of a draw (see above) into out. SX_E_INVALID when a hex value is not 64 lowercase
 * hex digits; the hash's own errors.
 */
int draw_seed(draw_hash_fn hash, const char *pool_hash, const char *public_value, size_t k,
              size_t m, uint8_t out[DRAW_HASH_LEN], struct sx_err *err) SX_WUR;

/* Start the stream at block 0 of seed. */
void draw_rng_init(struct draw_rng *r, draw_hash_fn hash, const uint8_t seed[DRAW_HASH_LEN]);

/* Next 32-bit word of the stream. The hash's errors. */
int draw_rng_u32(struct draw_rng *r, uint32_t *out, struct sx_err *err) SX_WUR;

/* Uniform value in [0, n) by rejection sampling; n >= 1 (SX_E_INVALID for 0). */
int draw_rng_below(struct draw_rng *r, uint32_t n, uint32_t *out, struct sx_err *err) SX_WUR;

/*
 * Run the draw. Errors (SX_E_INVALID, source DRAW_SOURCE): k or m is 0, k > n_targets
 * ("draw-too-many-targets"), a pool larger than DRAW_POOL_MAX, k*m over DRAW_PICK_MAX, a
 * recusal out of range, fewer than m inspectors left for a target after recusals
 * ("draw-too-few-inspectors", field names the target index); bad hex as draw_seed; the
 * hash's errors; SX_E_NOMEM. On success out's arrays are in arena.
 */
int draw_run(draw_hash_fn hash, const struct draw_input *in, struct sx_arena *arena,
             struct draw_result *out, struct sx_err *err) SX_WUR;

#endif
