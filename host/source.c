/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "decompress.h"
#include "demux.h"
#include "tfl_ip.h"
#include "tfl_link.h"
#include "fanout.h"
#include "log.h"
#include "options.h"
#include "tfl_packet.h"
#include "pcapfile.h"
#include "pcapng.h"
#include "pcapout.h"
#include "progress.h"
#include "report.h"
#include "dispatch.h"
#include "run.h"
#include "source.h"

#define SOURCE_IOBUF (512 * 1024) /* stdio buffer for capture files */

/* Reached from signal handlers (main.c), hence file scope. */
static struct {
  volatile sig_atomic_t stop_requested;
  pcap_t *volatile live_pcap; /* for pcap_breakloop */
} source_signal;

/* What the sources of one run share; owned by the run (Tf_source_init and
 * Tf_source_shutdown). */
struct tf_sources {
  struct tfl_defrag *defrag;    /* fragments across all inputs; owned */
  int want_packets;             /* a scanner takes every frame */
  uint64_t n_read, n_not_ip, n_malformed, n_not_tcp, n_unsupported;
};

void Tf_source_request_stop(void)
{
  source_signal.stop_requested = 1;
  if (source_signal.live_pcap)
    pcap_breakloop(source_signal.live_pcap);
}

int Tf_source_stop_requested(void)
{
  return source_signal.stop_requested;
}

tf_err Tf_source_init(struct tf_run *run)
{
  struct tf_sources *src = calloc(1, sizeof(*src));
  if (!src)
    return TF_ERR_NOMEM;
  src->defrag = Tfl_defrag_new();
  if (!src->defrag) {
    free(src);
    return TF_ERR_NOMEM;
  }
  src->want_packets = Tf_dispatch_want_packets(run);
  run->sources = src;
  return TF_OK;
}

void Tf_source_stats(const struct tf_run *run, struct tf_run_stats *st)
{
  const struct tf_sources *src = run->sources;
  if (!src)
    return;
  st->frames_read = src->n_read;
  st->frames_not_ip = src->n_not_ip;
  st->frames_malformed = src->n_malformed;
  st->frames_not_tcp = src->n_not_tcp;
  st->frames_unsupported_link = src->n_unsupported;
  st->fragments_dropped = src->defrag ? Tfl_defrag_dropped(src->defrag) : 0;
}

void Tf_source_shutdown(struct tf_run *run)
{
  struct tf_sources *src = run->sources;
  if (!src)
    return;
  run->sources = NULL;
  Tfl_defrag_free(src->defrag);
  free(src);
}

/* Live captures filter in the kernel.  Files are filtered here, packet by
 * packet, so that s->delivered counts every packet libpcap read (the
 * pcapng fallback skips exactly those). */
static tf_err source_filter(struct tf_source *s)
{
  if (!s->run->opt->filter || !*s->run->opt->filter)
    return TF_OK;
  if (pcap_compile(s->pcap, &s->prog, s->run->opt->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
    Tf_log_error("bad filter expression '%s': %s", s->run->opt->filter, pcap_geterr(s->pcap));
    return TF_ERR_USAGE;
  }
  s->have_prog = 1;
  if (s->live && pcap_setfilter(s->pcap, &s->prog) != 0) {
    Tf_log_error("cannot apply filter '%s' to %s: %s", s->run->opt->filter, s->name,
                 pcap_geterr(s->pcap));
    return TF_ERR_USAGE;
  }
  return TF_OK;
}

static void source_warn_unsupported(const struct tf_source *s, int dlt)
{
  const char *name = pcap_datalink_val_to_name(dlt);
  Tf_log_warn("%s: link type %d (%s) is not supported; its packets are skipped", s->name, dlt,
              name ? name : "unknown");
}

/* Checks the link type and applies the filter; on failure the source is
 * closed, so callers only ever own an open source on TF_OK. */
static tf_err source_check_dlt(struct tf_source *s)
{
  tf_err e;
  s->dlt = pcap_datalink(s->pcap);
  if (!Tfl_link_supported(s->dlt))
    source_warn_unsupported(s, s->dlt);
  e = source_filter(s);
  if (e != TF_OK)
    Tf_source_close(s);
  return e;
}

static void source_decompressor_failed(const struct tf_source *s, const char *why)
{
  Tf_log_error("%s: %s (%s); flows up to there are kept", s->name, why,
               Tf_decompress_command(s->name));
}

/* Waits for the decompressor of s, if any; TF_ERR_INPUT (said) when it
 * failed and `report` asks for it. */
static tf_err source_reap(struct tf_source *s, int report)
{
  char err[256];
  int rc;
  if (!s->child)
    return TF_OK;
  rc = Tf_decompress_wait(s->child, err, sizeof(err));
  s->child = 0;
  if (rc == 0 || !report)
    return TF_OK;
  source_decompressor_failed(s, err);
  return TF_ERR_INPUT;
}

/* A compressed capture: libpcap reads the decompressor's output. */
static tf_err source_open_compressed(struct tf_source *s, const char *path)
{
  char err[PCAP_ERRBUF_SIZE];
  FILE *fp = Tf_decompress_open(path, &s->child, err, sizeof(err));
  if (!fp) {
    Tf_log_error("%s: %s", path, err);
    return TF_ERR_INPUT;
  }
  s->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, err);
  if (!s->pcap) {
    fclose(fp);
    Tf_log_error("%s: %s (after %s)", path, err, Tf_decompress_command(path));
    source_reap(s, 0);
    return TF_ERR_INPUT;
  }
  Tf_log_debug(2, "%s: read through %s", path, Tf_decompress_command(path));
  return TF_OK;
}

