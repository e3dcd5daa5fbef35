/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "console.h"
#include "demux.h"
#include "dispatch.h"
#include "../sdk/tcpflow/scanner.h"
#include "flowtab.h"
#include "log.h"
#include "naming.h"
#include "options.h"
#include "output.h"
#include "partition.h"
#include "pcapout.h"
#include "run.h"

#define SEEN_MAX_RANGES 4096   /* beyond this a flow is too holey to track */
#define STRAGGLERS 100         /* recently closed flows remembered */
#define STRAGGLERS_NO_PURGE 65536

struct straggler {
  struct tf_flow_key key;
  uint32_t isn;
  uint64_t size;
  char *path;                  /* NULL when nothing was stored */
  int foreign;                 /* another partition's: the file is not here */
};

/* The reassembly stage; one per run, owned by the run (Tf_demux_init and
 * Tf_demux_shutdown). */
struct tf_demux {
  uint64_t next_flow_id, next_session_id, total_packets;
  int continuation;
  tf_err first_error;
  struct straggler *stragglers; /* ring of recently closed flows */
  size_t nstragglers_cap, straggler_next;
  /* Partitioned runs (-j, --shard, --fanout): every close is numbered, so
   * the merge can put the reports' flows in the order of a single run. */
  uint64_t close_seq;
  struct timeval now;           /* packet time of the close, for --fanout */
  int at_end;
  uint64_t stragglers_assumed, stragglers_mismatched;
  /* -s: the copy is as long as the segment, whatever its size: a fixed
   * buffer here once let a large segment be written from past its end.
   * It grows to the largest segment seen and is reused (no allocation per
   * packet).  Owned. */
  uint8_t *strip_buf;
  size_t strip_cap;
  /* Stored bytes read back: streaming checks and straggler compares. */
  uint8_t scratch[64 * 1024];
};

tf_err Tf_demux_init(struct tf_run *run)
{
  struct tf_demux *dm = calloc(1, sizeof(*dm));
  if (!dm)
    return TF_ERR_NOMEM;
  dm->first_error = TF_OK;
  dm->nstragglers_cap = run->opt->no_purge ? STRAGGLERS_NO_PURGE : STRAGGLERS;
  dm->stragglers = calloc(dm->nstragglers_cap, sizeof(*dm->stragglers));
  if (!dm->stragglers) {
    free(dm);
    return TF_ERR_NOMEM;
  }
  run->demux = dm;
  return TF_OK;
}

void Tf_demux_set_continuation(struct tf_run *run, int on)
{
  struct tf_demux *dm = run->demux;
  dm->continuation = on;
}

tf_err Tf_demux_error(const struct tf_run *run)
{
  const struct tf_demux *dm = run->demux;
  return dm->first_error;
}

static void note_error(struct tf_run *run, tf_err e)
{
  struct tf_demux *dm = run->demux;
  if (e != TF_OK && dm->first_error == TF_OK)
    dm->first_error = e;
}

/* ------------------------------------------------------------ seen ranges */

static void seen_add(struct tf_flow *f, uint64_t start, uint64_t end)
{
  uint32_t i = 0, j;
  if (f->seen_overflow || start >= end)
    return;
  while (i < f->nseen && f->seen[i].end < start)
    i++;
  j = i;
  while (j < f->nseen && f->seen[j].start <= end) {
    if (f->seen[j].start < start)
      start = f->seen[j].start;
    if (f->seen[j].end > end)
      end = f->seen[j].end;
    j++;
  }
  if (j > i) { /* merged ranges i..j-1 into one */
    f->seen[i].start = start;
    f->seen[i].end = end;
    memmove(&f->seen[i + 1], &f->seen[j], (f->nseen - j) * sizeof(f->seen[0]));
    f->nseen -= j - i - 1;
    return;
  }
  if (f->seen_cap == 0) { /* the first range lives in the flow itself */
    f->seen = &f->seen_one;
    f->seen_cap = 1;
  } else if (f->nseen == f->seen_cap) {
    uint32_t cap = f->seen_cap < 4 ? 4 : f->seen_cap * 2;
    struct tf_range *n;
    if (cap > SEEN_MAX_RANGES ||
        !(n = realloc(f->seen == &f->seen_one ? NULL : f->seen, cap * sizeof(*n)))) {
      f->seen_overflow = 1;
      return;
    }
    if (f->seen == &f->seen_one)
      n[0] = f->seen_one;
    f->seen = n;
    f->seen_cap = cap;
  }
  memmove(&f->seen[i + 1], &f->seen[i], (f->nseen - i) * sizeof(f->seen[0]));
  f->seen[i].start = start;
  f->seen[i].end = end;
  f->nseen++;
}

