/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
#include "log.h"
#include "naming.h"
#include "options.h"
#include "output.h"
#include "run.h"

#define WBUF_MIN 32             /* a buffer's first size */
#define WBUF_MAX (64 * 1024)    /* ... and its largest: then it is written */
#define WBUF_BUDGET (4u << 20)  /* bytes of all buffers together */
#define WBUF_COUNT (64u * 1024) /* flows with pending appends at once */
#define RESERVED_FDS 16         /* stdio, pcap, report, -w, scanners */
#define MAX_COUNTER 1000000     /* names tried before giving up */
#define PATH_MAX_LEN 4096

/* Pending appends of one flow.  A buffer grows from WBUF_MIN to WBUF_MAX
 * as its flows write, within WBUF_BUDGET for all: a million small flows
 * keep little memory, a bulk flow writes 64 KiB at a time.  When the
 * budget is spent, the buffer under a clock hand gives its bytes to its
 * file and its memory back.
 *
 * A flow's file is created at its first byte, and keeps a descriptor from
 * the cache.  When the cache is full and the template spells out the
 * flow's key (the default, -Fk, ...: output_names_by_key), the file is
 * created only when the bytes leave the buffer instead: at close for a
 * small flow.  Taking a descriptor from another flow there meant, with
 * more flows open than descriptors allowed (W4: 100,000 against a limit
 * of 20,000), closing and opening most files once more in between (four
 * more system calls per file).  The name is
 * the same either way: it depends on the key and on which names exist,
 * and the flow of a key is closed before the next flow of that key starts.
 * Other templates (%T alone, ...) keep creating at the first byte, so
 * that flows whose names collide take counters in the order they start. */
struct tf_wbuf {
  struct tf_flow *owner;        /* NULL when free */
  uint64_t start;               /* stream offset of data[0] */
  size_t len, cap;
  uint8_t *data;                /* cap bytes; owned, kept while the buffer is free */
};


/* The flow-file stage of a run, owned by the run (Tf_output_init and
 * Tf_output_shutdown). */
struct tf_output {
  const struct tf_options *opt;
  struct tf_wbuf *wbufs;
  /* Free buffers as a stack: the most recently used is reused first, so a
   * run with few flows touches (and keeps resident) only a few buffers. */
  struct tf_wbuf **wbuf_free;
  unsigned wbuf_nfree;
  unsigned wbuf_fresh;     /* slots [wbuf_fresh, WBUF_COUNT) never used yet */
  unsigned wbuf_clock;     /* next buffer to steal: all busy, or the budget spent */
  size_t wbuf_total;       /* sum of the buffers' cap */
  long fd_budget;
  long open_count, max_open;
  uint64_t files_created;
  struct tfl_list lru;     /* flows with an open fd, most recently used first */
  /* The output directory, open: names are opened relative to it, so the
   * kernel does not walk the directory's own path again for every file.
   * outdir_fd_for is the outdir it was opened for (owned). */
  int outdir_fd;
  char *outdir_fd_for;
  struct output_hint *hints;  /* HINT_SLOTS; owned */
  char *hints_outdir, *hints_template; /* what hints were made for; owned */
  uint8_t chunk[WBUF_MAX];    /* Tf_output_prepend's bytes on the move */
};

static void hints_free(struct tf_output *out);

static tf_err output_fail(const char *what, const char *path, int err)
{
  Tf_log_error("%s %s: %s", what, path, strerror(err));
  return TF_ERR_OUTPUT;
}

tf_err Tf_output_init(struct tf_run *run, long max_fds)
{
  struct rlimit rl;
  long limit = 1024;
  struct tf_output *out = calloc(1, sizeof(*out));
  if (!out)
    return TF_ERR_NOMEM;
  out->opt = run->opt;
  out->outdir_fd = -1;
  Tfl_list_init(&out->lru);
  out->wbufs = calloc(WBUF_COUNT, sizeof(*out->wbufs));
  out->wbuf_free = calloc(WBUF_COUNT, sizeof(*out->wbuf_free));
  if (!out->wbufs || !out->wbuf_free) {
    free(out->wbufs);
    free(out->wbuf_free);
    free(out);
    return TF_ERR_NOMEM;
  }
  run->output = out;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    /* Ask for all we may have: each open flow file is a descriptor. */
    if (rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_NOFILE, &rl);
      getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur != RLIM_INFINITY)
      limit = (long)rl.rlim_cur;
    else
      limit = 1 << 20;
  }
  out->fd_budget = limit - RESERVED_FDS;
  if (max_fds > 0 && max_fds < out->fd_budget)
    out->fd_budget = max_fds;
  if (out->fd_budget < 1)
    out->fd_budget = 1;
  return TF_OK;
}

