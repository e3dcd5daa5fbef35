/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * md5 scanner: the MD5 of every flow (and optionally SHA-1/SHA-256) as
 * <hashdigest type='MD5'> in the flow's <fileobject>.  Digests are computed
 * from the bytes the host streams while it reads the capture, completed at
 * close (after a hole, or from the start when streamed bytes changed):
 * exactly the flow file's content (gaps are zeros there), so they equal
 * md5sum of the file, without the file being read again.
 *
 * Hashing runs at about 700 MB/s, slower than the host places bytes, so
 * worker threads do it (md5_thread=1, the default; md5_threads of them):
 * flow_data copies the bytes into the ring of the flow's worker and
 * returns, every byte of every flow.  The calling thread never hashes and
 * never waits for a hash: when the worker has not finished a closing
 * flow, flow_close says TFS_FLOW_LATER (SDK 1.2) and the host asks
 * flow_finish later, which writes the digests once the worker is done.
 * A flow is on one worker at a time, so its chunks are hashed in order.  The
 * workers block every signal, so the host's handlers (and its crash
 * guard) stay on the thread that calls us.  Digest types are fetched once
 * and finished flows' contexts reused: OpenSSL 3 would otherwise look the
 * digest up and allocate a context for every flow.
 */
#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tcpflow/scanner.h>

#define MD5_MAX_DIGESTS 4
#define MD5_RING (4u << 20)     /* bytes waiting for the workers, all together */
#define MD5_MIN_RING (1u << 20) /* per worker, at least */
#define MD5_JOBS 4096           /* chunks waiting for the worker */
#define MD5_MAX_JOB (256u << 10) /* larger chunks are queued in pieces */
#define MD5_MAX_THREADS 16
#define MD5_NUDGE_MS 10         /* a closed flow waits this long for a batch to fill */
#define MD5_SPARE 1024          /* finished flows kept for reuse (contexts and all) */

struct md5_flow;

/* What the worker does for a job. */
enum md5_kind {
  MD5_BYTES,                    /* len bytes at ring offset `at` */
  MD5_ZEROS,                    /* len zeros (a gap) */
  MD5_FINAL                     /* the flow is complete: finish its digests */
};

/* A job for the worker.  With `init`, the flow's digests start over
 * first (the flow's first job): digest set-up and finish run on the
 * worker too, not on the thread that calls the scanner. */
struct md5_job {
  struct md5_flow *mf;
  size_t at, len;
  size_t skip;                  /* ring bytes left unused before `at` */
  uint8_t kind;                 /* enum md5_kind */
  uint8_t init;
};

/* One worker and its queue: one producer (the thread that calls the
 * scanner), one consumer (the worker), no lock on the way.  Jobs
 * [tail, head) are queued (free-running counters, slot = counter %
 * MD5_JOBS); their bytes and skipped ring ends take ring_used bytes of the
 * ring.  The producer writes a job and its bytes, then publishes it by
 * advancing head; the worker hashes it, gives its bytes back, then
 * advances tail.  The lock and the two conditions serve only to sleep:
 * the worker when the queue is empty (`idle`), the producer when it waits
 * for room or for a flow (`want`).  Those flags and the counters are
 * sequentially consistent atomics, so that a sleeper is always seen by
 * the other side (each sets its flag, then looks at the other's counters;
 * the other changes its counter, then looks at the flag). */
struct md5_worker {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t work;          /* jobs published, or quit */
  pthread_cond_t done;          /* a job hashed while the producer waits */
  uint8_t *ring;
  struct md5_job jobs[MD5_JOBS];
  size_t ring_size;             /* MD5_RING shared out, at least MD5_MIN_RING */
  size_t ring_head;             /* where the next bytes go (producer only) */
  int staged;                   /* jobs[head % MD5_JOBS] is filled but not yet
                                   published: a flow's next segments extend it
                                   (producer only) */
  unsigned head, tail;          /* atomic */
  size_t ring_used;             /* atomic */
  int idle, want, quit;         /* atomic; want: MD5_WANT_* */
  const struct md5_flow *want_mf; /* atomic: the flow waited for */
  uint64_t nudged_ms;           /* last md5_done wake-up (producer only) */
};