static int seen_complete(const struct tf_flow *f, uint64_t end)
{
  if (f->seen_overflow)
    return 0;
  if (end == 0)
    return 1;
  return f->nseen >= 1 && f->seen[0].start == 0 && f->seen[0].end >= end;
}

/* ------------------------------------------------------------ close */

static void remember_straggler(struct tf_run *run, const struct tf_flow *f)
{
  struct tf_demux *dm = run->demux;
  struct straggler *s = &dm->stragglers[dm->straggler_next];
  dm->straggler_next = (dm->straggler_next + 1) % dm->nstragglers_cap;
  free(s->path);
  s->key = f->key;
  s->isn = f->isn;
  s->size = f->file_size;
  s->foreign = f->foreign;
  if (f->foreign) /* any non-NULL marks "a file was stored" */
    s->path = f->has_file && !f->temp_storage ? strdup("") : NULL;
  else
    s->path = f->has_file && !f->temp_storage && f->path ? strdup(f->path) : NULL;
}

/* A packet of a closed flow whose bytes equal what was saved (a late
 * retransmission) is ignored rather than starting a new flow. */
static int is_straggler(struct tf_run *run, const struct tf_flow_key *key, uint32_t seq,
                        const uint8_t *data, size_t len)
{
  struct tf_demux *dm = run->demux;
  uint8_t *buf = dm->scratch;
  for (size_t k = 0; k < dm->nstragglers_cap; k++) {
    size_t at = (dm->straggler_next + dm->nstragglers_cap - 1 - k) % dm->nstragglers_cap;
    const struct straggler *s = &dm->stragglers[at];
    uint64_t off;
    if (!s->path || memcmp(&s->key, key, sizeof(*key)) != 0)
      continue;
    off = (uint32_t)(seq - s->isn - 1);
    if (len > sizeof(dm->scratch) || off + len > s->size)
      return 0;
    /* Another partition's flow: its owner compares the bytes; we assume
     * they match (a retransmission).  The owner counts the cases where
     * they did not, which is when numbering could differ (see --merge). */
    if (s->foreign) {
      dm->stragglers_assumed++;
      return 1;
    }
    if (Tf_output_read(s->path, off, buf, len) == (long)len && memcmp(buf, data, len) == 0)
      return 1;
    dm->stragglers_mismatched++;
    return 0;
  }
  return 0;
}

static uint64_t reported_size(struct tf_run *run, const struct tf_flow *f)
{
  if (run->opt->console != TF_CONSOLE_OFF)
    return f->console_bytes;
  if (run->opt->store_output)
    return f->file_size;
  return f->length < run->opt->max_bytes ? f->length : run->opt->max_bytes;
}

/* The seen ranges, unless they are the one inside the flow. */
static void seen_free(struct tf_flow *f)
{
  if (f->seen != &f->seen_one)
    free(f->seen);
  f->seen = NULL;
}

static void demux_close_foreign(struct tf_run *run, struct tf_flow *f)
{
  struct tf_demux *dm = run->demux;
  dm->close_seq++;
  remember_straggler(run, f);
  seen_free(f);
  Tf_flowtab_remove(run->flows, f);
}

