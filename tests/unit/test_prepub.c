/*
 * Unit tests for src/core/prepub: draft sections (YN-1-07, HB-1-08, BJ-2.1-3), officers with
 * a valid 执法证 only (YN-1-07), the annual inspection plan due in Q1 (BJ-2.1-8), and 双随机
 * target pools (BJ-2.1-3, USCC per GB 32100-2015).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/prepub.h"
#include "sx_err.h"

static const struct {
    const char *json;
    const char *field; /* NULL: accepted */
    const char *why;
} section_rows[] = {
    {"{}", NULL, "empty draft is fine"},
    {"{\"powers\":[{\"name\":\"对欺诈骗保行为的行政处罚\",\"kind\":\"处罚\",\"basis\":"
     "\"《医疗保障基金使用监督管理条例》第四十条\"}],\"report_hotline\":\"12393\"}",
     NULL, "power item with basis (HB-1-08)"},
    {"{\"inspection_items\":[{\"subject\":\"市医保局\",\"basis\":\"条例第二十七条\",\"object\":"
     "\"定点医药机构\",\"ratio\":\"5%\",\"method\":\"双随机\",\"frequency\":\"每年\"}]}",
     NULL, "双随机 list with the BJ-2.1-3 columns"},
    {"{\"inspection_plan\":{\"year\":2026,\"title\":\"2026年度检查计划\"}}", NULL,
     "annual plan (BJ-2.1-8)"},
    {"{\"officer_photos\":{\"12\":\"blob:sm3:ab\"}}", NULL, "photo by user id (YN-1-07)"},
    {"{\"powers\":[{\"name\":\"x\"}]}", "sections.powers[0].basis",
     "a power item needs its legal basis"},
    {"{\"powers\":[{\"name\":\"x\",\"basis\":\"y\",\"colour\":\"z\"}]}",
     "sections.powers[0].colour", "unknown item field"},
    {"{\"secrets\":[]}", "sections.secrets", "unknown section"},
    {"{\"powers\":{}}", "sections.powers", "list expected"},
    {"{\"powers\":[1]}", "sections.powers[0]", "item must be an object"},
    {"{\"remedies\":[{\"title\":5}]}", "sections.remedies[0].title", "text expected"},
    {"{\"report_hotline\":12393}", "sections.report_hotline", "hotline is text"},
    {"{\"inspection_plan\":{\"year\":1999,\"title\":\"t\"}}", "sections.inspection_plan.year",
     "year out of range"},
    {"{\"inspection_plan\":{\"year\":2026}}", "sections.inspection_plan.title",
     "plan needs a title"},
    {"{\"officer_photos\":{\"abc\":\"p\"}}", "sections.officer_photos", "key must be a user id"},
    {"[]", "sections", "not an object"},
};

static void test_sections(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(section_rows) / sizeof(section_rows[0]); i++) {
        json_error_t je;
        json_t *v = json_loads(section_rows[i].json, 0, &je);
        struct sx_err e;
        int rc;
        if (v == NULL)
            fail_msg("row %zu: bad JSON in test", i);
        sx_err_clear(&e);
        rc = prepub_sections_check(v, &e);
        if (section_rows[i].field == NULL && rc != 0)
            fail_msg("row %zu (%s): %s %s", i, section_rows[i].why, e.field, e.detail);
        if (section_rows[i].field != NULL) {
            if (rc != SX_E_INVALID)
                fail_msg("row %zu (%s): accepted", i, section_rows[i].why);
            if (strcmp(e.field, section_rows[i].field) != 0)
                fail_msg("row %zu (%s): field %s", i, section_rows[i].why, e.field);
        }
        json_decref(v);
    }
}

static const struct {
    const char *no, *from, *to, *date;
    bool valid;
    const char *why;
} cert_rows[] = {
    {"京医保执字001", "2024-01-01", "2026-12-31", "2026-06-01", true, "inside"},
    {"京医保执字001", "2024-01-01", "2026-12-31", "2026-12-31", true, "last day counts"},
    {"京医保执字001", "2024-01-01", "2026-12-31", "2027-01-01", false, "expired drops off"},
    {"京医保执字001", "2026-07-01", "2028-12-31", "2026-06-01", false, "not yet valid"},
    {"", "2024-01-01", "2026-12-31", "2026-06-01", false, "no number"},
    {NULL, "2024-01-01", "2026-12-31", "2026-06-01", false, "NULL number"},
    {"x", NULL, "2026-12-31", "2026-06-01", false, "no start date"},
    {"x", "2024-01-01", "2026/12/31", "2026-06-01", false, "malformed end date"},
};

