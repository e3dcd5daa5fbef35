/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Guarded delivery of the SDK's events to the enabled scanners (see
 * dispatch.h).  Beyond faults (guard.h), a call that never returns is
 * left by the watchdog or a second SIGINT/SIGTERM the same way, and exit()
 * from inside a callback is caught on its way out by an atexit handler
 * that closes the report before the process ends.
 *
 * Per flow, each scanner has a slot (its *flow->scanner_state) and a byte
 * of delivery state: whether flow_begin was called and the verdict the
 * scanner gave (SDK 1.1).  Both live in one allocation per flow, made when
 * the flow opens.
 *
 * A 1.2 scanner may finish a flow later (TFS_FLOW_LATER from flow_close):
 * the flow waits in a FIFO with a copy of its flow info and the scanner's
 * slot, its report entry is recorded (report.h), and flow_finish is asked
 * for the oldest one after packets and closes, waiting for it when too
 * much waits and at the end of the input (Tf_dispatch_finish_pending).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sdk/tcpflow/scanner.h"
#include "dispatch.h"
#include "error.h"
#include "guard.h"
#include "log.h"
#include "options.h"
#include "module.h"
#include "output.h"
#include "tfl_packet.h"
#include "plugins.h"
#include "report.h"
#include "run.h"
#include "services.h"
#include "tfl_list.h"

#define REPLAY_CHUNK (256 * 1024)

struct pending;

/* Which data scanners an event is for. */
enum audience { TO_CLOSE_SCANNERS, TO_STREAMERS, TO_ALL };

/* The dispatch stage of a run; created by Tf_dispatch_start, freed by
 * Tf_dispatch_fini. */
struct tf_dispatch {
  /* Asked for every stored segment, so kept up to date (update_active)
   * instead of looping over the modules each time. */
  int data_active;   /* a started scanner wants flow bytes */
  int stream_active; /* ... and takes them while the capture is read */
  /* Per module, bit (1 << enum audience) when it hears such events (kept
   * by update_active): a byte each, read for every segment, where the
   * modules' own structs are kilobytes apart.  Owned. */
  uint8_t *audience;
  uint8_t audience_any; /* the bits of all modules together */
  /* Flows a scanner finishes later, oldest first (struct pending). */
  struct tfl_list pending;
  size_t npending;
  unsigned ticks;    /* Tf_dispatch_tick's count */
  uint8_t replay_buf[REPLAY_CHUNK];
};

static void update_active(struct tf_run *run);

/* Every call into a scanner goes through plugins_call, under the crash
 * guard (guard.h); the kinds name the callbacks in messages. */
enum call_kind {
  CALL_INIT,
  CALL_PACKET,
  CALL_FLOW_OPEN,
  CALL_FLOW_DATA,
  CALL_FLOW_CLOSE,
  CALL_RUN_END,
  CALL_FINI,
  CALL_FLOW_BEGIN,
  CALL_FLOW_STATE_FREE,
  CALL_FLOW_FINISH
};

static const char *const call_names[] = {"init", "packet", "flow_open", "flow_data",
                                         "flow_close", "run_end", "fini", "flow_begin",
                                         "flow_state_free", "flow_finish"};

struct call {
  enum call_kind kind;
  const struct tfs_flow_info *fi;
  const struct tfs_packet *pkt;
  uint64_t off;
  const uint8_t *data;
  size_t len;
  void *flow_state;
  int wait; /* flow_finish */
};

#define CALL_CRASHED (-100) /* not a TFS_ code: the scanner faulted */

/* Per-flow delivery state of one scanner (a byte after the slots). */
#define V_DONE 0x01u  /* TFS_FLOW_DONE: no more flow_data */
#define V_SKIP 0x02u  /* TFS_FLOW_SKIP: no more flow_data, no flow_close */
#define V_BEGUN 0x04u /* flow_begin was called */

/* A 1.1 member of the descriptor, or NULL when the module's descriptor is
 * too short to have it (a 1.0 module). */
#define DESC_FN(m, member) \
  (TFS_HAS_MEMBER((m)->desc, struct tfs_scanner, member) ? (m)->desc->member : NULL)

