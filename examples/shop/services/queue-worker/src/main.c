/* queue-worker: reads job lines on stdin, prints one outcome per job on stdout, problems on stderr.
 * Exit status: 0 when every line was a job, 1 when some were rejected, 2 on a usage error. */
#include <stdio.h>
#include <string.h>

#include "worker.h"

#ifndef QW_VERSION
#define QW_VERSION "0.0.0-dev"
#endif

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("queue-worker %s\n", QW_VERSION);
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: queue-worker [--version] < jobs\n");
        return 2;
    }

    char line[QW_MAX_LINE + 2];
    char outcome[QW_MAX_LINE];
    unsigned long number = 0, rejected = 0;
    while (fgets(line, sizeof line, stdin) != NULL) {
        number++;
        size_t length = strlen(line);
        if (length == sizeof line - 1 && line[length - 1] != '\n') {
            int c;
            while ((c = getchar()) != EOF && c != '\n') {
                /* skip the rest of an overlong line */
            }
            fprintf(stderr, "queue-worker: line %lu: %s\n", number, qw_status_text(QW_TOO_LONG));
            rejected++;
            continue;
        }
        struct qw_job job;
        enum qw_status status = qw_parse_job(line, &job);
        if (status == QW_EMPTY) {
            continue;
        }
        if (status != QW_OK) {
            fprintf(stderr, "queue-worker: line %lu: %s\n", number, qw_status_text(status));
            rejected++;
            continue;
        }
        qw_handle(&job, outcome, sizeof outcome);
        puts(outcome);
    }
    return rejected == 0 ? 0 : 1;
}