/* What the producer sleeps for: the worker wakes it only then, not after
 * every job (a wake-up per job costs a futex round trip and a context
 * switch each). */
#define MD5_WANT_NONE 0
#define MD5_WANT_SPACE 1 /* woken once half the ring and half the jobs are free */
#define MD5_WANT_FLOW 2  /* woken once every job of want_mf is hashed */

struct md5_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  int ndigests;
  /* Fetched once: an EVP_MD from EVP_get_digestbyname is fetched again by
   * OpenSSL 3 at every EVP_DigestInit_ex, i.e. for every flow.  Owned. */
  EVP_MD *md[MD5_MAX_DIGESTS];
  const char *label[MD5_MAX_DIGESTS]; /* the type attribute */
  struct md5_worker *workers[MD5_MAX_THREADS]; /* none: hash on the calling thread */
  int nworkers;
  /* Finished flows, their contexts kept: a million flows need not
   * allocate a million contexts.  Owned; next through `spare_next`. */
  struct md5_flow *spare;
  int nspare;
};

/* One flow's digests in progress, kept in the flow's scanner slot: the
 * host streams bytes as they arrive, interleaved across flows. */
struct md5_flow {
  EVP_MD_CTX *mdctx[MD5_MAX_DIGESTS];
  const EVP_MD *md[MD5_MAX_DIGESTS]; /* borrowed from md5_state */
  int ndigests;
  int need_init;                /* the next job starts the digests (producer only) */
  unsigned char digest[MD5_MAX_DIGESTS][EVP_MAX_MD_SIZE]; /* once finished */
  unsigned int dlen[MD5_MAX_DIGESTS];
  int finished;
  struct md5_worker *w;         /* its worker, or NULL (md5_thread=0) */
  unsigned pending;             /* jobs queued for it (atomic) */
  int failed;                   /* a digest update failed in the worker */
  uint64_t closed_ms;           /* when flow_close said TFS_FLOW_LATER */
  struct md5_flow *spare_next;  /* on md5_state's spare list */
};

static const struct tfs_setting md5_settings[] = {
    {"md5_extra_digests", "", "further digests as extra hashdigest elements: sha1,sha256"},
    {"md5_thread", "1", "1: hash on worker threads while the capture is read; 0: inline"},
    {"md5_threads", "auto", "worker threads with md5_thread=1: 1-16, or auto (one per CPU, at most 4)"},
    {NULL, NULL, NULL}};

/* ------------------------------------------------------------ worker */

#define LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define ADD(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define SUB(p, v) __atomic_sub_fetch((p), (v), __ATOMIC_SEQ_CST)

static int md5_hash(struct md5_flow *mf, const void *data, size_t len)
{
  for (int i = 0; i < mf->ndigests; i++)
    if (EVP_DigestUpdate(mf->mdctx[i], data, len) != 1)
      return -1;
  return 0;
}

static int md5_start(struct md5_flow *mf)
{
  mf->finished = 0;
  for (int i = 0; i < mf->ndigests; i++)
    if (EVP_DigestInit_ex(mf->mdctx[i], mf->md[i], NULL) != 1)
      return -1;
  return 0;
}

static int md5_finish(struct md5_flow *mf)
{
  for (int i = 0; i < mf->ndigests; i++)
    if (EVP_DigestFinal_ex(mf->mdctx[i], mf->digest[i], &mf->dlen[i]) != 1)
      return -1;
  mf->finished = 1;
  return 0;
}

static int md5_hash_zeros(struct md5_flow *mf, size_t len)
{
  static const uint8_t zeros[4096];
  while (len > 0) {
    size_t n = len < sizeof(zeros) ? len : sizeof(zeros);
    if (md5_hash(mf, zeros, n) != 0)
      return -1;
    len -= n;
  }
  return 0;
}