/* May m answer TFS_FLOW_LATER (a 1.2 scanner with a flow_finish)? */
#define CAN_DEFER(m) ((m)->desc->abi_minor >= 2 && DESC_FN(m, flow_finish) != NULL)

/* A flow a scanner finishes later, oldest first.  fi is the copy flow_close
 * saw (fi.path -> a copy, fi.scanner_state -> slot); path names the flow in
 * messages.  Owned here. */
struct pending {
  struct tfl_list node; /* in the dispatcher's pending queue */
  struct tfs_ctx *m;
  struct tfs_flow_info fi;
  char *path;
  void *slot;
  struct tf_report_hole hole;
};
/* Past either, the oldest is waited for: a flow's entry and its copy cost
 * memory, and the report would lag behind the capture without end. */
#define PENDING_MAX_FLOWS 4096
#define PENDING_MAX_BYTES (64u << 20)

/* The scanner inside which the host is now, for the exit() handler, which
 * has no context but this (the scanner's run is scanner->run). */
static struct {
  struct tfs_ctx *scanner;
  enum call_kind kind;
  const struct tf_flow *flow;
  int armed; /* atexit(dispatch_on_exit) is done: once per process */
} dispatch_exit;

static int plugins_invoke(struct tfs_ctx *m, const struct call *c)
{
  const struct tfs_scanner *d = m->desc;
  switch (c->kind) {
  case CALL_INIT:
    return d->init(Tf_services_table(), m, &m->state);
  case CALL_PACKET:
    d->packet(m->state, c->pkt);
    return TFS_OK;
  case CALL_FLOW_OPEN:
    d->flow_open(m->state, c->fi);
    return TFS_OK;
  case CALL_FLOW_DATA:
    return d->flow_data(m->state, c->fi, c->off, c->data, c->len);
  case CALL_FLOW_CLOSE:
    return d->flow_close(m->state, c->fi);
  case CALL_RUN_END:
    return d->run_end(m->state);
  case CALL_FINI:
    d->fini(m->state);
    return TFS_OK;
  case CALL_FLOW_BEGIN:
    return d->flow_begin(m->state, c->fi);
  case CALL_FLOW_STATE_FREE:
    d->flow_state_free(m->state, c->fi, c->flow_state);
    return TFS_OK;
  case CALL_FLOW_FINISH:
    return d->flow_finish(m->state, c->fi, c->wait);
  }
  return TFS_ERROR;
}

/* Remembers that m failed, for the report's <scanner_failure> and for the
 * exit status. */
static void failure_record(struct tfs_ctx *m, const char *event, const char *reason,
                           const char *flow)
{
  m->failed = 1;
  m->fail_event = event;
  snprintf(m->fail_reason, sizeof(m->fail_reason), "%s", reason);
  snprintf(m->fail_flow, sizeof(m->fail_flow), "%s", flow);
}

/* Says why m stops ("scanner 'x' failed", "... crashed with ...") and in
 * which callback and flow, and remembers it for the report's
 * <scanner_failure> and for the exit status. */
static void plugins_disable(struct tf_run *run, struct tfs_ctx *m, enum call_kind kind,
                            const struct tf_flow *f, const char *what, const char *reason)
{
  const char *flow = f && f->path ? f->path : "";
  Tf_log_error("%s in %s%s%s%s", what, call_names[kind], *flow ? " for " : "", flow,
               kind == CALL_INIT ? "" : "; it is disabled for the rest of the run");
  failure_record(m, call_names[kind], reason, flow);
  update_active(run);
}

void Tf_dispatch_load_failed(struct tfs_ctx *m)
{
  failure_record(m, "load", m->load_error, "");
}

static void report_failures(struct tf_run *run)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  for (int i = 0; i < nmodules; i++) {
    const struct tfs_ctx *m = &modules[i];
    if (m->failed)
      Tf_report_scanner_failure(run->report, m->name, m->fail_event, m->fail_reason, m->fail_flow);
  }
}

