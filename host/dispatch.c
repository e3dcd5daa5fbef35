/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Guarded delivery of the SDK's events to the enabled scanners (see
 * dispatch.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sdk/tcpflow/scanner.h"
#include "dispatch.h"
#include "guard.h"
#include "log.h"
#include "module.h"
#include "output.h"
#include "packet.h"
#include "plugins.h"
#include "report.h"
#include "services.h"

#define REPLAY_CHUNK (256 * 1024)

static uint8_t replay_buf[REPLAY_CHUNK];
/* Asked for every stored segment, so kept up to date (update_active)
 * instead of looping over the modules each time. */
static int data_active;   /* a started scanner wants flow bytes */
static int stream_active; /* ... and takes them while the capture is read */
static int nfailures;     /* scanners disabled during the run (outlives shutdown) */

static void update_active(void);

/* Every call into a scanner goes through plugins_call, under the crash
 * guard (guard.h); the kinds name the callbacks in messages. */
enum call_kind {
  CALL_INIT,
  CALL_PACKET,
  CALL_FLOW_OPEN,
  CALL_FLOW_DATA,
  CALL_FLOW_CLOSE,
  CALL_RUN_END,
  CALL_FINI
};

static const char *const call_names[] = {"init", "packet", "flow_open", "flow_data",
                                         "flow_close", "run_end", "fini"};

struct call {
  enum call_kind kind;
  const struct tfs_flow_info *fi;
  const struct tfs_packet *pkt;
  uint64_t off;
  const uint8_t *data;
  size_t len;
};

#define CALL_CRASHED (-100) /* not a TFS_ code: the scanner faulted */

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
  }
  return TFS_ERROR;
}

/* Says why m stops ("scanner 'x' failed", "... crashed with ...") and in
 * which callback and flow, and remembers it for the report's
 * <scanner_failure> and for the exit status. */
static void plugins_disable(struct tfs_ctx *m, enum call_kind kind, const struct tf_flow *f,
                            const char *what, const char *reason)
{
  const char *flow = f && f->path ? f->path : "";
  Tf_log_error("%s in %s%s%s%s", what, call_names[kind], *flow ? " for " : "", flow,
               kind == CALL_INIT ? "" : "; it is disabled for the rest of the run");
  m->failed = 1;
  nfailures++;
  m->fail_event = call_names[kind];
  snprintf(m->fail_reason, sizeof(m->fail_reason), "%s", reason);
  snprintf(m->fail_flow, sizeof(m->fail_flow), "%s", flow);
  update_active();
}

/* Runs one callback of m.  Returns its result, or CALL_CRASHED when the
 * scanner faulted: it is then disabled for good, its state is not touched
 * again (not even by fini), and the run goes on without it. */
static int plugins_call(struct tfs_ctx *m, const struct call *c, const struct tf_flow *f)
{
  struct tf_guard g;
  int rc;
  if (sigsetjmp(g.env, 0) != 0) {
    char why[128], what[TF_MODULE_MAX_NAME + 4096 + 200];
    Tf_guard_describe(&g, why, sizeof(why));
    snprintf(what, sizeof(what), "scanner '%s' (%s) crashed with %s", m->name, m->path, why);
    m->crashed = 1;
    plugins_disable(m, c->kind, f, what, why);
    Tf_services_close_outputs(m);
    return CALL_CRASHED;
  }
  Tf_guard_enter(&g);
  rc = plugins_invoke(m, c);
  Tf_guard_leave();
  return rc;
}

/* A callback whose error disables the scanner (all but init). */
static void plugins_run(struct tfs_ctx *m, const struct call *c, const struct tf_flow *f)
{
  char what[TF_MODULE_MAX_NAME + 32];
  int rc = plugins_call(m, c, f);
  if (rc == TFS_OK || rc == CALL_CRASHED)
    return;
  snprintf(what, sizeof(what), "scanner '%s' failed", m->name);
  plugins_disable(m, c->kind, f, what, "returned an error");
}