/* A regular file through a stdio buffer of SOURCE_IOBUF bytes: libpcap's
 * own fopen reads in st_blksize steps (4 KiB), a system call every three
 * packets of a bulk transfer.  NULL (nothing said) when the file is not a
 * plain readable file: libpcap then opens it and words the error. */
static pcap_t *source_open_buffered(struct tf_source *s, const char *path, char *err)
{
  struct stat st;
  FILE *fp;
  pcap_t *p;
  if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return NULL;
  if (!(fp = fopen(path, "rbe")))
    return NULL;
  if (!(s->iobuf = malloc(SOURCE_IOBUF)) || setvbuf(fp, s->iobuf, _IOFBF, SOURCE_IOBUF) != 0) {
    fclose(fp);
    free(s->iobuf);
    s->iobuf = NULL;
    return NULL;
  }
  (void)posix_fadvise(fileno(fp), 0, 0, POSIX_FADV_SEQUENTIAL);
  p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, err);
  if (!p) {
    fclose(fp);
    free(s->iobuf);
    s->iobuf = NULL;
  }
  return p;
}

tf_err Tf_source_open_file(struct tf_run *run, struct tf_source *s, const char *path)
{
  char err[PCAP_ERRBUF_SIZE];
  tf_err e;
  memset(s, 0, sizeof(*s));
  s->run = run;
  s->name = path;
  s->nano = 1; /* every reader of files is asked for nanoseconds */
  if (Tf_decompress_command(path)) {
    if ((e = source_open_compressed(s, path)) != TF_OK)
      return e;
    return source_check_dlt(s);
  }
  s->pcap = source_open_buffered(s, path, err);
  if (!s->pcap)
    s->pcap = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
  if (!s->pcap) {
    Tf_log_error("%s: %s", path, err);
    return TF_ERR_INPUT;
  }
  if ((e = source_check_dlt(s)) != TF_OK)
    return e;
  /* libpcap has judged the header; a plain pcap file is then read in place. */
  if (s->iobuf && (s->fast = Tf_pcapfile_open(path)) && Tf_pcapfile_dlt(s->fast) != s->dlt) {
    Tf_pcapfile_close(s->fast);
    s->fast = NULL;
  }
  return TF_OK;
}