/* exit() from inside a scanner callback: the host's own code after the
 * call never runs, so the report is finished here, with the scanner's
 * failure in its <summary>, and the process ends with its own status.
 * Flows still open are not in the report (their files hold what was
 * written).  _exit: the remaining exit handlers belong to code that was
 * interrupted halfway and cannot be trusted to run. */
static void dispatch_on_exit(void)
{
  struct tfs_ctx *m = dispatch_exit.scanner;
  struct tf_run *run;
  char what[TF_MODULE_MAX_NAME + 4096 + 64];
  if (!m)
    return;
  run = m->run;
  dispatch_exit.scanner = NULL;
  m->crashed = 1;
  snprintf(what, sizeof(what), "scanner '%s' (%s) called exit()", m->name, m->path);
  plugins_disable(run, m, dispatch_exit.kind, dispatch_exit.flow, what,
                  "called exit(); the run was ended, flows still open are not reported");
  if (Tf_report_is_open(run->report)) {
    struct tf_run_stats st;
    memset(&st, 0, sizeof(st));
    Tf_report_summary_begin(run->report);
    report_failures(run);
    Tf_report_summary_end(run->report);
    (void)Tf_report_close(run, &st); /* a failure to write it was logged */
  }
  fflush(NULL);
  _exit(TF_EXIT_SCANNER_EXIT);
}

/* Signals the guard's escape leaves blocked (their handlers were running
 * when the jump left them). */
static void unblock_escape_signals(void)
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGALRM);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Runs one callback of m.  Returns its result, or CALL_CRASHED when the
 * scanner faulted, hung or was interrupted: it is then disabled for good,
 * its state is not touched again (not even by fini), and the run goes on
 * without it. */
static int plugins_call(struct tf_run *run, struct tfs_ctx *m, const struct call *c,
                        const struct tf_flow *f)
{
  struct tf_guard g;
  int rc;
  m->error_msg[0] = '\0';
  g.sig = 0; /* set by the handler before it jumps back here */
  g.addr = NULL;
  if (sigsetjmp(g.env, 0) != 0) {
    char why[128], what[TF_MODULE_MAX_NAME + 4096 + 200];
    dispatch_exit.scanner = NULL;
    unblock_escape_signals();
    Tf_guard_describe(&g, why, sizeof(why));
    snprintf(what, sizeof(what), "scanner '%s' (%s) %s %s", m->name, m->path,
             g.sig == SIGALRM ? "hung:" : g.sig == SIGINT || g.sig == SIGTERM ||
             g.sig == SIGHUP ? "was stopped by" : "crashed with", why);
    m->crashed = 1;
    plugins_disable(run, m, c->kind, f, what, why);
    Tf_services_close_outputs(m);
    return CALL_CRASHED;
  }
  dispatch_exit.scanner = m;
  dispatch_exit.kind = c->kind;
  dispatch_exit.flow = f;
  Tf_guard_enter(&g);
  rc = plugins_invoke(m, c);
  Tf_guard_leave();
  dispatch_exit.scanner = NULL;
  return rc;
}

/* A callback whose error disables the scanner (all but init).  Returns
 * TFS_OK, a verdict (1.1 scanners, from flow_begin and flow_data),
 * TFS_ERROR or CALL_CRASHED. */
static int plugins_run(struct tf_run *run, struct tfs_ctx *m, const struct call *c,
                       const struct tf_flow *f)
{
  char what[TF_MODULE_MAX_NAME + 32];
  char reason[sizeof(m->error_msg) + 32];
  int rc = plugins_call(run, m, c, f);
  if (rc == TFS_OK || rc == CALL_CRASHED)
    return rc;
  if ((rc == TFS_FLOW_DONE || rc == TFS_FLOW_SKIP) && m->desc->abi_minor >= 1 &&
      (c->kind == CALL_FLOW_DATA || c->kind == CALL_FLOW_BEGIN))
    return rc;
  if (rc == TFS_FLOW_LATER && CAN_DEFER(m) &&
      (c->kind == CALL_FLOW_CLOSE || (c->kind == CALL_FLOW_FINISH && !c->wait)))
    return rc;
  snprintf(what, sizeof(what), "scanner '%s' failed", m->name);
  if (rc == TFS_FLOW_LATER && m->desc->abi_minor >= 2)
    snprintf(reason, sizeof(reason), "returned TFS_FLOW_LATER %s",
             c->kind == CALL_FLOW_FINISH ? "when asked to wait" :
             c->kind == CALL_FLOW_CLOSE ? "without a flow_finish" : "outside flow_close");
  else if (m->error_msg[0])
    snprintf(reason, sizeof(reason), "returned an error: %s", m->error_msg);
  else
    snprintf(reason, sizeof(reason), "returned an error");
  plugins_disable(run, m, c->kind, f, what, reason);
  return TFS_ERROR;
}