tf_err Tf_dispatch_start(void)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(&nmodules);
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    struct call c = {.kind = CALL_INIT};
    int rc;
    if (!m->enabled)
      continue;
    if (m->desc->init && (rc = plugins_call(m, &c, NULL)) != TFS_OK) {
      if (rc != CALL_CRASHED)
        Tf_log_error("scanner '%s' (%s) failed to start", m->name, m->path);
      return TF_ERR_PLUGIN;
    }
    m->started = 1;
    Tf_log_debug(2, "scanner %s started", m->name);
  }
  update_active();
  return TF_OK;
}

static int active(const struct tfs_ctx *m, uint32_t flags)
{
  return m->started && !m->failed && (m->desc->flags & flags) == flags;
}

static int any_active(uint32_t flag)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(&nmodules);
  for (int i = 0; i < nmodules; i++)
    if (active(&modules[i], flag))
      return 1;
  return 0;
}

int Tf_dispatch_want_data(void)
{
  return data_active;
}

int Tf_dispatch_want_packets(void)
{
  return any_active(TFS_SCANNER_WANTS_PACKETS);
}

int Tf_dispatch_failures(void)
{
  return nfailures;
}

static void update_active(void)
{
  data_active = any_active(TFS_SCANNER_WANTS_DATA);
  stream_active = any_active(TFS_SCANNER_WANTS_DATA | TFS_SCANNER_STREAMS);
}

void Tf_dispatch_packet(const struct tf_packet *pkt)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(&nmodules);
  struct tfs_packet p = {.struct_size = sizeof(p), .dlt = pkt->dlt, .sec = pkt->ts.tv_sec,
                         .usec = (int32_t)pkt->ts.tv_usec, .caplen = pkt->caplen,
                         .len = pkt->wirelen, .data = pkt->frame};
  struct call c = {.kind = CALL_PACKET, .pkt = &p};
  for (int i = 0; i < nmodules; i++)
    if (active(&modules[i], TFS_SCANNER_WANTS_PACKETS) && modules[i].desc->packet)
      plugins_run(&modules[i], &c, NULL);
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
}

/* Each scanner sees its own per-flow slot. */
static void set_slot(struct tfs_flow_info *fi, struct tf_flow *f, int i)
{
  fi->scanner_state = f->scanner_slots ? &f->scanner_slots[i] : NULL;
}

int Tf_dispatch_want_stream(void)
{
  return stream_active;
}

void Tf_dispatch_flow_open(struct tf_flow *f)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(&nmodules);
  struct tfs_flow_info fi;
  struct call c = {.kind = CALL_FLOW_OPEN, .fi = &fi};
  if (!any_active(0))
    return;
  /* One slot per scanner, for the life of the flow (not per packet). */
  f->scanner_slots = calloc((size_t)nmodules, sizeof(void *));
  flow_info(f, &fi);
  for (int i = 0; i < nmodules; i++) {
    if (active(&modules[i], 0) && modules[i].desc->flow_open) {
      set_slot(&fi, f, i);
      plugins_run(&modules[i], &c, f);
    }
  }
}

/* Which data scanners an event is for. */
enum audience { TO_CLOSE_SCANNERS, TO_STREAMERS, TO_ALL };

static int in_audience(const struct tfs_ctx *m, enum audience who)
{
  if (!active(m, TFS_SCANNER_WANTS_DATA) || !m->desc->flow_data)
    return 0;
  return who == TO_ALL || (who == TO_STREAMERS) == ((m->desc->flags & TFS_SCANNER_STREAMS) != 0);
}

static void deliver(struct tfs_flow_info *fi, struct tf_flow *f, enum audience who,
                    uint64_t off, const uint8_t *data, size_t len)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(&nmodules);
  struct call c = {.kind = CALL_FLOW_DATA, .fi = fi, .off = off, .data = data, .len = len};
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    if (!in_audience(m, who))
      continue;
    set_slot(fi, f, i);
    plugins_run(m, &c, f);
  }
}
void Tf_dispatch_stream(struct tf_flow *f, uint64_t off, const uint8_t *data, size_t len)
{
  struct tfs_flow_info fi;
  flow_info(f, &fi);
  Tf_services_set_flow(f);
  deliver(&fi, f, TO_STREAMERS, off, data, len);
  Tf_services_set_flow(NULL);
}

