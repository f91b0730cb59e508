/*
 * fuzz_tpl: libFuzzer target for core/tpl (the document template parser). Not in the default
 * build:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc -Isrc/base \
 *       $(pkg-config --cflags jansson) tests/fuzz/fuzz_tpl.c src/core/tpl.c src/core/catalog.c \
 *       src/core/jdata.c src/core/cal.c src/base/sx_buf.c src/base/sx_err.c src/base/sx_arena.c \
 *       $(pkg-config --libs jansson) -o /tmp/fuzz_tpl
 *   SANXIANG_ROOT=. /tmp/fuzz_tpl -max_len=4096 -dict=tests/fuzz/tpl.dict
 *
 * Any input either loads or is refused with a "template-invalid" error naming a line; a loaded
 * template fills from an empty model without crashing (it may report missing data).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/tpl.h"
#include "sx_arena.h"
#include "sx_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cat_catalog *catalog(void)
{
    static struct cat_catalog *cat;
    if (cat != NULL)
        return cat;
    char path[4096];
    const char *root = getenv("SANXIANG_ROOT");
    snprintf(path, sizeof(path), "%s/data/records/catalog.json", root != NULL ? root : ".");
    FILE *f = fopen(path, "rb");
    static char buf[4 << 20];
    size_t n = f != NULL ? fread(buf, 1, sizeof(buf), f) : 0;
    if (f != NULL)
        fclose(f);
    struct sx_err err;
    if (cat_load(buf, n, &cat, &err) != 0)
        abort();
    return cat;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tpl_template *t = NULL;
    struct sx_err err;
    sx_err_clear(&err);
    int rc = tpl_load(catalog(), "fuzz", (const char *)data, size, &t, &err);
    if (rc != 0) {
        if (t != NULL || (rc == SX_E_INVALID && strcmp(err.type, "template-invalid") != 0))
            abort();
        return 0;
    }
    json_t *model = json_object();
    struct sx_arena arena;
    struct tpl_doc doc;
    sx_arena_init(&arena, 4096);
    (void)tpl_fill(t, model, &arena, &doc, &err);
    sx_arena_free(&arena);
    json_decref(model);
    tpl_free(t);
    return 0;
}