tf_err Tf_dispatch_start(struct tf_run *run)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  tf_err e;
  run->dispatch = calloc(1, sizeof(*run->dispatch));
  if (!run->dispatch)
    return TF_ERR_NOMEM;
  Tfl_list_init(&run->dispatch->pending);
  /* The services first: once the dispatcher exists, Tf_dispatch_fini
   * walks every module's open outputs, which Tf_services_init sets up.
   * + 1: calloc(0) may say NULL. */
  if (Tf_services_init(run) != TF_OK ||
      !(run->dispatch->audience = calloc((size_t)nmodules + 1, 1)))
    return TF_ERR_NOMEM;
  if (!dispatch_exit.armed && atexit(dispatch_on_exit) == 0)
    dispatch_exit.armed = 1;
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    struct call c = {.kind = CALL_INIT};
    int rc;
    m->run = run;
    if (!m->enabled)
      continue;
    if (m->desc->init && (rc = plugins_call(run, m, &c, NULL)) != TFS_OK) {
      if (rc != CALL_CRASHED)
        Tf_log_error("scanner '%s' (%s) failed to start%s%s", m->name, m->path,
                     m->error_msg[0] ? ": " : "", m->error_msg);
      return TF_ERR_PLUGIN;
    }
    m->started = 1;
    Tf_log_debug(2, "scanner %s started", m->name);
  }
  update_active(run);
  if (Tf_plugins_any_enabled(run->plugins) &&
      (e = Tf_guard_watchdog_start(run->opt->scanner_timeout)) != TF_OK)
    return e;
  return TF_OK;
}

static int active(const struct tfs_ctx *m, uint32_t flags)
{
  return m->started && !m->failed && (m->desc->flags & flags) == flags;
}

static int any_active(struct tf_run *run, uint32_t flag)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  for (int i = 0; i < nmodules; i++)
    if (active(&modules[i], flag))
      return 1;
  return 0;
}

int Tf_dispatch_want_data(struct tf_run *run)
{
  if (!run->dispatch)
    return 0;
  return run->dispatch->data_active;
}

int Tf_dispatch_want_packets(struct tf_run *run)
{
  if (!run->dispatch)
    return 0;
  return any_active(run, TFS_SCANNER_WANTS_PACKETS);
}

/* Is m one of the scanners `who` names? */
static int audience_of(const struct tfs_ctx *m, enum audience who)
{
  if (!active(m, TFS_SCANNER_WANTS_DATA) || !m->desc->flow_data)
    return 0;
  return who == TO_ALL || (who == TO_STREAMERS) == ((m->desc->flags & TFS_SCANNER_STREAMS) != 0);
}

static void update_active(struct tf_run *run)
{
  int nmodules, defer = 0;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  run->dispatch->data_active = any_active(run, TFS_SCANNER_WANTS_DATA);
  run->dispatch->stream_active = any_active(run, TFS_SCANNER_WANTS_DATA | TFS_SCANNER_STREAMS);
  run->dispatch->audience_any = 0;
  for (int i = 0; i < nmodules; i++) {
    defer |= active(&modules[i], 0) && CAN_DEFER(&modules[i]);
    run->dispatch->audience[i] = 0;
    for (int who = TO_CLOSE_SCANNERS; who <= TO_ALL; who++)
      if (audience_of(&modules[i], (enum audience)who))
        run->dispatch->audience[i] |= (uint8_t)(1u << who);
    run->dispatch->audience_any |= run->dispatch->audience[i];
  }
  run->scanners_defer = defer; /* the report reads it (report.h) */
}