tf_err Tf_source_open_live(struct tf_run *run, struct tf_source *s, const char *iface)
{
  char err[PCAP_ERRBUF_SIZE];
  pcap_if_t *devs = NULL;
  memset(s, 0, sizeof(*s));
  s->run = run;
  s->live = 1;
  if (!iface) {
    if (pcap_findalldevs(&devs, err) != 0 || !devs) {
      Tf_log_error("no capture device found: %s", devs ? "" : err);
      return TF_ERR_INPUT;
    }
    snprintf(s->dev_name, sizeof(s->dev_name), "%s", devs->name);
    pcap_freealldevs(devs);
    iface = s->dev_name;
  }
  s->name = iface;
  s->pcap = pcap_create(iface, err);
  if (!s->pcap) {
    Tf_log_error("%s: %s", iface, err);
    return TF_ERR_INPUT;
  }
  pcap_set_snaplen(s->pcap, 262144);
  pcap_set_promisc(s->pcap, !s->run->opt->no_promisc);
  pcap_set_timeout(s->pcap, s->run->opt->packet_buffer_timeout);
  /* Small flows must show up at once, not when a buffer fills. */
  pcap_set_immediate_mode(s->pcap, 1);
  /* Immediate mode gives a ring of snaplen-sized frames: libpcap's
   * default 2 MiB holds 8 packets, and a busy moment drops the rest. */
  pcap_set_buffer_size(s->pcap, 64 * 1024 * 1024);
  /* Nanoseconds where the interface has them (else microseconds). */
  (void)pcap_set_tstamp_precision(s->pcap, PCAP_TSTAMP_PRECISION_NANO);
  int rc = pcap_activate(s->pcap);
  if (rc < 0) {
    Tf_log_error("%s: %s", iface, pcap_geterr(s->pcap));
    pcap_close(s->pcap);
    s->pcap = NULL;
    return TF_ERR_INPUT;
  }
  if (rc > 0)
    Tf_log_warn("%s: %s", iface, pcap_geterr(s->pcap));
  s->nano = pcap_get_tstamp_precision(s->pcap) == PCAP_TSTAMP_PRECISION_NANO;
  tf_err e = source_check_dlt(s);
  if (e == TF_OK && s->run->opt->fanout_group)
    e = Tf_fanout_join(s->pcap, iface, s->run->opt->fanout_group);
  if (e == TF_OK) /* only now are packets of the filter being captured */
    Tf_log_debug(1, "listening on %s", iface);
  return e;
}

/* s's sources give h->ts.tv_usec in nanoseconds when s->nano (libpcap
 * scales a microsecond file up; a live capture may only have us): the
 * packet keeps both, the microseconds as libpcap's microsecond mode gives
 * them (truncated), for names, reports and -w files as 1.6.1 wrote them. */
static void source_packet(const struct tf_source *s, int dlt, const struct pcap_pkthdr *h,
                          const u_char *bytes)
{
  struct tf_run *run = s->run;
  struct tf_sources *src = run->sources;
  struct tfl_packet pkt;
  long frac = (long)h->ts.tv_usec;
  pkt.dlt = dlt;
  pkt.ts.tv_sec = h->ts.tv_sec + run->opt->tdelta;
  pkt.ts.tv_usec = s->nano ? frac / 1000 : frac;
  /* A hostile fraction out of range is passed on as microseconds always
   * were; scanners are promised nsec < 10^9. */
  if (s->nano && frac >= 0 && frac < 1000000000L)
    pkt.nsec = (uint32_t)frac;
  else if (pkt.ts.tv_usec >= 0 && pkt.ts.tv_usec < 1000000L)
    pkt.nsec = (uint32_t)pkt.ts.tv_usec * 1000u;
  else
    pkt.nsec = 0;
  pkt.caplen = h->caplen;
  pkt.wirelen = h->len;
  pkt.frame = bytes;
  if (src->want_packets)
    Tf_dispatch_packet(run, &pkt);
  src->n_read++;
  Tf_progress_packet(run);
  switch (Tfl_link_decode(dlt, bytes, h->caplen, &pkt.link)) {
  case TFL_LINK_OK:
    break;
  case TFL_LINK_UNSUPPORTED:
    src->n_unsupported++;
    return; /* warned once when the source was opened */
  case TFL_LINK_NOT_IP:
    src->n_not_ip++;
    Tf_pcapout_unprocessed(run, &pkt);
    return;
  default:
    src->n_malformed++;
    Tf_pcapout_unprocessed(run, &pkt);
    return;
  }
  switch (Tfl_ip_decode(src->defrag, &pkt)) {
  case TFL_IP_TCP:
    Tf_demux_packet(run, &pkt);
    break;
  case TFL_IP_FRAGMENT_HELD:
    break;
  case TFL_IP_NOT_TCP:
    src->n_not_tcp++;
    Tf_pcapout_unprocessed(run, &pkt);
    break;
  default:
    src->n_malformed++;
    Tf_pcapout_unprocessed(run, &pkt);
    break;
  }
  Tf_demux_expire(run, pkt.ts.tv_sec);
}