/* reason: TFS_END_* of the SDK, handed to the scanners. */
static void demux_close(struct tf_run *run, struct tf_flow *f, int reason)
{
  struct tf_demux *dm = run->demux;
  uint64_t seq;
  f->end_reason = reason;
  if (f->foreign) {
    demux_close_foreign(run, f);
    return;
  }
  seq = dm->close_seq++;
  note_error(run, Tf_output_close(run->output, f));
  if (run->opt->per_flow_pcap)
    Tf_pcapout_flow_close(run, f);
  Tf_report_flow_begin(run->report, f, reported_size(run, f));
  if (run->opt->part_count > 1 || run->opt->fanout_group)
    Tf_report_flow_order(run->report, seq, dm->at_end ? NULL : &dm->now, f->flow_id);
  Tf_dispatch_flow_close(run, f);
  Tf_report_flow_end(run->report);
  Tf_dispatch_finish_pending(run, 0); /* older flows a scanner finishes later */
  if (f->has_file && !f->temp_storage) {
    Tf_alerts_close(run, f->path);
  }
  remember_straggler(run, f);
  Tf_output_release(run->output, f);
  seen_free(f);
  Tf_flowtab_remove(run->flows, f);
}

void Tf_demux_close_all(struct tf_run *run)
{
  struct tf_demux *dm = run->demux;
  size_t n;
  struct tf_flow **v = Tf_flowtab_sorted(run->flows, &n);
  dm->at_end = 1;
  for (size_t i = 0; i < n; i++)
    demux_close(run, v[i], TFS_END_INPUT);
  free(v);
  Tf_dispatch_finish_pending(run, 1); /* the input ended, or a signal or error ended it */
}

static int64_t effective_timeout(struct tf_run *run)
{
  if (run->opt->tcp_timeout > 0)
    return run->opt->tcp_timeout;
  return run->opt->live ? run->opt->idle_timeout : 0;
}

void Tf_demux_expire(struct tf_run *run, int64_t now)
{
  struct tf_demux *dm = run->demux;
  int64_t timeout = effective_timeout(run);
  struct tf_flow *f;
  Tf_dispatch_tick(run); /* called after every packet */
  if (timeout <= 0)
    return;
  dm->now.tv_sec = now;
  dm->now.tv_usec = 0;
  while ((f = Tf_flowtab_oldest(run->flows)) && now - f->last_ts.tv_sec > timeout)
    demux_close(run, f, TFS_END_TIMEOUT);
}

/* ------------------------------------------------------------ placing bytes */

/* The name console output prints (counter 0, outdir prefix). */
static void console_name(const struct tf_run *run, const struct tf_flow *f, char *buf, size_t n)
{
  if (Tf_output_name(run->output, f, 0, buf, n) < 0)
    snprintf(buf, n, "flow%llu", (unsigned long long)f->flow_id);
}

/* -s: the manual says files get non-printables as '.', like the console
 * (1.6.1 only did it on the console).  NULL when out of memory. */
static const uint8_t *strip_copy(struct tf_run *run, const uint8_t *data, size_t len)
{
  struct tf_demux *dm = run->demux;
  if (len > dm->strip_cap) {
    uint8_t *p = realloc(dm->strip_buf, len);
    if (!p)
      return NULL;
    dm->strip_buf = p;
    dm->strip_cap = len;
  }
  for (size_t i = 0; i < len; i++)
    dm->strip_buf[i] = (isprint(data[i]) || data[i] == '\n' || data[i] == '\r') ? data[i] : '.';
  return dm->strip_buf;
}

/* ------------------------------------------------------------ streaming */

/* Bytes already streamed being overwritten with other bytes (last write
 * wins) make the streamed view wrong: the scanners hear the flow again. */
static void stream_check_overwrite(struct tf_run *run, struct tf_flow *f, uint64_t offset,
                                   const uint8_t *data, size_t len)
{
  struct tf_demux *dm = run->demux;
  if (f->stream_diverged || offset >= f->streamed)
    return;
  if (offset + len > f->streamed)
    len = (size_t)(f->streamed - offset);
  while (len > 0) {
    size_t n = len < sizeof(dm->scratch) ? len : sizeof(dm->scratch);
    if (Tf_output_readback(run->output, f, offset, dm->scratch, n) != TF_OK ||
        memcmp(dm->scratch, data, n) != 0) {
      f->stream_diverged = 1;
      return;
    }
    offset += n;
    data += n;
    len -= n;
  }
}

