/* serve: run the HTTP API on the database until SIGINT/SIGTERM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/documents.h"
#include "app/calendar.h"
#include "app/ledger.h"
#include "app/media.h"
#include "app/writer.h"
#include "cli.h"
#include "core/cal.h"
#include "http/handlers/api.h"
#include "store/store.h"
#include "sx_log.h"

static const char usage[] =
    "用法: sanxiang serve [--db URL] [--listen ADDR] [--threads N] [--trust-proxy] [--key PEM]\n"
    "                      [--checkpoint-interval SECONDS] [--keys DIR] [--web DIR] [--media DIR]\n"
    "  启动 HTTP 服务（/api/v1、/healthz、/metrics，公示门户 /，执法工作台 /app/）。\n"
    "  数据库须已由 sanxiang init 初始化到本版本。\n"
    "  --listen   监听地址（默认 127.0.0.1:8080；也可 0.0.0.0:8080、[::1]:8080）\n"
    "  --threads  事件循环线程数（默认每个 CPU 核一个）\n"
    "  --trust-proxy  位于 nginx 等反向代理之后时，以 X-Forwarded-For 的最后一跳作为客户端地址\n"
    "  --key      全局账本 SM2 私钥文件（不存在则生成；默认同 sanxiang init）\n"
    "  --checkpoint-interval  树增长后多久签署一次检查点（秒，默认 60）；记录每秒排入账本\n"
    "  --keys     机构文书签章密钥目录（默认 var/keys；多节点部署须共享）\n"
    "  --web      网页界面构建产物目录（默认 <数据根目录>/web/dist；由 make run 构建）\n"
    "  --media    音像文件存储目录（默认 var/media；其下 partial/ 为上传中，sm3/ 为已存储）\n"
    "  按 Ctrl-C 或发送 SIGTERM 平稳停止。\n";

/* The calendar in force is the database's (kept current by `calendar import`). */
static int use_db_calendar(struct app *app, struct app_ctx *ctx)
{
    struct cal_calendar *cal = NULL;
    struct sx_err err;
    sx_err_clear(&err);
    if (app_calendar_from_db(ctx, &cal, &err) != 0)
        return cli_report(&err);
    cal_calendar_free(app->calendar);
    app->calendar = cal;
    return 0;
}

int cli_serve(int argc, char **argv)
{
    const char *web = NULL;
    char web_default[4096];
    struct cli_common common;
    struct app *app = NULL;
    struct app_ctx ctx;
    struct http_config cfg;
    struct sx_err err;
    const char *listen = NULL;
    const char *threads = NULL;
    const char *keys = NULL; /* documents: org signing keys */
    const char *media_dir = "var/media"; /* media: uploads and stored audio-video files */
    int trust_proxy = 0;
    const char *key_opt = NULL;
    const char *cp_interval = NULL;
    unsigned checkpoint_s = 0;
    int rc;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    const struct cli_opt opts[] = {{"--listen", &listen, NULL},
                                   {"--keys", &keys, NULL},
                                   {"--web", &web, NULL},
                                   {"--threads", &threads, NULL},
                                   {"--trust-proxy", NULL, &trust_proxy},
                                   {"--key", &key_opt, NULL},
                                   {"--checkpoint-interval", &cp_interval, NULL},
                                   {"--media", &media_dir, NULL},
                                   {NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 1, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 0) {
        if (npos > 0)
            fprintf(stderr, "sanxiang: serve: 多余的参数 %s\n", argv[1]);
        return CLI_EXIT_USAGE;
    }
    http_config_defaults(&cfg);
    if (listen != NULL)
        cfg.listen = listen;
    if (threads != NULL) {
        char *end = NULL;
        long n = strtol(threads, &end, 10);
        if (end == threads || *end != '\0' || n < 1 || n > 256) {
            fprintf(stderr, "sanxiang: serve: --threads 须为 1–256 的整数\n");
            return CLI_EXIT_USAGE;
        }
        cfg.threads = (unsigned)n;
    }
    cfg.trust_proxy = trust_proxy;
    if (web == NULL) {
        int n = snprintf(web_default, sizeof(web_default), "%s/web/dist", cli_root(common.root));
        if (n > 0 && (size_t)n < sizeof(web_default))
            web = web_default;
    }
    cfg.web_root = web;
    if (cp_interval != NULL) {
        char *end = NULL;
        long n = strtol(cp_interval, &end, 10);
        if (end == cp_interval || *end != '\0' || n < 1 || n > 86400) {
            fprintf(stderr, "sanxiang: serve: --checkpoint-interval 须为 1–86400 的整数（秒）\n");
            return CLI_EXIT_USAGE;
        }
        checkpoint_s = (unsigned)n;
    }
    rc = cli_open(&common, &app, &ctx);
    if (rc != 0)
        return rc;
    rc = cli_check_schema(&ctx);
    if (rc == 0)
        rc = use_db_calendar(app, &ctx);
    app_ctx_close(&ctx);
    if (rc != 0) {
        app_close(app);
        return rc;
    }
    cfg.openapi_path = app->openapi_path;
    app->keys_dir = keys;
    /* documents: PDFs render on their own threads (half the loops' count), not on the loops */
    long loops = cfg.threads > 0 ? (long)cfg.threads : sysconf(_SC_NPROCESSORS_ONLN);
    unsigned doc_threads = loops > 1 ? (unsigned)(loops / 2) : 1;
    struct api_app api = {.app = app, .db_url = common.db};
    sx_err_clear(&err);
    if (api_session_cache_new(&api.sessions) != 0 ||
        app_media_store_open(media_dir, &api.media, &err) != 0 ||
        app_writer_start(app, common.db, &api.writer, &err) != 0 ||
        app_docpool_start(app, common.db, doc_threads, &api.docpool, &err) != 0) {
        rc = api.sessions == NULL ? CLI_EXIT_STORE : cli_report(&err);
        app_writer_stop(api.writer);
        app_media_store_close(api.media);
        api_session_cache_free(api.sessions);
        app_close(app);
        return rc;
    }
    /* ledger: the sequencer and checkpoint thread, and the tree the proofs are read from */
    char key_path[4096];
    app_ledger_key_path(common.db, key_opt, key_path, sizeof(key_path));
    sx_err_clear(&err);
    if (app_ledger_open(app, common.db, key_path, 0, checkpoint_s, &api.ledger, &err) != 0) {
        rc = cli_report(&err);
        app_docpool_stop(api.docpool);
        app_writer_stop(api.writer);
        app_media_store_close(api.media);
        api_session_cache_free(api.sessions);
        app_close(app);
        return rc;
    }
    struct http_app happ = {
        .app = &api,
        .routes = api_routes,
        .nroutes = api_nroutes,
        .worker_init = api_worker_init,
        .worker_fini = api_worker_fini,
        .worker_idle = api_worker_idle,
        .authenticate = api_authenticate,
        .health = api_health,
        .metrics = api_metrics,
    };
    printf("三项 Sanxiang 已启动: 公示门户 http://%s/ ，执法工作台 http://%s/app/\n"
           "（数据库 %s；Ctrl-C 停止）\n",
           cfg.listen, cfg.listen, common.db);
    fflush(stdout);
    sx_err_clear(&err);
    rc = http_serve(&cfg, &happ, &err);
    if (rc != 0)
        rc = cli_report(&err);
    /* the server has answered every deferred request; now the writer can go */
    app_docpool_stop(api.docpool);
    app_writer_stop(api.writer);
    app_ledger_close(api.ledger);
    app_media_store_close(api.media);
    api_session_cache_free(api.sessions);
    app_close(app);
    return rc;
}