/* Wakes whoever sleeps on c.  Taking and dropping the lock first means a
 * thread that found nothing to do is inside pthread_cond_wait by then,
 * not about to enter it.  The signal comes after the unlock: the woken
 * thread often runs at once, on our CPU; signalled under the lock, it would
 * find the lock held and sleep again, and be woken a second time at the
 * unlock (two context switches per wake-up, the producer preempted for
 * each). */
static void md5_signal(struct md5_worker *w, pthread_cond_t *c)
{
  pthread_mutex_lock(&w->lock);
  pthread_mutex_unlock(&w->lock);
  pthread_cond_signal(c);
}

static void *md5_worker_main(void *arg)
{
  struct md5_worker *w = arg;
  unsigned tail = LOAD(&w->tail);
  for (;;) {
    struct md5_job j;
    int rc, want, empty;
    if (tail == LOAD(&w->head)) {
      int quit;
      pthread_mutex_lock(&w->lock);
      STORE(&w->idle, 1);
      while (tail == LOAD(&w->head) && !LOAD(&w->quit))
        pthread_cond_wait(&w->work, &w->lock);
      STORE(&w->idle, 0);
      quit = tail == LOAD(&w->head);
      pthread_mutex_unlock(&w->lock);
      if (quit)
        break;
      continue;
    }
    j = w->jobs[tail % MD5_JOBS];
    rc = j.init ? md5_start(j.mf) : 0;
    if (rc == 0)
      rc = j.kind == MD5_ZEROS ? md5_hash_zeros(j.mf, j.len)
         : j.kind == MD5_FINAL ? md5_finish(j.mf) : md5_hash(j.mf, w->ring + j.at, j.len);
    if (rc != 0)
      j.mf->failed = 1;
    if (j.kind == MD5_BYTES)
      SUB(&w->ring_used, j.skip + j.len);
    /* After `failed` and the digests: who reads 0 sees them. */
    SUB(&j.mf->pending, 1);
    STORE(&w->tail, ++tail);
    /* An empty queue wakes any waiter: nothing more will come. */
    want = LOAD(&w->want);
    empty = LOAD(&w->head) == tail;
    if ((want == MD5_WANT_SPACE && (empty || (LOAD(&w->ring_used) <= w->ring_size / 2 &&
                                              LOAD(&w->head) - tail <= MD5_JOBS / 2))) ||
        (want == MD5_WANT_FLOW && (empty || (LOAD(&w->want_mf) == j.mf &&
                                             LOAD(&j.mf->pending) == 0))))
      md5_signal(w, &w->done);
  }
  return NULL;
}

static struct md5_worker *md5_worker_start(size_t ring_size)
{
  struct md5_worker *w = calloc(1, sizeof(*w));
  sigset_t all, old;
  int rc;
  if (!w || !(w->ring = malloc(ring_size))) {
    free(w);
    return NULL;
  }
  w->ring_size = ring_size;
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->work, NULL);
  pthread_cond_init(&w->done, NULL);
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old); /* inherited by the worker */
  rc = pthread_create(&w->thread, NULL, md5_worker_main, w);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) {
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    free(w->ring);
    free(w);
    return NULL;
  }
  return w;
}

/* Wakes the worker if it sleeps (it then hashes all that is queued). */
static void md5_kick(struct md5_worker *w)
{
  if (LOAD(&w->idle))
    md5_signal(w, &w->work);
}

/* Hands the staged job to the worker. */
static void md5_publish(struct md5_worker *w)
{
  if (w->staged) {
    w->staged = 0;
    STORE(&w->head, LOAD(&w->head) + 1);
  }
}

/* Woken in batches: a wake-up per segment would cost a futex round trip
 * and a context switch each. */
static void md5_batch_wake(struct md5_worker *w)
{
  /* A quarter of the ring: the worker has work for a while, the producer
   * room for a while. */
  if (LOAD(&w->ring_used) >= w->ring_size / 4 || LOAD(&w->head) - LOAD(&w->tail) >= MD5_JOBS / 2) {
    md5_publish(w);
    md5_kick(w);
  }
}

