#pragma once
#include <git2.h>

// Swift cannot call C variadic functions, so the one `git_libgit2_opts` call FleetGit needs gets a fixed signature.
static inline int fleet_git_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}