void Tf_output_shutdown(struct tf_run *run)
{
  struct tf_output *out = run->output;
  if (!out)
    return;
  run->output = NULL;
  hints_free(out);
  if (out->outdir_fd >= 0)
    close(out->outdir_fd);
  out->outdir_fd = -1;
  free(out->outdir_fd_for);
  out->outdir_fd_for = NULL;
  for (unsigned i = 0; out->wbufs && i < out->wbuf_fresh; i++)
    free(out->wbufs[i].data);
  free(out->wbufs);
  free(out->wbuf_free);
  free(out);
}

long Tf_output_fd_budget(const struct tf_output *out)
{
  return out->fd_budget;
}

long Tf_output_open_count(const struct tf_output *out)
{
  return out->open_count;
}

long Tf_output_max_open(const struct tf_output *out)
{
  return out->max_open;
}

static void output_set_times(struct tf_flow *f)
{
  struct timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = f->first_ts.tv_sec;
  ts[0].tv_nsec = ts[1].tv_nsec = (long)f->first_ts.tv_usec * 1000;
  futimens(f->fd, ts);
}

static tf_err wbuf_flush(struct tf_output *out, struct tf_flow *f);

/* Close f's descriptor (its data stays on disk; it is reopened on demand). */
static tf_err output_close_fd(struct tf_output *out, struct tf_flow *f)
{
  tf_err e = wbuf_flush(out, f);
  if (f->fd < 0)
    return e;
  if (!f->temp_storage)
    output_set_times(f);
  if (close(f->fd) != 0 && e == TF_OK)
    e = output_fail("cannot close", f->path, errno);
  f->fd = -1;
  Tfl_list_remove(&f->lru);
  out->open_count--;
  return e;
}

static tf_err output_evict_one(struct tf_output *out)
{
  struct tfl_list *n = Tfl_list_last(&out->lru);
  if (!n)
    return TF_ERR_OUTPUT;
  return output_close_fd(out, TFL_LIST_ENTRY(n, struct tf_flow, lru));
}

tf_err Tf_output_mkdirs(const char *path)
{
  char buf[PATH_MAX_LEN];
  size_t n = strlen(path);
  if (n >= sizeof(buf))
    return TF_ERR_OUTPUT;
  memcpy(buf, path, n + 1);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
      return output_fail("cannot create directory", buf, errno);
    *p = '/';
  }
  return TF_OK;
}

static size_t output_prefix(const struct tf_output *out, char *buf, size_t n)
{
  const char *d = out->opt->outdir;
  size_t len;
  if (!d || !*d || strcmp(d, ".") == 0)
    return 0;
  len = strlen(d);
  if (len + 2 > n)
    return (size_t)snprintf(buf, n, "%s/", d);
  memcpy(buf, d, len);
  buf[len] = '/';
  buf[len + 1] = '\0';
  return len + 1;
}

/* The directory descriptor to open path relative to, and in *rel the name
 * below it; AT_FDCWD and path itself when path is not below the output
 * directory or the directory cannot be opened. */