static void md5_worker_stop(struct md5_worker *w)
{
  if (!w)
    return;
  md5_publish(w);
  pthread_mutex_lock(&w->lock);
  STORE(&w->quit, 1);
  pthread_cond_signal(&w->work);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL); /* it hashes what is queued first */
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->work);
  pthread_cond_destroy(&w->done);
  free(w->ring);
  free(w);
}

/* What the producer may wait for. */
struct md5_until {
  size_t room;                  /* ring bytes needed, with a free job slot */
  const struct md5_flow *mf;    /* or: every job of mf hashed */
};

static int md5_until_met(struct md5_worker *w, const struct md5_until *u)
{
  if (u->mf)
    return LOAD(&u->mf->pending) == 0;
  return LOAD(&w->head) - LOAD(&w->tail) < MD5_JOBS &&
         LOAD(&w->ring_used) + u->room <= w->ring_size;
}

/* Sleeps until u holds, waking the worker first. */
static void md5_wait_until(struct md5_worker *w, const struct md5_until *u)
{
  md5_publish(w); /* what we wait for may be in it */
  if (md5_until_met(w, u))
    return;
  pthread_mutex_lock(&w->lock);
  STORE(&w->want_mf, u->mf);
  STORE(&w->want, u->mf ? MD5_WANT_FLOW : MD5_WANT_SPACE);
  while (!md5_until_met(w, u)) {
    if (LOAD(&w->idle))
      pthread_cond_signal(&w->work);
    pthread_cond_wait(&w->done, &w->lock);
  }
  STORE(&w->want, MD5_WANT_NONE);
  pthread_mutex_unlock(&w->lock);
}

/* Queues one job of mf: n bytes of data (at most MD5_MAX_JOB), n zeros
 * (data NULL), or the finish (kind MD5_FINAL). */
static void md5_push(struct md5_worker *w, struct md5_flow *mf, enum md5_kind kind,
                     const uint8_t *data, size_t n)
{
  size_t at = 0, skip = 0;
  unsigned head = LOAD(&w->head);
  struct md5_job *j = &w->jobs[head % MD5_JOBS];
  struct md5_until u = {0, NULL};
  if (w->staged && kind == MD5_BYTES && j->kind == MD5_BYTES && j->mf == mf &&
      j->at + j->len == w->ring_head && j->len + n <= MD5_MAX_JOB &&
      w->ring_head + n <= w->ring_size && LOAD(&w->ring_used) + n <= w->ring_size) {
    /* The same flow again: its staged job grows (one job for a run of
     * segments, not one each; the worker's cost is per job). */
    memcpy(w->ring + w->ring_head, data, n);
    j->len += n;
    w->ring_head += n;
    ADD(&w->ring_used, n);
    md5_batch_wake(w);
    return;
  }
  md5_publish(w);
  head = LOAD(&w->head);
  if (kind == MD5_BYTES) {
    if (LOAD(&w->tail) == head) /* all hashed: start again at the front */
      w->ring_head = 0;
    at = w->ring_head;
    if (at + n > w->ring_size) {
      skip = w->ring_size - at;
      at = 0;
    }
    u.room = skip + n;
  }
  md5_wait_until(w, &u);
  j = &w->jobs[head % MD5_JOBS];
  j->mf = mf;
  j->at = at;
  j->skip = skip;
  j->len = n;
  j->kind = (uint8_t)kind;
  j->init = (uint8_t)mf->need_init;
  mf->need_init = 0;
  if (kind == MD5_BYTES) {
    memcpy(w->ring + at, data, n);
    w->ring_head = at + n;
    ADD(&w->ring_used, skip + n);
  }
  ADD(&mf->pending, 1);
  if (kind == MD5_BYTES)
    w->staged = 1; /* published with the next job, or when someone waits */
  else
    STORE(&w->head, head + 1);
  md5_batch_wake(w);
}

