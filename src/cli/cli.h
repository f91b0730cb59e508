/*
 * cli: one function per `sanxiang` subcommand (like git's builtin/).
 * Each takes argc/argv starting at the subcommand name and returns the
 * process exit code: 0 ok, 1 check failed (verify), 2 usage error,
 * 3 data/input error, 4 database or I/O error.
 */
#ifndef CLI_H
#define CLI_H

#include "sx_err.h"

enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_CHECK_FAILED = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_INPUT = 3,
    CLI_EXIT_STORE = 4,
};

struct cal_calendar;
struct app;
struct app_ctx;

/* Options every data command takes. */
struct cli_common {
    const char *db; /* --db: SQLite path or postgresql:// URL (default CLI_DEFAULT_DB) */
    const char
        *root; /* --root: directory with data/ and policy/ (default: found near the binary) */
};

#define CLI_DEFAULT_DB "var/sanxiang.db"

/* Subcommands (argv[0] is the subcommand name). */
int cli_workdays(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_org(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_calendar(int argc, char **argv);
int cli_policy(int argc, char **argv);
int cli_review_scope(int argc, char **argv);
int cli_redact(int argc, char **argv);
int cli_document(int argc, char **argv); /* documents (issue 5 point 4) */
/* ledger */
int cli_ledger(int argc, char **argv);
int cli_draw(int argc, char **argv); /* prepub */
int cli_report_annual(int argc, char **argv); /* stats: sanxiang report annual */
/* bundle: case-file bundles */
int cli_export(int argc, char **argv);
int cli_verify_bundle(int argc, char **argv);

struct pol_policy;

/*
 * Load preset name from root/policy/name.json, resolving "extends" from the
 * same directory. 0 and *out (free with pol_free), SX_E_NOTFOUND
 * ("unknown-policy") when there is no such preset, or the policy's error.
 */
int cli_policy_load(const char *root, const char *name, struct pol_policy **out,
                    struct sx_err *err);

/*
 * The data root: --root if given, else $SANXIANG_ROOT, else the directory
 * above the binary when it holds data/ (build/sanxiang in a checkout), else
 * "." . Returns a static or argv string.
 */
const char *cli_root(const char *given);

/*
 * Load the app data from c->root and open c->db (creating the directory of
 * the default SQLite path). On failure prints the error and returns the exit
 * code; on success 0 and *app/ctx are to be closed with cli_close.
 */
int cli_open(const struct cli_common *c, struct app **app, struct app_ctx *ctx);
void cli_close(struct app *app, struct app_ctx *ctx);

/* Refuse to work on a database that `init` has not brought to this version. Exit code or 0. */
int cli_check_schema(struct app_ctx *ctx);

/*
 * Parse "--db X", "--db=X", "--root X" from argv (removing them by shifting
 * the rest down); returns the new argc, or -1 after printing a usage error.
 */
int cli_take_common(int argc, char **argv, struct cli_common *c);

/* Print "sanxiang: <title>: <detail>" on one line to stderr; returns the exit code for err. */
int cli_report(const struct sx_err *err);

/* One "--name VALUE" option of a subcommand; flags (no value) set *flag = 1. */
struct cli_opt {
    const char *name;   /* "--code" */
    const char **value; /* receives the value, or NULL for a flag */
    int *flag;          /* for flags */
};

/*
 * Parse argv[first..argc) against opts (a table ending with a NULL name).
 * "--help" prints usage to stdout and returns -2; an unknown option or a
 * missing value prints usage to stderr and returns -1; otherwise returns the
 * number of positional arguments, which are moved to argv[first..].
 */
int cli_parse_opts(int argc, char **argv, int first, const struct cli_opt *opts, const char *usage);

#endif