static void live_callback(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
  struct tf_source *s = (struct tf_source *)user;
  source_packet(s, s->dlt, h, bytes);
  if (source_signal.stop_requested || Tf_demux_error(s->run) != TF_OK)
    pcap_breakloop(s->pcap);
}

/* libpcap refused an interface whose link type differs from the first
 * one's; a file (not standard input) can then be read again by our own
 * pcapng reader. */
static int source_mixed_links(const struct tf_source *s)
{
  return strstr(pcap_geterr(s->pcap), "different from the type of the first interface") &&
         strcmp(s->name, "-") != 0;
}

/* The capture again from its start, for the pcapng reader; a compressed
 * one through a second run of its decompressor (*child). */
static struct tf_pcapng *source_reopen(struct tf_source *s, pid_t *child)
{
  char err[256];
  struct tf_pcapng *r;
  FILE *fp;
  *child = 0;
  if (!s->child) {
    r = Tf_pcapng_open(s->name, err, sizeof(err));
  } else if ((fp = Tf_decompress_open(s->name, child, err, sizeof(err)))) {
    r = Tf_pcapng_open_stream(fp, err, sizeof(err));
  } else {
    r = NULL;
  }
  if (!r)
    Tf_log_error("%s: cannot open it again: %s", s->name, err);
  return r;
}

/* The filter compiled for each link type met by the pcapng fallback.
 * NULL when the table is full. */
static struct tf_source_link *source_link(struct tf_source *s, int dlt)
{
  struct tf_source_link *l;
  pcap_t *dead;
  for (int i = 0; i < s->nlinks; i++)
    if (s->links[i].dlt == dlt)
      return &s->links[i];
  if (s->nlinks == TF_SOURCE_MAX_LINKS)
    return NULL;
  l = &s->links[s->nlinks++];
  memset(l, 0, sizeof(*l));
  l->dlt = dlt;
  l->usable = 1;
  if (!Tfl_link_supported(dlt)) {
    source_warn_unsupported(s, dlt);
  } else if (s->have_prog) {
    dead = pcap_open_dead(dlt, 262144);
    if (dead && pcap_compile(dead, &l->prog, s->run->opt->filter, 1, PCAP_NETMASK_UNKNOWN) == 0) {
      l->have_prog = 1;
    } else {
      Tf_log_warn("%s: the filter does not apply to link type %d; its packets are skipped",
                  s->name, dlt);
      l->usable = 0;
    }
    if (dead)
      pcap_close(dead);
  }
  return l;
}

/* Whether the filter lets this packet of the pcapng fallback through. */
static int source_link_accepts(struct tf_source *s, int dlt, const struct pcap_pkthdr *h,
                               const uint8_t *data)
{
  struct tf_source_link *l = source_link(s, dlt);
  if (!l)
    return !s->have_prog; /* too many link types to filter them all */
  return l->usable && (!l->have_prog || pcap_offline_filter(&l->prog, h, data));
}

static tf_err source_run_pcapng(struct tf_source *s)
{
  char err[256];
  pid_t child;
  struct tf_pcapng *r = source_reopen(s, &child);
  struct pcap_pkthdr h;
  const uint8_t *data;
  uint64_t seen = 0;
  int dlt, rc = 0;
  if (!r) {
    if (child)
      (void)Tf_decompress_wait(child, err, sizeof(err)); /* the error is said */
    return TF_ERR_INPUT;
  }
  Tf_log_debug(1, "%s: interfaces of different link types; tcpflow's own pcapng reader reads "
               "the rest", s->name);
  while (!source_signal.stop_requested && Tf_demux_error(s->run) == TF_OK &&
         (rc = Tf_pcapng_next(r, &h, &data, &dlt)) == 1) {
    if (seen++ < s->delivered)
      continue; /* libpcap read these already */
    if (source_link_accepts(s, dlt, &h, data))
      source_packet(s, dlt, &h, data);
  }
  if (rc < 0)
    Tf_log_error("%s: %s; flows up to there are kept", s->name, Tf_pcapng_error(r));
  Tf_pcapng_close(r);
  if (child && Tf_decompress_wait(child, err, sizeof(err)) != 0 && rc == 0 && !source_signal.stop_requested) {
    source_decompressor_failed(s, err);
    rc = -1;
  }
  return rc < 0 ? TF_ERR_INPUT : TF_OK;
}