/* Queue len bytes (or len zeros when data is NULL) of mf for the worker. */
static void md5_queue(struct md5_worker *w, struct md5_flow *mf, const uint8_t *data, size_t len)
{
  while (len > 0) {
    size_t n = len < MD5_MAX_JOB ? len : MD5_MAX_JOB;
    md5_push(w, mf, data ? MD5_BYTES : MD5_ZEROS, data, n);
    if (data)
      data += n;
    len -= n;
  }
}

/* Until the worker has hashed everything queued for mf. */
static void md5_wait(struct md5_worker *w, struct md5_flow *mf)
{
  struct md5_until u = {0, mf};
  if (w)
    md5_wait_until(w, &u);
}

static uint64_t md5_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Has the worker hashed every byte queued for mf?  With wait, until it
 * has.  Without, an idle worker that has not been woken for a closed
 * flow (its batch not full yet) is woken once the flow has waited
 * MD5_NUDGE_MS, so that a quiet live capture still gets its digests. */
static int md5_done(struct md5_flow *mf, int wait)
{
  struct md5_worker *w = mf->w;
  uint64_t now;
  if (!w || LOAD(&mf->pending) == 0)
    return 1;
  if (wait) {
    md5_wait(w, mf);
    return 1;
  }
  /* At most one wake-up per MD5_NUDGE_MS: the host asks after every close,
   * and waking the worker for each would undo the batching. */
  now = md5_now_ms();
  if (now - mf->closed_ms >= MD5_NUDGE_MS && now - w->nudged_ms >= MD5_NUDGE_MS) {
    w->nudged_ms = now;
    md5_publish(w);
    md5_kick(w);
  }
  return LOAD(&mf->pending) == 0;
}

static int md5_add_digest(struct md5_state *st, const char *name, const char *label)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  EVP_MD *md = st->ndigests < MD5_MAX_DIGESTS ? EVP_MD_fetch(NULL, name, NULL) : NULL;
#else
  EVP_MD *md = st->ndigests < MD5_MAX_DIGESTS ? (EVP_MD *)EVP_get_digestbyname(name) : NULL;
#endif
  if (!md) {
    st->host->log(st->ctx, TFS_LOG_ERROR, "unknown or too many digests: '%s' (known: sha1, sha256)",
                  name);
    return TFS_ERROR;
  }
  st->md[st->ndigests] = md;
  st->label[st->ndigests] = label;
  st->ndigests++;
  return TFS_OK;
}

static void md5_flow_destroy(struct md5_flow *mf)
{
  for (int i = 0; i < MD5_MAX_DIGESTS; i++)
    EVP_MD_CTX_free(mf->mdctx[i]);
  free(mf);
}

static void md5_fini(void *state)
{
  struct md5_state *st = state;
  if (!st)
    return;
  for (int i = 0; i < st->nworkers; i++)
    md5_worker_stop(st->workers[i]);
  while (st->spare) {
    struct md5_flow *next = st->spare->spare_next;
    md5_flow_destroy(st->spare);
    st->spare = next;
  }
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  for (int i = 0; i < st->ndigests; i++)
    EVP_MD_free(st->md[i]);
#endif
  free(state);
}