static int output_dirfd(struct tf_output *out, const char *path, const char **rel)
{
  const char *d = out->opt->outdir;
  size_t len;
  *rel = path;
  if (!d || !*d || strcmp(d, ".") == 0)
    return AT_FDCWD;
  len = strlen(d);
  if (strncmp(path, d, len) != 0 || path[len] != '/' || path[len + 1] == '\0')
    return AT_FDCWD;
  if (out->outdir_fd < 0 || strcmp(out->outdir_fd_for, d) != 0) {
    if (out->outdir_fd >= 0)
      close(out->outdir_fd);
    free(out->outdir_fd_for);
    out->outdir_fd_for = strdup(d);
    out->outdir_fd = out->outdir_fd_for ? open(d, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    if (out->outdir_fd < 0)
      return AT_FDCWD; /* tried again next time; open(2) of the whole path meanwhile */
  }
  *rel = path + len + 1;
  return out->outdir_fd;
}

/* open(2) that makes room in the descriptor cache when the budget or the
 * kernel says so, and creates missing parent directories. */
static int output_open_path(struct tf_output *out, const char *path, int flags)
{
  for (int attempt = 0; attempt < 64; attempt++) {
    int fd;
    const char *rel;
    int dfd;
    if (out->open_count >= out->fd_budget && output_evict_one(out) != TF_OK)
      return -1;
    dfd = output_dirfd(out, path, &rel);
    fd = openat(dfd, rel, flags | O_CLOEXEC, 0666);
    if (fd >= 0)
      return fd;
    if ((errno == EMFILE || errno == ENFILE) && !Tfl_list_empty(&out->lru)) {
      if (output_evict_one(out) != TF_OK)
        return -1;
      continue;
    }
    if (errno == ENOENT && (flags & O_CREAT)) {
      if (Tf_output_mkdirs(path) != TF_OK)
        return -1;
      continue;
    }
    return -1;
  }
  errno = EMFILE;
  return -1;
}

int Tf_output_name(const struct tf_output *out, const struct tf_flow *f, uint32_t counter,
                   char *buf, size_t n)
{
  size_t plen = output_prefix(out, buf, n);
  int len;
  if (plen >= n)
    return -1;
  len = Tf_naming_expand(out->opt->template_str, f, counter, out->opt->counter_always, buf + plen,
                         n - plen);
  return len < 0 ? -1 : (int)plen + len;
}

/* ------------------------------------------------------------ counter hints */

/* A reused 4-tuple finds its name taken and tries c1, c2, ...: one failed
 * open(2) per earlier connection (41,000 of them on W2).  When the name is
 * a function of the flow key alone -- the template uses no time, flow or
 * session number, MAC address -- the counter this run last created for a
 * key says that every lower one is taken too (each was, when that file was
 * created, and flow files are never removed), so the search starts above
 * it.  A cache, direct-mapped by key: a slot overwritten, or no slot at
 * all, only means starting at 0 as before.  Allocated at the first name
 * found taken, so runs without reused 4-tuples (W4) do not pay for it. */
#define HINT_SLOTS (1u << 16)

struct output_hint {
  struct tf_flow_key key;
  uint32_t counter;
  uint32_t used;
};


static void hints_free(struct tf_output *out)
{
  free(out->hints);
  free(out->hints_outdir);
  free(out->hints_template);
  out->hints = NULL;
  out->hints_outdir = out->hints_template = NULL;
}

/* The template names a flow by its key only (and the counter). */
static int hints_key_only(const char *tmpl)
{
  for (const char *p = tmpl; *p; p++)
    if (*p == '%' && (!*++p || !strchr("AaBbVvCc%", *p)))
      return 0;
  return 1;
}

/* Flows of different keys never get the same name from tmpl: it spells
 * out both addresses, both ports and the VLAN (other conversions only
 * make names more distinct).  Then a flow's name depends only on which
 * names exist when it is created, not on the order flows are created in
 * (the flow of a key is closed before the next flow of that key starts),
 * and its file may be created late (see struct tf_wbuf). */
static int output_names_by_key(const char *tmpl)
{
  unsigned seen = 0;
  for (const char *p = tmpl; *p; p++) {
    const char *c;
    if (*p != '%' || !*++p)
      continue;
    c = strchr("AaBbv", *p);
    if (c)
      seen |= 1u << (c - "AaBbv");
  }
  return seen == 0x1f;
}

/* f's slot, or NULL when hints do not apply (or are not allocated and
 * `create` is 0). */
static struct output_hint *hints_slot(struct tf_output *out, const struct tf_flow *f, int create)
{
  const char *outdir = out->opt->outdir ? out->opt->outdir : "";
  uint64_t words[5];
  uint64_t h = 0;
  if (out->hints && (strcmp(out->hints_outdir, outdir) != 0 || strcmp(out->hints_template, out->opt->template_str) != 0))
    hints_free(out); /* another run in this process (unit tests) */
  if (!out->hints) {
    if (!create || !hints_key_only(out->opt->template_str))
      return NULL;
    out->hints = calloc(HINT_SLOTS, sizeof(*out->hints));
    out->hints_outdir = strdup(outdir);
    out->hints_template = strdup(out->opt->template_str);
    if (!out->hints || !out->hints_outdir || !out->hints_template) {
      hints_free(out);
      return NULL;
    }
  }
  memcpy(words, &f->key, sizeof(words));
  for (int i = 0; i < 5; i++) {
    h ^= words[i];
    h *= 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
  }
  return &out->hints[(h >> 16) & (HINT_SLOTS - 1)];
}

/* Create f's file: try counter 0, 1, 2... until an exclusive create works,
 * so that earlier runs and reused 4-tuples never overwrite each other. */
static tf_err output_create(struct tf_output *out, struct tf_flow *f)
{
  char path[PATH_MAX_LEN];
  if (!out->opt->store_output) {
    size_t plen = output_prefix(out, path, sizeof(path));
    /* -FX with data scanners: hidden storage, removed after the scan. */
    snprintf(path + plen, sizeof(path) - plen, ".tcpflow-tmp-%ld-%llu", (long)getpid(),
             (unsigned long long)f->flow_id);
    f->fd = output_open_path(out, path, O_RDWR | O_CREAT | O_TRUNC);
    if (f->fd < 0)
      return output_fail("cannot create temporary flow storage", path, errno);
    f->temp_storage = 1;
  } else {
    struct output_hint *hint = hints_slot(out, f, 0);
    uint32_t counter = 0;
    if (hint && hint->used && memcmp(&hint->key, &f->key, sizeof(f->key)) == 0)
      counter = hint->counter + 1;
    for (;; counter++) {
      if (counter >= MAX_COUNTER || Tf_output_name(out, f, counter, path, sizeof(path)) < 0)
        return output_fail("cannot build a safe file name for flow", out->opt->template_str,
                           ENAMETOOLONG);
      f->fd = output_open_path(out, path, O_RDWR | O_CREAT | O_EXCL);
      if (f->fd >= 0) {
        f->connection_count = counter;
        break;
      }
      if (errno != EEXIST)
        return output_fail("cannot create", path, errno);
      if (!hint)
        hint = hints_slot(out, f, 1);
    }
    if (hint) {
      hint->key = f->key;
      hint->counter = counter;
      hint->used = 1;
    }
  }
  f->path = strdup(path);
  if (!f->path)
    return TF_ERR_NOMEM;
  f->has_file = 1;
  if (++out->files_created == 10001 && !f->temp_storage && !strchr(out->opt->template_str, '/'))
    Tf_log_warn("more than 10,000 files in %s; -Fk, -Fm or -Fg bin them into directories",
                out->opt->outdir);
  out->open_count++;
  if (out->open_count > out->max_open)
    out->max_open = out->open_count;
  Tfl_list_push_front(&out->lru, &f->lru);
  if (!f->temp_storage)
    Tf_alerts_open(out->opt, f->path);
  return TF_OK;
}

static tf_err output_ensure_open(struct tf_output *out, struct tf_flow *f)
{
  if (f->fd >= 0) {
    Tfl_list_move_front(&out->lru, &f->lru);
    return TF_OK;
  }
  if (!f->has_file)
    return output_create(out, f);
  f->fd = output_open_path(out, f->path, O_RDWR | O_CREAT);
  if (f->fd < 0)
    return output_fail("cannot reopen", f->path, errno);
  out->open_count++;
  if (out->open_count > out->max_open)
    out->max_open = out->open_count;
  Tfl_list_push_front(&out->lru, &f->lru);
  return TF_OK;
}

static tf_err output_pwrite(struct tf_output *out, struct tf_flow *f, uint64_t offset,
                            const uint8_t *data, size_t len)
{
  tf_err e = output_ensure_open(out, f);
  if (e != TF_OK)
    return e;
  while (len > 0) {
    ssize_t n = pwrite(f->fd, data, len, (off_t)offset);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return output_fail("cannot write", f->path, errno);
    }
    if (n == 0)
      return output_fail("cannot write", f->path, ENOSPC);
    data += n;
    len -= (size_t)n;
    offset += (uint64_t)n;
  }
  if (offset > f->file_size)
    f->file_size = offset;
  return TF_OK;
}

