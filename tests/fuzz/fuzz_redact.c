/*
 * fuzz_redact: libFuzzer target for core/redact. Not in the default build:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc -Isrc/base \
 *       tests/fuzz/fuzz_redact.c src/core/redact.c src/core/ids.c src/core/cal.c \
 *       src/base/sx_buf.c src/base/sx_err.c -o /tmp/fuzz_redact
 *   /tmp/fuzz_redact -max_len=4096 -dict=tests/fuzz/redact.dict
 *
 * Beyond memory errors it aborts when a property of redact.h breaks: a
 * removal splits a UTF-8 character, redacting the output changes it, or the
 * publish gate finds something in the output.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/redact.h"
#include "sx_buf.h"
#include "sx_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool boundary(const char *t, size_t len, size_t off)
{
    return off == len || ((unsigned char)t[off] & 0xC0) != 0x80;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const persons[] = {"张三", "欧阳娜娜", "李四光"};
    const struct red_options o = {persons, 3, "李四"};
    const char *text = (const char *)data;
    struct sx_buf out, again;
    struct red_report rep;
    struct sx_err err;

    sx_buf_init(&out, size * 8 + 4096);
    sx_buf_init(&again, size * 8 + 4096);
    red_report_init(&rep);
    if (red_apply(text, size, &o, &out, &rep, &err) == 0) {
        for (size_t i = 0; i < rep.n; i++) {
            if (!boundary(text, size, rep.items[i].offset) ||
                !boundary(text, size, rep.items[i].offset + rep.items[i].length))
                abort();
        }
        if (red_apply(out.data, out.len, &o, &again, &rep, &err) != 0 || again.len != out.len ||
            memcmp(again.data, out.data, out.len) != 0)
            abort();
        if (red_scan(out.data, out.len, &o, &rep, &err) != 0 || rep.n != 0)
            abort();
    }
    red_report_free(&rep);
    sx_buf_free(&again);
    sx_buf_free(&out);
    return 0;
}
