/*
 * Rendered SQL run on a real SQLite file: native ALTERs, and the batch
 * rebuild of a table of 1,000 rows with indexes and foreign keys in and out;
 * the schema the database reports equals ath_ops_apply's after every step,
 * and no row is lost. The scenario is in render_scenario.h.
 */
#include "render_scenario.h"

static void sqlite_history_with_rebuilds_keeps_schema_and_rows(void **state)
{
    (void)state;
    char *path = ts_sqlite_path("render");
    char *url = ts_sqlite_url(path);
    ath_backend *be = ts_open(url);
    run_scenario(be);
    ath_backend_close(be);
    free(url);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sqlite_history_with_rebuilds_keeps_schema_and_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