/* A plain pcap file read in place (pcapfile.h).  Returns 1 when a record
 * is left to libpcap: it has then skipped the packets read here and goes
 * on from that record, judging and wording it as it always does; 0 at
 * the end of the file or on a stop. */
static int source_run_fast(struct tf_source *s)
{
  struct pcap_pkthdr h, *lh;
  const uint8_t *data;
  const u_char *lbytes;
  int rc = 1;
  while (!source_signal.stop_requested && Tf_demux_error(s->run) == TF_OK &&
         (rc = Tf_pcapfile_next(s->fast, &h, &data)) == 1) {
    s->delivered++;
    if (!s->have_prog || pcap_offline_filter(&s->prog, &h, data))
      source_packet(s, s->dlt, &h, data);
  }
  if (rc >= 0)
    return 0;
  for (uint64_t n = Tf_pcapfile_count(s->fast); n > 0; n--)
    if (pcap_next_ex(s->pcap, &lh, &lbytes) != 1)
      break; /* cannot be: libpcap read these before */
  Tf_pcapfile_close(s->fast);
  s->fast = NULL;
  return 1;
}

tf_err Tf_source_run(struct tf_source *s)
{
  struct pcap_pkthdr *h;
  const u_char *bytes;
  int rc;
  if (s->live) {
    source_signal.live_pcap = s->pcap;
    while (!source_signal.stop_requested && Tf_demux_error(s->run) == TF_OK) {
      rc = pcap_dispatch(s->pcap, -1, live_callback, (u_char *)s);
      if (rc == PCAP_ERROR) {
        Tf_log_error("%s: %s", s->name, pcap_geterr(s->pcap));
        source_signal.live_pcap = NULL;
        return TF_ERR_INPUT;
      }
      if (rc == 0) /* a quiet link: idle flows still time out */
        Tf_demux_expire(s->run, (int64_t)time(NULL) + s->run->opt->tdelta);
      Tf_progress_tick(s->run); /* SIGUSR1 and the status line on a quiet link too */
    }
    source_signal.live_pcap = NULL;
    return TF_OK;
  }
  if (s->fast && source_run_fast(s) == 0)
    return TF_OK; /* no decompressor to wait for: plain files only */
  while (!source_signal.stop_requested && Tf_demux_error(s->run) == TF_OK) {
    rc = pcap_next_ex(s->pcap, &h, &bytes);
    if (rc == 1) {
      s->delivered++;
      if (!s->have_prog || pcap_offline_filter(&s->prog, h, bytes))
        source_packet(s, s->dlt, h, bytes);
      continue;
    }
    if (rc == PCAP_ERROR_BREAK)
      return source_reap(s, 1); /* end of file (and of the decompressor) */
    if (rc == PCAP_ERROR && source_signal.stop_requested)
      break; /* a signal interrupted the read: an orderly stop, not an error */
    if (rc == PCAP_ERROR && source_mixed_links(s))
      return source_run_pcapng(s);
    if (rc == PCAP_ERROR) {
      FILE *fp = pcap_file(s->pcap);
      long off = fp ? ftell(fp) : -1;
      if (off >= 0)
        Tf_log_error("%s: cannot read past byte offset %ld: %s; flows up to there are kept",
                     s->name, off, pcap_geterr(s->pcap));
      else
        Tf_log_error("%s: %s; flows up to there are kept", s->name, pcap_geterr(s->pcap));
      return TF_ERR_INPUT;
    }
  }
  return TF_OK;
}

void Tf_source_close(struct tf_source *s)
{
  if (s->pcap)
    pcap_close(s->pcap); /* closes the decompressor's pipe too */
  s->pcap = NULL;
  free(s->iobuf); /* after pcap_close: its FILE read into it */
  s->iobuf = NULL;
  Tf_pcapfile_close(s->fast);
  s->fast = NULL;
  (void)source_reap(s, 0); /* stopped early or failed: already said why */
  if (s->have_prog)
    pcap_freecode(&s->prog);
  s->have_prog = 0;
  for (int i = 0; i < s->nlinks; i++)
    if (s->links[i].have_prog)
      pcap_freecode(&s->links[i].prog);
  s->nlinks = 0;
}
