/* sx_arena: chunked bump allocator. */
#include "sx_arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sx_arena_chunk {
    struct sx_arena_chunk *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char mem[];
};

void sx_arena_init(struct sx_arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size < 1024 ? 1024 : chunk_size;
}

void sx_arena_free(struct sx_arena *a)
{
    struct sx_arena_chunk *c = a->head;
    while (c != NULL) {
        struct sx_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

void sx_arena_reset(struct sx_arena *a)
{
    struct sx_arena_chunk *c;
    if (a->head == NULL)
        return;
    /* keep the oldest (last in list) regular-size chunk for reuse */
    c = a->head;
    while (c->next != NULL) {
        struct sx_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    if (c->size != a->chunk_size) {
        free(c);
        a->head = NULL;
        return;
    }
    c->used = 0;
    a->head = c;
}

void *sx_arena_alloc_raw(struct sx_arena *a, size_t n)
{
    struct sx_arena_chunk *c = a->head;
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n)
        return NULL;
    if (c == NULL || c->size - c->used < need) {
        size_t size = need > a->chunk_size ? need : a->chunk_size;
        c = malloc(sizeof(*c) + size);
        if (c == NULL)
            return NULL;
        c->size = size;
        c->used = 0;
        if (size == a->chunk_size || a->head == NULL) {
            c->next = a->head;
            a->head = c;
        } else {
            /* oversize chunk: put behind the current head so the head keeps serving */
            c->next = a->head->next;
            a->head->next = c;
            c->used = need;
            return c->mem;
        }
    }
    void *p = c->mem + c->used;
    c->used += need;
    return p;
}

void *sx_arena_alloc(struct sx_arena *a, size_t n)
{
    void *p = sx_arena_alloc_raw(a, n);
    if (p != NULL)
        memset(p, 0, n);
    return p;
}

char *sx_arena_strndup(struct sx_arena *a, const char *s, size_t n)
{
    /* every byte is written below: no need to zero first */
    char *p = sx_arena_alloc_raw(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *sx_arena_strdup(struct sx_arena *a, const char *s)
{
    return sx_arena_strndup(a, s, strlen(s));
}

char *sx_arena_printf(struct sx_arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    p = sx_arena_alloc_raw(a, (size_t)n + 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