/* Hand streaming scanners every byte now contiguous from the start: this
 * segment's new bytes, then what out-of-order segments stored beyond it. */
static void stream_advance(struct tf_run *run, struct tf_flow *f, uint64_t offset,
                           const uint8_t *data, size_t len)
{
  struct tf_demux *dm = run->demux;
  uint64_t end = offset + len, avail;
  if (f->stream_diverged)
    return;
  if (offset <= f->streamed && end > f->streamed) {
    Tf_dispatch_stream(run, f, f->streamed, data + (f->streamed - offset),
                       (size_t)(end - f->streamed));
    f->streamed = end;
  }
  if (f->nseen == 0 || f->seen[0].start != 0 || f->seen_overflow)
    return;
  avail = f->seen[0].end < run->opt->max_bytes ? f->seen[0].end : run->opt->max_bytes;
  while (f->streamed < avail) {
    size_t n = avail - f->streamed < sizeof(dm->scratch) ? (size_t)(avail - f->streamed)
                                                         : sizeof(dm->scratch);
    if (Tf_output_readback(run->output, f, f->streamed, dm->scratch, n) != TF_OK) {
      f->stream_diverged = 1; /* the close-time replay will say what failed */
      return;
    }
    Tf_dispatch_stream(run, f, f->streamed, dm->scratch, n);
    f->streamed += n;
  }
}

/* A foreign flow: what Tf_output_write would make of its file, without the
 * bytes (the straggler check needs whether a file exists and its size). */
static void shadow_write(struct tf_run *run, struct tf_flow *f, uint64_t offset, uint64_t wlen)
{
  if (!run->opt->store_output && !Tf_dispatch_want_data(run))
    return;
  f->has_file = 1;
  f->temp_storage = !run->opt->store_output;
  if (wlen > 0 && offset + wlen > f->file_size)
    f->file_size = offset + wlen;
}

static void store(struct tf_run *run, struct tf_flow *f, uint32_t seq, const uint8_t *data,
                  size_t len, const struct timeval *ts)
{
  int streaming = Tf_dispatch_want_stream(run);
  int32_t delta = (int32_t)(seq - f->nsn);
  int64_t offset;
  uint64_t wlen;
  if (len == 0)
    return;
  /* A keep-alive probe: one old byte just before the expected sequence. */
  if (delta == -1 && len == 1)
    return;
  offset = (int64_t)f->pos + delta;
  if (offset < 0) {
    uint64_t before = (uint64_t)(-offset);
    if (f->syn_seen) {
      /* Bytes before the ISN cannot be stream data; keep the rest. */
      f->violations++;
      if (before >= len)
        return;
      data += before;
      len -= before;
      seq += (uint32_t)before;
      offset = 0;
    } else {
      /* No SYN: the stream started earlier than we thought.  Shift what
       * is stored so far up, and the start of the stream back. */
      if (!f->foreign)
        note_error(run, Tf_output_prepend(run->output, f, before));
      else if (f->has_file && f->file_size > 0)
        f->file_size += before; /* what Tf_output_prepend makes of the file */
      if (f->streamed > 0)
        f->stream_diverged = 1; /* everything streamed moved up */
      for (uint32_t i = 0; i < f->nseen; i++) {
        f->seen[i].start += before;
        f->seen[i].end += before;
      }
      if (f->fin_seen)
        f->fin_end += before;
      f->pos += before;
      f->isn -= (uint32_t)before;
      f->length += before;
      f->out_of_order_count++;
      offset = 0;
    }
  } else if (delta < 0) {
    f->out_of_order_count++;
  }
  wlen = (uint64_t)offset >= run->opt->max_bytes ? 0
         : (uint64_t)offset + len > run->opt->max_bytes ? run->opt->max_bytes - (uint64_t)offset
                                                     : len;
  if (f->foreign) {
    shadow_write(run, f, (uint64_t)offset, wlen);
    streaming = 0;
  } else {
    if (run->opt->strip_nonprint && wlen > 0) {
      const uint8_t *stripped = strip_copy(run, data, (size_t)wlen);
      if (stripped) {
        data = stripped;
      } else {
        /* Never the unstripped bytes: the flow keeps a hole instead. */
        Tf_log_error("out of memory stripping a segment of %llu bytes (-s)",
                     (unsigned long long)wlen);
        note_error(run, TF_ERR_NOMEM);
        wlen = 0;
      }
    }
    if (streaming && wlen > 0)
      stream_check_overwrite(run, f, (uint64_t)offset, data, (size_t)wlen);
    if (run->opt->store_output || Tf_dispatch_want_data(run))
      note_error(run, Tf_output_write(run->output, f, (uint64_t)offset, data, (size_t)wlen));
    if (run->opt->findx && wlen > 0 && run->opt->store_output)
      Tf_output_findx_add(run->output, f, (uint64_t)offset, ts, wlen);
  }
  seen_add(f, (uint64_t)offset, (uint64_t)offset + len);
  if (streaming)
    stream_advance(run, f, (uint64_t)offset, data, (size_t)wlen);
  if ((uint64_t)offset + len > f->length)
    f->length = (uint64_t)offset + len;
  f->pos = (uint64_t)offset + len;
  f->nsn = seq + (uint32_t)len;
}