/* Bytes [from, to) of the file, in chunks. */
static void replay_file_range(int fd, struct tfs_flow_info *fi, struct tf_flow *f,
                              enum audience who, uint64_t from, uint64_t to)
{
  while (from < to) {
    size_t want = to - from > REPLAY_CHUNK ? REPLAY_CHUNK : (size_t)(to - from);
    ssize_t n = pread(fd, replay_buf, want, (off_t)from);
    if (n <= 0) {
      Tf_log_error("cannot read back %s for the scanners: %s", f->path,
                   n < 0 ? strerror(errno) : "file shorter than expected");
      return;
    }
    deliver(fi, f, who, from, replay_buf, (size_t)n);
    from += (uint64_t)n;
  }
}

/* The flow file in order from `from`; ranges never placed are gaps. */
static void replay(struct tfs_flow_info *fi, struct tf_flow *f, enum audience who, uint64_t from)
{
  uint64_t cursor = from, size = Tf_output_size(f);
  const uint8_t *held = Tf_output_held(f);
  int fd, nmodules, anyone = 0;
  struct tfs_ctx *modules = Tf_plugins_table(&nmodules);
  for (int i = 0; i < nmodules && !anyone; i++)
    anyone = in_audience(&modules[i], who);
  if (cursor >= size || !anyone)
    return; /* nobody to read the file back for */
  if (held) {
    /* The whole flow is still in memory, in order and without holes. */
    for (uint64_t n; cursor < size; cursor += n) {
      n = size - cursor < REPLAY_CHUNK ? size - cursor : REPLAY_CHUNK;
      deliver(fi, f, who, cursor, held + cursor, (size_t)n);
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
        deliver(fi, f, who, cursor, NULL, (size_t)(s - cursor));
        cursor = s;
      }
      replay_file_range(fd, fi, f, who, cursor, e);
      cursor = e;
    }
  }
  replay_file_range(fd, fi, f, who, cursor, size);
  close(fd);
}

void Tf_dispatch_flow_close(struct tf_flow *f)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(&nmodules);
  struct tfs_flow_info fi;
  struct call c = {.kind = CALL_FLOW_CLOSE, .fi = &fi};
  flow_info(f, &fi);
  fi.length = Tf_output_size(f); /* -FX: bytes perhaps never written */
  Tf_services_set_flow(f);
  if (fi.length > 0) {
    /* Scanners that streamed get only what they have not seen, unless
     * what they saw changed: then everyone hears the whole flow. */
    if (f->stream_diverged) {
      replay(&fi, f, TO_ALL, 0);
    } else {
      replay(&fi, f, TO_CLOSE_SCANNERS, 0);
      replay(&fi, f, TO_STREAMERS, f->streamed);
    }
  }
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    if (!active(m, 0) || !m->desc->flow_close)
      continue;
    set_slot(&fi, f, i);
    Tf_report_scope_begin();
    plugins_run(m, &c, f);
    Tf_report_scope_end();
  }
  Tf_services_set_flow(NULL);
  free(f->scanner_slots);
  f->scanner_slots = NULL;
}

void Tf_dispatch_run_end(void)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(&nmodules);
  struct call c = {.kind = CALL_RUN_END};
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    if (!active(m, 0) || !m->desc->run_end)
      continue;
    Tf_report_scope_begin();
    plugins_run(m, &c, NULL);
    Tf_report_scope_end();
  }
  /* After the run_end calls, so that their failures are listed too. */
  for (int i = 0; i < nmodules; i++) {
    const struct tfs_ctx *m = &modules[i];
    if (m->failed)
      Tf_report_scanner_failure(m->name, m->fail_event, m->fail_reason, m->fail_flow);
  }
}
void Tf_dispatch_fini(void)
{
  int nmodules;
  struct tfs_ctx *modules = Tf_plugins_table(&nmodules);
  struct call c = {.kind = CALL_FINI};
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    /* A scanner that crashed is left as it is: its state cannot be trusted. */
    if (m->started && !m->crashed && m->desc->fini)
      plugins_call(m, &c, NULL);
    Tf_services_close_outputs(m);
    m->started = 0;
  }
}
