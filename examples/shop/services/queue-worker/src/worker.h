/* queue-worker: parses queue jobs, routes them by event type, decides ack / retry / dead-letter. */
#ifndef QUEUE_WORKER_H
#define QUEUE_WORKER_H

#include <stddef.h>

#define QW_MAX_LINE 4096      /* longer job lines are rejected, never truncated */
#define QW_MAX_ATTEMPTS 5     /* the fifth failed attempt goes to the dead-letter queue */
#define QW_BACKOFF_BASE_MS 200UL
#define QW_BACKOFF_CAP_MS 30000UL

enum qw_status { QW_OK = 0, QW_EMPTY, QW_SYNTAX, QW_BAD_ATTEMPT, QW_UNKNOWN_EVENT, QW_TOO_LONG };

/* One job line: "EVENT ATTEMPT {json payload}", e.g. "order.created 1 {\"order_id\":\"ord_1\"}". */
struct qw_job {
    char event[64];
    unsigned attempt;    /* 1 for the first delivery */
    const char *payload; /* points into the parsed line, which must outlive the job */
    const char *queue;   /* the queue of the event type, from the contracts' generated header */
};

enum qw_status qw_parse_job(const char *line, struct qw_job *job);
const char *qw_status_text(enum qw_status status);
const char *qw_queue_for(const char *event);

/* base_ms * 2^(attempt-1), at most cap_ms; never overflows. */
unsigned long qw_backoff_ms(unsigned attempt, unsigned long base_ms, unsigned long cap_ms);

/* Writes the outcome of `job` ("ack ...", "retry ...", "dead-letter ...") into out; snprintf's result. */
int qw_handle(const struct qw_job *job, char *out, size_t size);

#endif