static int md5_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct md5_state *st = calloc(1, sizeof(*st));
  const char *extra, *thread, *threads;
  long nthreads = 1;
  if (!st)
    return TFS_ERROR;
  st->host = host;
  st->ctx = ctx;
  *state = st;
  if (md5_add_digest(st, "MD5", "MD5") != TFS_OK)
    return TFS_ERROR;
  extra = host->setting(ctx, "md5_extra_digests");
  while (extra && *extra) {
    size_t n = strcspn(extra, ",");
    if (n == 4 && strncasecmp(extra, "sha1", 4) == 0) {
      if (md5_add_digest(st, "SHA1", "SHA1") != TFS_OK)
        return TFS_ERROR;
    } else if (n == 6 && strncasecmp(extra, "sha256", 6) == 0) {
      if (md5_add_digest(st, "SHA256", "SHA256") != TFS_OK)
        return TFS_ERROR;
    } else if (n > 0) {
      host->log(ctx, TFS_LOG_ERROR, "md5_extra_digests: unknown digest '%.*s' (known: sha1, sha256)",
                (int)n, extra);
      return TFS_ERROR;
    }
    extra += n;
    if (*extra == ',')
      extra++;
  }
  thread = host->setting(ctx, "md5_thread");
  threads = host->setting(ctx, "md5_threads");
  if (!threads || strcmp(threads, "auto") == 0) {
    /* One per CPU: on two cores a second worker lets the hashing of a
     * few large flows (W1) use the core the main thread leaves. */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    nthreads = cpus < 1 ? 1 : cpus > 4 ? 4 : cpus;
  } else {
    char *end;
    nthreads = strtol(threads, &end, 10);
    if (*threads == '\0' || *end != '\0' || nthreads < 1 || nthreads > MD5_MAX_THREADS) {
      host->log(ctx, TFS_LOG_ERROR, "md5_threads: '%s' is not 'auto' or a number from 1 to %d",
                threads, MD5_MAX_THREADS);
      return TFS_ERROR;
    }
  }
  /* No thread at all (none could start): hash inline. */
  for (long i = 0; (!thread || strcmp(thread, "0") != 0) && i < nthreads; i++)
    if ((st->workers[st->nworkers] =
             md5_worker_start(MD5_RING / nthreads > MD5_MIN_RING ? MD5_RING / nthreads
                                                                 : MD5_MIN_RING)))
      st->nworkers++;
  return TFS_OK;
}

/* The worker with the fewest bytes waiting to be hashed; `own` on a tie
 * (NULL: none, md5_thread=0).  A flow with nothing queued moves to it: its
 * chunks stay in order, as one worker at a time has them.  Flows given to
 * workers in turn once and for all left one worker with twice the other's
 * work on W3, and on W1 (each connection a small request and a large
 * response) every large response on the same worker, the other core idle. */
static struct md5_worker *md5_least_busy(const struct md5_state *st, struct md5_worker *own)
{
  struct md5_worker *best = own;
  for (int i = 0; i < st->nworkers; i++)
    if (!best || LOAD(&st->workers[i]->ring_used) < LOAD(&best->ring_used))
      best = st->workers[i];
  return best;
}

/* mf is done with: kept for the next flow, or freed. */
static void md5_flow_free(struct md5_state *st, struct md5_flow *mf)
{
  if (!mf)
    return;
  md5_wait(mf->w, mf);
  if (st->nspare >= MD5_SPARE || mf->failed) {
    md5_flow_destroy(mf);
    return;
  }
  mf->spare_next = st->spare;
  st->spare = mf;
  st->nspare++;
}

/* A fresh digest for the flow (also when the host replays from offset 0). */
static struct md5_flow *md5_begin(struct md5_state *st, const struct tfs_flow_info *flow)
{
  struct md5_flow *mf = *flow->scanner_state;
  if (!mf && st->spare) {
    mf = st->spare;
    st->spare = mf->spare_next;
    st->nspare--;
    mf->pending = 0;
    *flow->scanner_state = mf;
  }
  if (!mf) {
    mf = calloc(1, sizeof(*mf));
    if (!mf)
      return NULL;
    *flow->scanner_state = mf;
  }
  md5_wait(mf->w, mf); /* starting over: nothing of before may still be hashed */
  mf->ndigests = st->ndigests;
  mf->failed = 0;
  mf->finished = 0;
  mf->w = md5_least_busy(st, NULL);
  for (int i = 0; i < st->ndigests; i++) {
    if (!mf->mdctx[i] && !(mf->mdctx[i] = EVP_MD_CTX_new()))
      return NULL;
    mf->md[i] = st->md[i];
  }
  /* The worker starts the digests with the flow's first job. */
  mf->need_init = mf->w != NULL;
  if (!mf->w && md5_start(mf) != 0)
    return NULL;
  return mf;
}

