/* Unit tests of worker.c, built and run by test.sh. Prints each failure with its line; exit 1 if any. */
#include <stdio.h>
#include <string.h>

#include "../src/worker.h"

static int failures = 0;
#define CHECK(condition)                                                                  \
    do {                                                                                  \
        if (!(condition)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                                   \
        }                                                                                 \
    } while (0)

static void test_parse(void) {
    struct qw_job job;
    CHECK(qw_parse_job("order.created 1 {\"order_id\":\"ord_1\"}\n", &job) == QW_OK);
    CHECK(strcmp(job.event, "order.created") == 0);
    CHECK(job.attempt == 1);
    CHECK(strcmp(job.queue, "orders") == 0);
    CHECK(strcmp(job.payload, "{\"order_id\":\"ord_1\"}\n") == 0);

    CHECK(qw_parse_job("\n", &job) == QW_EMPTY);
    CHECK(qw_parse_job("order.created", &job) == QW_SYNTAX);
    CHECK(qw_parse_job("order.created 1 not-json", &job) == QW_SYNTAX);
    CHECK(qw_parse_job("order.created 0 {}", &job) == QW_BAD_ATTEMPT);
    CHECK(qw_parse_job("order.created x {}", &job) == QW_BAD_ATTEMPT);
    CHECK(qw_parse_job("order.created 99999999999999999999 {}", &job) == QW_BAD_ATTEMPT);
    CHECK(qw_parse_job("order.shipped 1 {}", &job) == QW_UNKNOWN_EVENT);

    char long_event[100];
    memset(long_event, 'a', sizeof long_event - 1);
    long_event[sizeof long_event - 1] = '\0';
    CHECK(qw_parse_job(long_event, &job) == QW_SYNTAX);
}

static void test_routes_every_contract_event(void) {
    CHECK(strcmp(qw_queue_for("payment.authorized"), "payments") == 0);
    CHECK(strcmp(qw_queue_for("notification.requested"), "notifications") == 0);
    CHECK(qw_queue_for("") == NULL);
}

static void test_backoff(void) {
    CHECK(qw_backoff_ms(1, 200, 30000) == 200);
    CHECK(qw_backoff_ms(2, 200, 30000) == 400);
    CHECK(qw_backoff_ms(8, 200, 30000) == 25600);
    CHECK(qw_backoff_ms(9, 200, 30000) == 30000);
    CHECK(qw_backoff_ms(4000000000u, 200, 30000) == 30000);
    CHECK(qw_backoff_ms(3, 50000, 30000) == 30000);
}

static void test_outcomes(void) {
    struct qw_job job;
    char out[256];
    CHECK(qw_parse_job("payment.authorized 2 {\"simulate\":\"failure\"}", &job) == QW_OK);
    qw_handle(&job, out, sizeof out);
    CHECK(strcmp(out, "retry payments payment.authorized attempt=3 delay_ms=400") == 0);
    job.attempt = QW_MAX_ATTEMPTS;
    qw_handle(&job, out, sizeof out);
    CHECK(strcmp(out, "dead-letter payments payment.authorized attempts=5") == 0);
    CHECK(qw_handle(&job, out, 8) > 8); /* truncation is reported, never overflowed */
    CHECK(strlen(out) == 7);
}

int main(void) {
    test_parse();
    test_routes_every_contract_event();
    test_backoff();
    test_outcomes();
    if (failures > 0) {
        fprintf(stderr, "test_worker: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_worker: all checks passed\n");
    return 0;
}
