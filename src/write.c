/* write.c - one run from options to its gathered figures: the program's default command and
 * libslabfill's slabfill_write both come here, so that both get every check the job makes. */
#include "sf_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_job.h"

/* The backends built in, as a list for messages. */
static const char *backend_names(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; sf_backends[i] && used < len; i++)
        if (!sf_backends[i]->missing)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                                     sf_backends[i]->name);
    return buf;
}

/* The backend opt names (or the default); NULL with an exit status in *rc after saying why
 * not. */
static const sf_backend *choose_backend(const sf_options *opt, int *rc)
{
    char names[256];
    const sf_backend *be = opt->backend ? sf_backend_find(opt->backend) : sf_backend_default();
    if (!be) {
        *rc = sf_error("unknown backend '%s'; accepted: %s", opt->backend,
                       backend_names(names, sizeof names));
        return NULL;
    }
    if (be->missing) {
        *rc = sf_error("backend %s was not built in (this build used make %s); built in: %s",
                       be->name, be->missing, backend_names(names, sizeof names));
        return NULL;
    }
    return be;
}

/* The output path: opt's, or "slab" and the backend's extension. An exit status when the
 * options ask a backend without a file for one. */
static int output_path(const sf_options *opt, const sf_backend *be, char *path, size_t len)
{
    path[0] = '\0';
    if (!be->extension && (opt->output || opt->resume || opt->verify))
        return sf_error("backend %s writes no file; an output path, resume and verify do not "
                        "apply", be->name);
    if (be->extension && opt->output && strlen(opt->output) >= len)
        return sf_error("output path is %zu characters; accepted: fewer than %zu",
                        strlen(opt->output), len);
    if (be->extension && opt->output)
        snprintf(path, len, "%s", opt->output);
    else if (be->extension)
        snprintf(path, len, "slab%s", be->extension);
    /* verify, and any reader, tells the format from the name: it must say the right one. (A
     * directory given for a file, or a store's name with a slash, is refused by the output
     * checks, with its own reason.) */
    size_t n = strlen(path), e = be->extension ? strlen(be->extension) : 0;
    const sf_backend *named = sf_backend_for_path(path);
    struct stat st;
    int dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode) && !be->directory;
    if (be->extension && named != be && !dir &&
        (n <= e || strcmp(path + n - e, be->extension) != 0)) {
        path[0] = '\0';
        return named ? sf_error("output '%s' is named like backend %s's files, but backend %s writes "
                                "it; accepted: a name ending in %s, or the backend %s",
                                opt->output, named->name, be->name, be->extension, named->name)
                     : sf_error("output '%s' does not end in %s, by which slabfill verify "
                                "and readers know backend %s's format; accepted: a name "
                                "ending in %s", opt->output, be->extension, be->name,
                                be->extension);
    }
    return 0;
}

int sf_write(const sf_options *opt, const sf_file_meta *meta, sf_producer produce, void *ctx,
             sf_write_run *run, sf_lock **keep)
{
    memset(run, 0, sizeof *run);
    run->opt = *opt;
    int rc = 0;
    const sf_backend *be = choose_backend(&run->opt, &rc);
    if (!be || (rc = output_path(&run->opt, be, run->path, sizeof run->path)) != 0)
        return rc;
    run->be = be;
    sf_job job = sf_job_init(&run->opt, be, be->extension ? run->path : NULL);
    if (keep) {
        job.lock = *keep;
        job.lock_kept = 1;
    }
    if (produce) {
        job.meta = *meta;
        job.produce = produce;
        job.ctx = ctx;
        job.splittable = 0; /* a user's producer is called from one thread at a time */
    }
    rc = sf_job_prepare(&job);
    if (keep)
        *keep = job.lock;
    if (rc)
        return rc;
    rc = sf_job_run(&job, &run->mine, &run->verify);
    sf_job_describe(&job, &run->info);
    run->info.verify = run->opt.verify ? &run->verify : NULL;
    run->complete = job.complete;
    run->stop_code = job.stop_code;
    run->committed = job.committed;
    run->committed_known = job.committed_known;
    sf_job_release(&job);
    run->all = sf_summary_gather(&run->mine, run->info.nranks);
    return rc;
}

void sf_write_free(sf_write_run *run)
{
    free(run->all);
    run->all = NULL;
}