static void test_cert_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cert_rows) / sizeof(cert_rows[0]); i++)
        if (prepub_cert_valid(cert_rows[i].no, cert_rows[i].from, cert_rows[i].to,
                              cert_rows[i].date) != cert_rows[i].valid)
            fail_msg("row %zu (%s)", i, cert_rows[i].why);
}

static const struct {
    int year;
    const char *published, *today;
    int rc;
    enum prepub_plan_state state;
    const char *why;
} plan_rows[] = {
    {2026, "2026-02-10", "2026-06-01", 0, PREPUB_PLAN_PUBLISHED, "published in Q1"},
    {2026, "2026-03-31", "2026-06-01", 0, PREPUB_PLAN_PUBLISHED, "31 March still in time"},
    {2026, "2026-04-01", "2026-06-01", 0, PREPUB_PLAN_PUBLISHED_LATE, "1 April is late"},
    {2026, NULL, "2026-03-31", 0, PREPUB_PLAN_PENDING, "not yet, still Q1"},
    {2026, NULL, "2026-04-01", 0, PREPUB_PLAN_OVERDUE, "Q1 over, nothing published"},
    {1999, NULL, "2026-04-01", SX_E_INVALID, PREPUB_PLAN_OVERDUE, "bad year"},
    {2026, NULL, "2026-4-1", SX_E_INVALID, PREPUB_PLAN_OVERDUE, "bad date"},
};

static void test_plan_status(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(plan_rows) / sizeof(plan_rows[0]); i++) {
        struct prepub_plan_status st;
        struct sx_err e;
        int rc = prepub_plan_status(plan_rows[i].year, plan_rows[i].published, plan_rows[i].today,
                                    &st, &e);
        if (rc != plan_rows[i].rc)
            fail_msg("row %zu (%s): rc %d", i, plan_rows[i].why, rc);
        if (rc == 0) {
            if (st.state != plan_rows[i].state)
                fail_msg("row %zu (%s): state %s", i, plan_rows[i].why,
                         prepub_plan_state_name(st.state));
            assert_string_equal(st.due, "2026-03-31");
        }
    }
}

#define USCC_A "91110000600037341L"

static const struct {
    const char *json;
    const char *field;
    const char *why;
} pool_rows[] = {
    {"[{\"name\":\"某某大药房有限公司\",\"uscc\":\"" USCC_A "\",\"recused\":[3]}]", NULL,
     "one valid target with a recusal"},
    {"[]", "targets", "empty pool"},
    {"[{\"name\":\"甲\",\"uscc\":\"91110000600037341X\"}]", "targets[0].uscc",
     "USCC check character wrong"},
    {"[{\"uscc\":\"" USCC_A "\"}]", "targets[0].name", "name missing"},
    {"[{\"name\":\"甲\",\"uscc\":\"" USCC_A "\"},{\"name\":\"乙\",\"uscc\":\"" USCC_A "\"}]",
     "targets[0].uscc", "same USCC twice"},
    {"[{\"name\":\"甲\",\"uscc\":\"" USCC_A "\",\"phone\":\"1\"}]", "targets[0].phone",
     "unknown field"},
    {"[{\"name\":\"甲\",\"uscc\":\"" USCC_A "\",\"recused\":[\"x\"]}]", "targets[0].recused",
     "recused must be user ids"},
};

static void test_pool_targets(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(pool_rows) / sizeof(pool_rows[0]); i++) {
        json_error_t je;
        json_t *v = json_loads(pool_rows[i].json, 0, &je);
        struct sx_err e;
        int rc;
        if (v == NULL)
            fail_msg("row %zu: bad JSON in test", i);
        sx_err_clear(&e);
        rc = prepub_pool_targets_check(v, &e);
        if (pool_rows[i].field == NULL && rc != 0)
            fail_msg("row %zu (%s): %s %s", i, pool_rows[i].why, e.field, e.detail);
        if (pool_rows[i].field != NULL &&
            (rc != SX_E_INVALID || strcmp(e.field, pool_rows[i].field) != 0))
            fail_msg("row %zu (%s): rc %d field %s", i, pool_rows[i].why, rc, e.field);
        json_decref(v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_cert_valid),
        cmocka_unit_test(test_plan_status),
        cmocka_unit_test(test_pool_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