void Tf_dispatch_packet(struct tf_run *run, const struct tfl_packet *pkt)
{
  if (!run->dispatch)
    return; /* a run without scanners */
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  struct tfs_packet p = {.struct_size = sizeof(p), .dlt = pkt->dlt, .sec = pkt->ts.tv_sec,
                         .usec = (int32_t)pkt->ts.tv_usec, .caplen = pkt->caplen,
                         .len = pkt->wirelen, .data = pkt->frame,
                         .nsec = pkt->nsec};
  struct call c = {.kind = CALL_PACKET, .pkt = &p};
  for (int i = 0; i < nmodules; i++)
    if (active(&modules[i], TFS_SCANNER_WANTS_PACKETS) && modules[i].desc->packet)
      (void)plugins_run(run, &modules[i], &c, NULL); /* a failure disabled it */
}

static void flow_info(const struct tf_flow *f, struct tfs_flow_info *fi)
{
  memset(fi, 0, sizeof(*fi));
  fi->struct_size = sizeof(*fi);
  fi->flow_id = f->flow_id;
  fi->session_id = f->session_id;
  fi->connection_count = f->connection_count;
  fi->family = f->key.family;
  memcpy(fi->src_addr, f->key.src, 16);
  memcpy(fi->dst_addr, f->key.dst, 16);
  fi->src_port = f->key.sport;
  fi->dst_port = f->key.dport;
  fi->vlan = f->vlan;
  fi->first_sec = f->first_ts.tv_sec;
  fi->first_usec = (int32_t)f->first_ts.tv_usec;
  fi->last_sec = f->last_ts.tv_sec;
  fi->last_usec = (int32_t)f->last_ts.tv_usec;
  fi->packets = f->packets;
  fi->length = f->file_size;
  fi->path = f->temp_storage ? NULL : f->path;
  fi->peer_flow_id = f->peer_flow_id;
  fi->opener = f->role == TF_ROLE_CLIENT ? TFS_OPENER_THIS
             : f->role == TF_ROLE_SERVER ? TFS_OPENER_PEER : TFS_OPENER_UNKNOWN;
  fi->end_reason = f->end_reason;
  fi->first_nsec = f->first_nsec;
  fi->last_nsec = f->last_nsec;
  fi->data_sec = f->last_ts.tv_sec;
  fi->data_nsec = fi->last_nsec;
}

/* Each scanner sees its own per-flow slot. */
static void set_slot(struct tfs_flow_info *fi, struct tf_flow *f, int i)
{
  fi->scanner_state = f->scanner_slots ? &f->scanner_slots[i] : NULL;
}

/* The delivery-state bytes of f, or NULL (no scanner was active when the
 * flow opened). */
static uint8_t *flow_marks(struct tf_flow *f, int nmodules)
{
  return f->scanner_slots ? (uint8_t *)(f->scanner_slots + nmodules) : NULL;
}

int Tf_dispatch_want_stream(struct tf_run *run)
{
  if (!run->dispatch)
    return 0;
  return run->dispatch->stream_active;
}

void Tf_dispatch_flow_open(struct tf_run *run, struct tf_flow *f)
{
  if (!run->dispatch)
    return; /* a run without scanners */
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  struct tfs_flow_info fi;
  struct call c = {.kind = CALL_FLOW_OPEN, .fi = &fi};
  if (!any_active(run, 0))
    return;
  /* One slot and one mark byte per scanner, for the life of the flow. */
  f->scanner_slots = calloc(1, (size_t)nmodules * (sizeof(void *) + 1));
  flow_info(f, &fi);
  for (int i = 0; i < nmodules; i++) {
    if (active(&modules[i], 0) && modules[i].desc->flow_open) {
      set_slot(&fi, f, i);
      (void)plugins_run(run, &modules[i], &c, f); /* a failure disabled it */
    }
  }
}

static int in_audience(const struct tf_run *run, int i, enum audience who)
{
  return (run->dispatch->audience[i] >> who) & 1u;
}

