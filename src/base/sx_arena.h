/*
 * sx_arena: chunked bump allocator for per-request and per-command memory.
 *
 * Everything a handler parses, queries or formats lives in the request's
 * arena, so handlers free nothing. sx_arena_reset keeps the first chunk for
 * reuse; sx_arena_free releases all.
 *
 * Ownership: pointers returned live until the next reset/free of the arena.
 * Allocation failure returns NULL (callers map it to SX_E_NOMEM).
 */
#ifndef SX_ARENA_H
#define SX_ARENA_H

#include <stddef.h>

struct sx_arena_chunk;

struct sx_arena {
    struct sx_arena_chunk *head;
    size_t chunk_size;
};

void sx_arena_init(struct sx_arena *a, size_t chunk_size);
void sx_arena_reset(struct sx_arena *a);
void sx_arena_free(struct sx_arena *a);

void *sx_arena_alloc(struct sx_arena *a, size_t n); /* 16-byte aligned, zeroed */
/*
 * The same, not zeroed: for memory the caller fills completely at once
 * (string copies, arrays about to be memcpy'd), where zeroing is wasted work.
 * Use sx_arena_alloc for structs.
 */
void *sx_arena_alloc_raw(struct sx_arena *a, size_t n);
char *sx_arena_strdup(struct sx_arena *a, const char *s);
char *sx_arena_strndup(struct sx_arena *a, const char *s, size_t n);
char *sx_arena_printf(struct sx_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