/* ------------------------------------------------------------ append buffers */

/* Give b's memory back to the budget (its bytes are written). */
static void wbuf_drop_data(struct tf_output *out, struct tf_wbuf *b)
{
  out->wbuf_total -= b->cap;
  free(b->data);
  b->data = NULL;
  b->cap = 0;
}

static void wbuf_put(struct tf_output *out, struct tf_wbuf *b)
{
  b->owner = NULL;
  b->len = 0;
  if (b->cap > WBUF_MIN && out->wbuf_total > WBUF_BUDGET / 2)
    wbuf_drop_data(out, b); /* memory is scarce: a large buffer is given back on its way out */
  out->wbuf_free[out->wbuf_nfree++] = b;
}

/* The first size of at least need bytes a buffer of cap bytes grows to.
 * Small buffers grow WBUF_MIN bytes at a time (at most 15 times): the
 * 100-200 bytes of a short flow would waste a third of their memory on
 * doubling; larger ones double. */
static size_t wbuf_cap_for(size_t cap, size_t need)
{
  if (!cap)
    cap = WBUF_MIN;
  while (cap < need)
    cap = cap < 16 * WBUF_MIN ? cap + WBUF_MIN : cap * 2;
  return cap > WBUF_MAX ? WBUF_MAX : cap;
}