static void apply_verdict(uint8_t *mark, int rc)
{
  if (mark && rc == TFS_FLOW_DONE)
    *mark |= V_DONE;
  else if (mark && rc == TFS_FLOW_SKIP)
    *mark |= V_SKIP;
}

/* flow_begin of scanner i for f unless already called (1.1 scanners). */
static void begin(struct tf_run *run, struct tfs_ctx *m, int i, struct tfs_flow_info *fi,
                  struct tf_flow *f, uint8_t *marks)
{
  struct call c = {.kind = CALL_FLOW_BEGIN, .fi = fi};
  if (!marks || (marks[i] & V_BEGUN))
    return;
  marks[i] |= V_BEGUN;
  if (!DESC_FN(m, flow_begin))
    return;
  set_slot(fi, f, i);
  apply_verdict(&marks[i], plugins_run(run, m, &c, f));
}

/* Never called with len 0: the SDK promises flow_data a length. */
static void deliver(struct tf_run *run, struct tfs_flow_info *fi, struct tf_flow *f,
                    enum audience who, uint64_t off, const uint8_t *data, size_t len)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  uint8_t *marks = flow_marks(f, nmodules);
  struct call c = {.kind = CALL_FLOW_DATA, .fi = fi, .off = off, .data = data, .len = len};
  if (len == 0)
    return;
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    if (!in_audience(run, i, who))
      continue;
    begin(run, m, i, fi, f, marks);
    if (marks && (marks[i] & (V_DONE | V_SKIP)))
      continue;
    if (!in_audience(run, i, who)) /* flow_begin failed */
      continue;
    set_slot(fi, f, i);
    apply_verdict(marks ? &marks[i] : NULL, plugins_run(run, m, &c, f));
  }
}

void Tf_dispatch_stream(struct tf_run *run, struct tf_flow *f, uint64_t off, const uint8_t *data,
                        size_t len)
{
  if (!run->dispatch)
    return; /* a run without scanners */
  struct tfs_flow_info fi;
  flow_info(f, &fi);
  Tf_services_set_flow(run, f);
  deliver(run, &fi, f, TO_STREAMERS, off, data, len);
  Tf_services_set_flow(run, NULL);
}

/* Bytes [from, to) of the file, in chunks. */
static void replay_file_range(struct tf_run *run, int fd, struct tfs_flow_info *fi,
                              struct tf_flow *f, enum audience who, uint64_t from, uint64_t to)
{
  while (from < to) {
    size_t want = to - from > REPLAY_CHUNK ? REPLAY_CHUNK : (size_t)(to - from);
    ssize_t n = pread(fd, run->dispatch->replay_buf, want, (off_t)from);
    if (n <= 0) {
      Tf_log_error("cannot read back %s for the scanners: %s", f->path,
                   n < 0 ? strerror(errno) : "file shorter than expected");
      return;
    }
    deliver(run, fi, f, who, from, run->dispatch->replay_buf, (size_t)n);
    from += (uint64_t)n;
  }
}

/* The flow file in order from `from`; ranges never placed are gaps. */
static void replay(struct tf_run *run, struct tfs_flow_info *fi, struct tf_flow *f,
                   enum audience who, uint64_t from)
{
  uint64_t cursor = from, size = Tf_output_size(f);
  const uint8_t *held = Tf_output_held(f);
  int fd;
  if (cursor >= size || !((run->dispatch->audience_any >> who) & 1u))
    return; /* nobody to read the file back for */
  if (held) {
    /* The whole flow is still in memory, in order and without holes. */
    for (uint64_t n; cursor < size; cursor += n) {
      n = size - cursor < REPLAY_CHUNK ? size - cursor : REPLAY_CHUNK;
      deliver(run, fi, f, who, cursor, held + cursor, (size_t)n);
    }
    return;
  }
  fd = open(f->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Tf_log_error("cannot read back %s for the scanners: %s", f->path, strerror(errno));
    return;
  }
  if (!f->seen_overflow) {
    for (uint32_t i = 0; i < f->nseen && cursor < size; i++) {
      uint64_t s = f->seen[i].start, e = f->seen[i].end < size ? f->seen[i].end : size;
      if (e <= cursor)
        continue;
      if (s > cursor) {
        deliver(run, fi, f, who, cursor, NULL, (size_t)(s - cursor));
        cursor = s;
      }
      replay_file_range(run, fd, fi, f, who, cursor, e);
      cursor = e;
    }
  }
  replay_file_range(run, fd, fi, f, who, cursor, size);
  close(fd);
}