/* ------------------------------------------------------------ per packet */

static void make_key(const struct tfl_packet *pkt, struct tf_flow_key *k)
{
  memset(k, 0, sizeof(*k));
  k->family = (uint8_t)pkt->family;
  k->vlan = pkt->link.vlan >= 0 ? (uint16_t)pkt->link.vlan : TF_NO_VLAN;
  k->sport = pkt->sport;
  k->dport = pkt->dport;
  memcpy(k->src, pkt->src, 16);
  memcpy(k->dst, pkt->dst, 16);
}

static struct tf_flow *create_flow(struct tf_run *run, const struct tf_flow_key *k,
                                   const struct tfl_packet *pkt)
{
  struct tf_demux *dm = run->demux;
  struct tf_flow_key rev;
  struct tf_flow *r;
  struct tf_flow *f = Tf_flowtab_insert(run->flows, k);
  if (!f) {
    note_error(run, TF_ERR_NOMEM);
    return NULL;
  }
  Tf_flowtab_reverse_key(k, &rev);
  r = Tf_flowtab_find(run->flows, &rev);
  f->session_id = r ? r->session_id : dm->next_session_id++;
  f->flow_id = dm->next_flow_id++;
  f->peer_flow_id = UINT64_MAX;
  if (r) {
    f->peer_flow_id = r->flow_id;
    r->peer_flow_id = f->flow_id;
  }
  f->isn = (pkt->flags & TFL_TCP_SYN) ? pkt->seq : pkt->seq - 1;
  f->nsn = f->isn + 1;
  f->first_ts = pkt->ts;
  f->first_nsec = pkt->nsec;
  f->vlan = pkt->link.vlan;
  if (pkt->link.have_macs) {
    f->have_macs = 1;
    memcpy(f->mac_src, pkt->link.mac_src, 6);
    memcpy(f->mac_dst, pkt->link.mac_dst, 6);
  }
  Tf_log_debug(10, "new flow %llu, next seq %u", (unsigned long long)f->flow_id, f->nsn);
  if (run->opt->part_count > 1 && Tf_partition_of(k, run->opt->part_count) != run->opt->part_index)
    f->foreign = 1;
  else
    Tf_dispatch_flow_open(run, f);
  return f;
}