/* Room for `need` bytes in b (need <= WBUF_MAX): 0 when the budget says no. */
static int wbuf_reserve(struct tf_output *out, struct tf_wbuf *b, size_t need)
{
  size_t cap;
  uint8_t *d;
  if (need <= b->cap)
    return 1;
  cap = wbuf_cap_for(b->cap, need);
  if (out->wbuf_total - b->cap + cap > WBUF_BUDGET || !(d = realloc(b->data, cap)))
    return 0;
  out->wbuf_total = out->wbuf_total - b->cap + cap;
  b->data = d;
  b->cap = cap;
  return 1;
}

static tf_err wbuf_flush(struct tf_output *out, struct tf_flow *f)
{
  struct tf_wbuf *b = f->wbuf;
  tf_err e = TF_OK;
  if (!b)
    return TF_OK;
  f->wbuf = NULL; /* before writing: output_pwrite may evict and recurse */
  if (b->len > 0)
    e = output_pwrite(out, f, b->start, b->data, b->len);
  wbuf_put(out, b);
  return e;
}

/* The buffer under the clock hand, not f's, gives its bytes to its file
 * and its memory back.  1 when one did, 0 when none is busy, -1 when its
 * file could not be written (logged). */
static int wbuf_steal(struct tf_output *out, const struct tf_flow *f)
{
  for (unsigned n = 0; n < out->wbuf_fresh; n++) {
    struct tf_wbuf *b = &out->wbufs[out->wbuf_clock];
    out->wbuf_clock = (out->wbuf_clock + 1) % out->wbuf_fresh;
    if (!b->owner || b->owner == f)
      continue;
    if (wbuf_flush(out, b->owner) != TF_OK)
      return -1;
    if (b->data && !b->owner)
      wbuf_drop_data(out, b);
    return 1;
  }
  return 0;
}

/* Make room in the budget for f to buffer len more bytes.  Older buffers
 * are written out first, so the newest flows keep theirs; writing may
 * also close descriptors (and write out f's own buffer: read f->wbuf
 * again afterwards). */
static void wbuf_make_room(struct tf_output *out, struct tf_flow *f, size_t len)
{
  size_t extra;
  if (f->wbuf)
    extra = wbuf_cap_for(f->wbuf->cap, f->wbuf->len + len) - f->wbuf->cap;
  else
    extra = wbuf_cap_for(0, len);
  while (out->wbuf_total + extra > WBUF_BUDGET && wbuf_steal(out, f) > 0)
    ;
}

static struct tf_wbuf *wbuf_get(struct tf_output *out)
{
  if (out->wbuf_nfree == 0 && out->wbuf_fresh < WBUF_COUNT)
    return &out->wbufs[out->wbuf_fresh++];
  if (out->wbuf_nfree == 0 && wbuf_steal(out, NULL) <= 0)
    return NULL; /* all busy */
  return out->wbuf_nfree ? out->wbuf_free[--out->wbuf_nfree] : NULL;
}

static uint64_t output_end(const struct tf_flow *f)
{
  uint64_t end = f->file_size;
  if (f->wbuf && f->wbuf->start + f->wbuf->len > end)
    end = f->wbuf->start + f->wbuf->len;
  return end;
}