/* The end of f's life for the scanners: flow_state_free of every slot a
 * scanner left set (also of scanners disabled by an error, never of one
 * that crashed), then the slots go. */
static void free_flow_states(struct tf_run *run, struct tf_flow *f, struct tfs_flow_info *fi)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  if (!f->scanner_slots)
    return;
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    struct call c = {.kind = CALL_FLOW_STATE_FREE, .fi = fi};
    if (!f->scanner_slots[i])
      continue;
    c.flow_state = f->scanner_slots[i];
    f->scanner_slots[i] = NULL;
    if (m->started && !m->crashed && DESC_FN(m, flow_state_free)) {
      set_slot(fi, f, i);
      (void)plugins_call(run, m, &c, f); /* nothing to report: it only frees */
    }
  }
  free(f->scanner_slots);
  f->scanner_slots = NULL;
}

/* Scanner i finishes f later: the flow waits, the scanner's slot taken
 * from f (flow_state_free comes after flow_finish).  Without memory for
 * that, the scanner is asked to finish now. */
static void defer(struct tf_run *run, struct tfs_ctx *m, int i, const struct tfs_flow_info *fi,
                  struct tf_flow *f)
{
  struct pending *p = calloc(1, sizeof(*p));
  if (p && f->path && !(p->path = strdup(f->path))) {
    free(p);
    p = NULL;
  }
  if (!p) {
    struct call c = {.kind = CALL_FLOW_FINISH, .fi = fi, .wait = 1};
    (void)plugins_run(run, m, &c, f); /* a failure disabled it */
    return;
  }
  p->m = m;
  p->fi = *fi;
  p->fi.path = fi->path ? p->path : NULL;
  p->fi.scanner_state = &p->slot;
  if (f->scanner_slots) {
    p->slot = f->scanner_slots[i];
    f->scanner_slots[i] = NULL;
  }
  (void)Tf_report_defer(run->report, &p->hole); /* nothing to fill when no report is open */
  Tfl_list_push_back(&run->dispatch->pending, &p->node);
  run->dispatch->npending++;
}

/* Asks p's scanner to finish p (waiting for it with wait != 0).  0 when
 * it is not done yet; 1 when p is done with: finished, or abandoned
 * because its scanner stopped (its report entry goes without the rest of
 * the scanner's XML). */
static int finish_one(struct tf_run *run, struct pending *p, int wait)
{
  struct tfs_ctx *m = p->m;
  struct tf_flow named; /* names the flow in messages: path only */
  memset(&named, 0, sizeof(named));
  named.path = p->path;
  if (active(m, 0)) {
    struct call c = {.kind = CALL_FLOW_FINISH, .fi = &p->fi, .wait = wait};
    int rc;
    Tf_report_fill_begin(run->report, &p->hole, m->name);
    rc = plugins_run(run, m, &c, &named); /* a failure disabled it */
    Tf_report_fill_end(run->report);
    if (rc == TFS_FLOW_LATER)
      return 0;
  }
  Tf_report_hole_close(run->report, &p->hole);
  if (p->slot && m->started && !m->crashed && DESC_FN(m, flow_state_free)) {
    struct call c = {.kind = CALL_FLOW_STATE_FREE, .fi = &p->fi, .flow_state = p->slot};
    p->slot = NULL;
    (void)plugins_call(run, m, &c, &named); /* nothing to report: it only frees */
  }
  return 1;
}

void Tf_dispatch_tick(struct tf_run *run)
{
  /* Every 32nd packet: a look costs a guarded call into the scanner. */
  if (run->dispatch && !Tfl_list_empty(&run->dispatch->pending) &&
      (++run->dispatch->ticks & 31u) == 0)
    Tf_dispatch_finish_pending(run, 0);
}