void Tf_demux_packet(struct tf_run *run, const struct tfl_packet *pkt)
{
  struct tf_demux *dm = run->demux;
  struct tf_flow_key key;
  struct tf_flow *f;
  const uint8_t *data = pkt->payload;
  size_t len = pkt->payload_len;
  uint32_t seq = pkt->seq;
  int syn = (pkt->flags & TFL_TCP_SYN) != 0;
  make_key(pkt, &key);
  dm->now = pkt->ts;
  f = Tf_flowtab_find(run->flows, &key);
  if (!f && dm->continuation)
    return;
  if (f && syn && f->syn_seen && f->length > 0) {
    /* A new connection on a live 4-tuple without FIN: its data will be
     * far away and start a new flow through the max_seek rule. */
    Tf_log_debug(1, "SYN TO IGNORE! a second SYN on flow %llu", (unsigned long long)f->flow_id);
    if (!f->foreign)
      Tf_pcapout_unprocessed(run, pkt);
    return;
  }
  if (!f) {
    if (!syn && len == 0)
      return;
    if (!syn && is_straggler(run, &key, seq, data, len))
      return;
  } else {
    /* SYNs too: a second SYN/ACK with a new ISN starts a new flow, as in
     * 1.6.1 (names carry the time of the packet that created the flow). */
    int32_t delta = (int32_t)(seq - f->nsn);
    if ((int64_t)delta > run->opt->max_seek || -(int64_t)delta > run->opt->max_seek) {
      demux_close(run, f, TFS_END_REUSED);
      f = NULL;
      if (len == 0 && !syn)
        return; /* only a SYN or data starts a flow */
    }
  }
  if (!f && !(f = create_flow(run, &key, pkt)))
    return;
  Tf_flowtab_touch(run->flows, f);
  f->last_ts = pkt->ts;
  f->last_nsec = pkt->nsec;
  f->packets++;
  f->len += pkt->wirelen;
  f->caplen += pkt->caplen;
  dm->total_packets++;
  if (run->opt->per_flow_pcap && f->foreign)
    return;
  if (run->opt->per_flow_pcap) {
    note_error(run, Tf_pcapout_flow(run, f, pkt));
    return;
  }
  if (syn) {
    f->syn_seen = 1;
    f->role = (pkt->flags & TFL_TCP_ACK) ? TF_ROLE_SERVER : TF_ROLE_CLIENT;
    /* Data on a SYN (TCP Fast Open) is stream data from ISN + 1. */
    if (len > 0) {
      f->violations++;
      Tf_log_debug(2, "SYN with data (length=%zu)", len);
    }
    seq++;
  }
  if (len > 0) {
    if (run->opt->console != TF_CONSOLE_OFF) {
      char name[4096];
      console_name(run, f, name, sizeof(name));
      Tf_console_print(run, f, name, data, len);
    } else {
      store(run, f, seq, data, len, &pkt->ts);
    }
  }
  if (pkt->flags & TFL_TCP_RST) {
    demux_close(run, f, TFS_END_RST);
    return;
  }
  if ((pkt->flags & TFL_TCP_FIN) && !f->fin_seen) {
    f->fin_seen = 1;
    f->fin_end = (uint64_t)((int64_t)f->pos + (int32_t)(seq + (uint32_t)len - f->nsn));
  }
  if (f->fin_seen && run->opt->console == TF_CONSOLE_OFF && seen_complete(f, f->fin_end))
    demux_close(run, f, TFS_END_FIN);
}

void Tf_demux_stats(const struct tf_run *run, struct tf_run_stats *st)
{
  const struct tf_demux *dm = run->demux;
  st->open_fds_at_end = Tf_output_open_count(run->output);
  st->max_open_flows = Tf_output_max_open(run->output);
  st->total_flows = dm->next_flow_id;
  st->flow_map_size = Tf_flowtab_count(run->flows);
  st->total_packets = dm->total_packets;
  st->stragglers_assumed = dm->stragglers_assumed;
  st->stragglers_mismatched = dm->stragglers_mismatched;
}

void Tf_demux_shutdown(struct tf_run *run)
{
  struct tf_demux *dm = run->demux;
  Tf_alerts_shutdown(run);
  if (!dm)
    return;
  run->demux = NULL;
  for (size_t i = 0; i < dm->nstragglers_cap; i++)
    free(dm->stragglers[i].path);
  free(dm->stragglers);
  free(dm->strip_buf);
  free(dm);
}