tf_err Tf_output_write(struct tf_output *out, struct tf_flow *f, uint64_t offset,
                       const uint8_t *data, size_t len)
{
  tf_err e;
  if (!f->has_file && out->opt->store_output &&
      (len == 0 || out->open_count < out->fd_budget || !output_names_by_key(out->opt->template_str))) {
    e = output_ensure_open(out, f);
    if (e != TF_OK || len == 0)
      return e;
  }
  /* -FX: the bytes are for the scanners only.  They stay in the flow's
   * append buffer; a hidden file is made only when they must leave it.
   * So do the bytes of a flow named by its key (see struct tf_wbuf). */
  if (len == 0)
    return TF_OK;
  if (offset == output_end(f) && len < WBUF_MAX) {
    struct tf_wbuf *b;
    if (!f->wbuf || f->wbuf->len + len <= WBUF_MAX)
      wbuf_make_room(out, f, len);
    b = f->wbuf;
    if (b && (b->len + len > WBUF_MAX || !wbuf_reserve(out, b, b->len + len))) {
      e = wbuf_flush(out, f); /* full, or may not grow: its bytes go to the file */
      if (e != TF_OK)
        return e;
      b = NULL;
    }
    if (!b) {
      b = wbuf_get(out);
      if (!b)
        return TF_ERR_OUTPUT;
      if (wbuf_reserve(out, b, len)) {
        b->owner = f;
        b->start = offset;
        b->len = 0;
        f->wbuf = b;
      } else {
        wbuf_put(out, b);
        b = NULL; /* no memory to buffer in: written at once below */
      }
    }
    if (b) {
      memcpy(b->data + b->len, data, len);
      b->len += len;
      return TF_OK;
    }
  }
  e = wbuf_flush(out, f);
  if (e != TF_OK)
    return e;
  return output_pwrite(out, f, offset, data, len);
}

tf_err Tf_output_prepend(struct tf_output *out, struct tf_flow *f, uint64_t shift)
{
  uint64_t end;
  tf_err e;
  for (uint32_t i = 0; i < f->nfindx; i++)
    f->findx[i].offset += shift;
  if (!f->has_file && !f->wbuf)
    return TF_OK;
  e = wbuf_flush(out, f); /* -FX: the hidden file is made now */
  if (e == TF_OK)
    e = output_ensure_open(out, f);
  if (e != TF_OK)
    return e;
  /* Move the bytes up from the end down, so nothing is overwritten early. */
  end = f->file_size;
  while (end > 0) {
    size_t n = end > sizeof(out->chunk) ? sizeof(out->chunk) : (size_t)end;
    ssize_t r = pread(f->fd, out->chunk, n, (off_t)(end - n));
    if (r != (ssize_t)n)
      return output_fail("cannot read back", f->path, r < 0 ? errno : EIO);
    e = output_pwrite(out, f, end - n + shift, out->chunk, n);
    if (e != TF_OK)
      return e;
    end -= n;
  }
  memset(out->chunk, 0, sizeof(out->chunk));
  for (uint64_t at = 0; at < shift && at < f->file_size;) {
    size_t n = shift - at > sizeof(out->chunk) ? sizeof(out->chunk) : (size_t)(shift - at);
    e = output_pwrite(out, f, at, out->chunk, n);
    if (e != TF_OK)
      return e;
    at += n;
  }
  return TF_OK;
}

/* ------------------------------------------------------------ findx */

void Tf_output_findx_add(struct tf_output *out, struct tf_flow *f, uint64_t offset,
                         const struct timeval *ts,
                         uint64_t len)
{
  if (f->nfindx == f->findx_cap) {
    uint32_t cap = f->findx_cap ? f->findx_cap * 2 : 16;
    struct tf_findx_entry *n = realloc(f->findx, cap * sizeof(*n));
    if (!n)
      return;
    f->findx = n;
    f->findx_cap = cap;
  }
  f->findx[f->nfindx].offset = offset;
  f->findx[f->nfindx].ts = *ts;
  f->findx[f->nfindx].len = len;
  f->nfindx++;
}

static int findx_cmp(const void *a, const void *b)
{
  const struct tf_findx_entry *x = a, *y = b;
  if (x->offset != y->offset)
    return x->offset < y->offset ? -1 : 1;
  if (x->ts.tv_sec != y->ts.tv_sec)
    return x->ts.tv_sec < y->ts.tv_sec ? -1 : 1;
  return (x->ts.tv_usec > y->ts.tv_usec) - (x->ts.tv_usec < y->ts.tv_usec);
}

/* Sorted by offset; consecutive frames with the same timestamp that
 * continue each other share one line, as the manual describes. */