void Tf_dispatch_finish_pending(struct tf_run *run, int wait)
{
  if (!run->dispatch)
    return; /* a run without scanners */
  struct tfl_list *n;
  while ((n = Tfl_list_first(&run->dispatch->pending)) != NULL) {
    struct pending *p = TFL_LIST_ENTRY(n, struct pending, node);
    int must = wait || run->dispatch->npending > PENDING_MAX_FLOWS ||
               Tf_report_pending_bytes(run->report) > PENDING_MAX_BYTES;
    if (!finish_one(run, p, must))
      break;
    Tfl_list_remove(n);
    run->dispatch->npending--;
    free(p->path);
    free(p);
  }
}

void Tf_dispatch_flow_close(struct tf_run *run, struct tf_flow *f)
{
  if (!run->dispatch)
    return; /* a run without scanners */
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  uint8_t *marks = flow_marks(f, nmodules);
  struct tfs_flow_info fi;
  struct call c = {.kind = CALL_FLOW_CLOSE, .fi = &fi};
  flow_info(f, &fi);
  fi.length = Tf_output_size(f); /* -FX: bytes perhaps never written */
  Tf_services_set_flow(run, f);
  /* A whole-flow replay starts the streamers over: flow_begin again. */
  for (int i = 0; marks && f->stream_diverged && i < nmodules; i++)
    marks[i] &= (uint8_t)~(V_BEGUN | V_DONE);
  /* flow_begin even for a flow without bytes. */
  for (int i = 0; marks && i < nmodules; i++)
    if (in_audience(run, i, TO_ALL))
      begin(run, &modules[i], i, &fi, f, marks);
  if (fi.length > 0) {
    /* Scanners that streamed get only what they have not seen, unless
     * what they saw changed: then everyone hears the whole flow. */
    if (f->stream_diverged) {
      replay(run, &fi, f, TO_ALL, 0);
    } else {
      replay(run, &fi, f, TO_CLOSE_SCANNERS, 0);
      replay(run, &fi, f, TO_STREAMERS, f->streamed);
    }
  }
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    if (!active(m, 0) || !m->desc->flow_close || (marks && (marks[i] & V_SKIP)))
      continue;
    set_slot(&fi, f, i);
    Tf_report_scope_begin(run->report, m->name);
    if (plugins_run(run, m, &c, f) == TFS_FLOW_LATER) /* a failure disabled it */
      defer(run, m, i, &fi, f);
    Tf_report_scope_end(run->report);
  }
  Tf_report_scope_begin(run->report, "tcpflow"); /* the host lists derived files */
  Tf_services_list_outputs(run, f->flow_id);
  Tf_report_scope_end(run->report);
  Tf_services_set_flow(run, NULL);
  free_flow_states(run, f, &fi);
}

void Tf_dispatch_run_end(struct tf_run *run)
{
  if (!run->dispatch)
    return; /* a run without scanners */
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  struct call c = {.kind = CALL_RUN_END};
  Tf_dispatch_finish_pending(run, 1); /* every flow before run_end, as promised */
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    if (!active(m, 0) || !m->desc->run_end)
      continue;
    Tf_report_scope_begin(run->report, m->name);
    (void)plugins_run(run, m, &c, NULL); /* a failure disabled it */
    Tf_report_scope_end(run->report);
  }
  Tf_report_scope_begin(run->report, "tcpflow"); /* the host lists derived files */
  Tf_services_list_outputs(run, TFS_NO_FLOW);
  Tf_report_scope_end(run->report);
  /* After the run_end calls, so that their failures are listed too. */
  report_failures(run);
}

void Tf_dispatch_fini(struct tf_run *run)
{
  if (!run->dispatch)
    return; /* a run without scanners */
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(run->plugins, &nmodules);
  struct call c = {.kind = CALL_FINI};
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    /* A scanner that crashed is left as it is: its state cannot be trusted. */
    if (m->started && !m->crashed && m->desc->fini)
      plugins_call(run, m, &c, NULL);
    Tf_services_close_outputs(m);
    m->started = 0;
  }
  Tf_services_shutdown(run);
  free(run->dispatch->audience);
  free(run->dispatch);
  run->dispatch = NULL;
}