static int md5_flow_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                         const uint8_t *data, size_t len)
{
  struct md5_state *st = state;
  struct md5_flow *mf = *flow->scanner_state;
  if ((!mf || offset == 0) && !(mf = md5_begin(st, flow)))
    return TFS_ERROR;
  if (mf->w) {
    if (LOAD(&mf->pending) == 0)
      mf->w = md5_least_busy(st, mf->w);
    md5_queue(mf->w, mf, data, len); /* data NULL: a gap, zeros in the file */
    return TFS_OK;
  }
  if (data)
    return md5_hash(mf, data, len) == 0 ? TFS_OK : TFS_ERROR;
  return md5_hash_zeros(mf, len) == 0 ? TFS_OK : TFS_ERROR;
}

/* The digests of mf (all hashed) into the flow's <fileobject>; mf is done
 * with afterwards. */
static int md5_report(struct md5_state *st, const struct tfs_flow_info *flow, struct md5_flow *mf)
{
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  int rc = mf->failed || !mf->finished ? TFS_ERROR : TFS_OK;
  for (int i = 0; i < st->ndigests && rc == TFS_OK; i++) {
    for (unsigned j = 0; j < mf->dlen[i]; j++) {
      static const char x[] = "0123456789abcdef";
      hex[2 * j] = x[mf->digest[i][j] >> 4];
      hex[2 * j + 1] = x[mf->digest[i][j] & 15];
    }
    hex[2 * mf->dlen[i]] = '\0';
    if (st->host->xml_start(st->ctx, "hashdigest") != TFS_OK ||
        st->host->xml_attr(st->ctx, "type", st->label[i]) != TFS_OK ||
        st->host->xml_text(st->ctx, hex) != TFS_OK || st->host->xml_end(st->ctx) != TFS_OK)
      rc = TFS_ERROR;
  }
  md5_flow_free(st, mf);
  *flow->scanner_state = NULL;
  return rc;
}

static int md5_flow_close(void *state, const struct tfs_flow_info *flow)
{
  struct md5_state *st = state;
  struct md5_flow *mf = *flow->scanner_state;
  /* A flow without a file and without bytes has nothing to digest; an
   * empty file gets the digest of nothing. */
  if (!mf && (!flow->path || !(mf = md5_begin(st, flow))))
    return flow->path ? TFS_ERROR : TFS_OK;
  if (mf->w)
    md5_push(mf->w, mf, MD5_FINAL, NULL, 0);
  else if (md5_finish(mf) != 0)
    mf->failed = 1;
  if (!md5_done(mf, 0)) {
    mf->closed_ms = md5_now_ms();
    return TFS_FLOW_LATER; /* the slot stays ours until flow_finish */
  }
  return md5_report(st, flow, mf);
}

static int md5_flow_finish(void *state, const struct tfs_flow_info *flow, int wait)
{
  struct md5_state *st = state;
  struct md5_flow *mf = *flow->scanner_state;
  if (!mf)
    return TFS_ERROR; /* not a flow we deferred */
  if (!md5_done(mf, wait))
    return TFS_FLOW_LATER;
  return md5_report(st, flow, mf);
}

/* A flow that ends without flow_close or flow_finish (the scanner was
 * disabled, the run stopped): its state goes back once the worker is done
 * with it. */
static void md5_flow_state_free(void *state, const struct tfs_flow_info *flow, void *flow_state)
{
  (void)flow;
  md5_flow_free(state, flow_state);
}

static const struct tfs_scanner md5_scanner = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "md5",
    .version = "1.1",
    .description = "MD5 (and optionally SHA-1/SHA-256) of every flow, in the report",
    .flags = TFS_SCANNER_WANTS_DATA | TFS_SCANNER_STREAMS | TFS_SCANNER_PARALLEL_SAFE,
    .settings = md5_settings,
    .init = md5_init,
    .flow_data = md5_flow_data,
    .flow_close = md5_flow_close,
    .fini = md5_fini,
    .flow_state_free = md5_flow_state_free,
    .flow_finish = md5_flow_finish,
};

TFS_SCANNER_ENTRY(md5_scanner)