static tf_err findx_write(struct tf_output *out, struct tf_flow *f)
{
  char path[PATH_MAX_LEN];
  FILE *fp;
  int fd;
  if (!f->nfindx || f->temp_storage)
    return TF_OK;
  qsort(f->findx, f->nfindx, sizeof(*f->findx), findx_cmp);
  snprintf(path, sizeof(path), "%s.findx", f->path);
  fd = output_open_path(out, path, O_WRONLY | O_CREAT | O_TRUNC);
  if (fd < 0 || !(fp = fdopen(fd, "w"))) {
    if (fd >= 0)
      close(fd);
    return output_fail("cannot create", path, errno);
  }
  for (uint32_t i = 0; i < f->nfindx;) {
    struct tf_findx_entry e = f->findx[i++];
    while (i < f->nfindx && f->findx[i].offset == e.offset + e.len &&
           f->findx[i].ts.tv_sec == e.ts.tv_sec && f->findx[i].ts.tv_usec == e.ts.tv_usec)
      e.len += f->findx[i++].len;
    fprintf(fp, "%llu|%lld.%06ld|%llu\n", (unsigned long long)e.offset,
            (long long)e.ts.tv_sec, (long)e.ts.tv_usec, (unsigned long long)e.len);
  }
  if (fclose(fp) != 0)
    return output_fail("cannot write", path, errno);
  return TF_OK;
}

/* ------------------------------------------------------------ close */

/* f's append buffer holds every byte of the flow, from offset 0. */
static int output_whole_in_buffer(const struct tf_flow *f)
{
  return f->wbuf && f->wbuf->start == 0 && f->wbuf->len >= f->file_size;
}

tf_err Tf_output_close(struct tf_output *out, struct tf_flow *f)
{
  struct tf_wbuf *keep = NULL;
  tf_err e = TF_OK, e2;
  if (output_whole_in_buffer(f)) {
    /* Written (-FX: not even that), but kept until Tf_output_release:
     * the scanners at close read the flow from here, not from disk. */
    keep = f->wbuf;
    if (out->opt->store_output && keep->len > 0)
      e = output_pwrite(out, f, 0, keep->data, keep->len);
    f->wbuf = NULL;
  }
  e2 = output_close_fd(out, f);
  if (e == TF_OK)
    e = e2;
  if (f->has_file && !f->temp_storage && f->file_size == 0) {
    /* An empty file still gets the flow's time, like every other. */
    if (output_ensure_open(out, f) == TF_OK)
      output_close_fd(out, f);
  }
  f->wbuf = keep;
  e2 = out->opt->findx ? findx_write(out, f) : TF_OK;
  return e != TF_OK ? e : e2;
}

uint64_t Tf_output_size(const struct tf_flow *f)
{
  return output_end(f);
}

const uint8_t *Tf_output_held(const struct tf_flow *f)
{
  return output_whole_in_buffer(f) ? f->wbuf->data : NULL;
}

tf_err Tf_output_readback(struct tf_output *out, struct tf_flow *f, uint64_t offset, uint8_t *buf,
                          size_t len)
{
  tf_err e;
  if (f->wbuf && offset >= f->wbuf->start && offset + len <= f->wbuf->start + f->wbuf->len) {
    memcpy(buf, f->wbuf->data + (offset - f->wbuf->start), len);
    return TF_OK; /* still in memory: no write and read back */
  }
  e = wbuf_flush(out, f);
  if (e == TF_OK)
    e = output_ensure_open(out, f);
  while (e == TF_OK && len > 0) {
    ssize_t n = pread(f->fd, buf, len, (off_t)offset);
    if (n <= 0)
      return output_fail("cannot read back", f->path, n < 0 ? errno : EIO);
    buf += n;
    len -= (size_t)n;
    offset += (uint64_t)n;
  }
  return e;
}

long Tf_output_read(const char *path, uint64_t offset, uint8_t *buf, size_t len)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n;
  if (fd < 0)
    return -1;
  n = pread(fd, buf, len, (off_t)offset);
  close(fd);
  return n;
}

void Tf_output_release(struct tf_output *out, struct tf_flow *f)
{
  if (f->wbuf) {
    wbuf_put(out, f->wbuf);
    f->wbuf = NULL;
  }
  if (f->fd >= 0) {
    close(f->fd);
    f->fd = -1;
    Tfl_list_remove(&f->lru);
    out->open_count--;
  }
  if (f->temp_storage && f->path)
    unlink(f->path);
  free(f->path);
  f->path = NULL;
  free(f->findx);
  f->findx = NULL;
  f->nfindx = f->findx_cap = 0;
}
