/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * -w and -K through libpcap's savefile writer (never a hand-made header).
 *
 * Fixed from 1.6.1: files carry the real link type of their frames (1.6.1
 * wrote 6 for Ethernet in -K files and copied the first input's header
 * into the -w file, aborting on pcapng input and on an unwritable path);
 * -K keeps at most PCO_CACHE writers open (1.6.1 kept one FILE per flow
 * until exit and ran out of descriptors); a reused 4-tuple gets a file of
 * its own, named with the connection counter like flow files.
 *
 * A -K flow's file is created (exclusively, counter probed) the first time
 * in a run, and reopened in append mode after its writer was evicted.
 * A pcap file has a single link type, so frames of another link type
 * (several -r files) are skipped with one warning.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "output.h"
#include "pcapout.h"
#include "run.h"
#include "tfl_list.h"

#define PCO_CACHE 64         /* -K writers open at once */
#define PCO_SNAPLEN 262144   /* libpcap's largest; records are never cut to it */
#define PCO_MAX_COUNTER 1000000

/* f->kpcap_started: 0 before the first frame of this run, PCO_FAILED once
 * the file could not be written (no retry, no message per packet), else
 * the file's link type + 1 (so DLT_NULL, 0, still reads as started); the
 * link type outlives the writer so a reopen after eviction can check it. */
#define PCO_FAILED (-1)

struct tf_kpcap {
  pcap_dumper_t *d;
  pcap_t *dead;
  struct tf_flow *f;
  int dlt;
  int failed;                      /* write error already reported */
  struct tfl_list lru;             /* in pco_lru, most recent first */
};

/* The -w and -K stage; one per run, owned by the run (Tf_pcapout_init
 * and Tf_pcapout_shutdown). */
struct tf_pcapout {
  /* -w */
  const char *unproc_path;  /* the option's string: lives for the run */
  pcap_t *unproc_dead;
  pcap_dumper_t *unproc;
  int unproc_dlt;           /* -1 until the first frame */
  int unproc_failed;
  int unproc_warned;
  int write_errors;         /* -w or -K files that could not be written */
  /* -K */
  struct tfl_list lru;      /* open -K writers, most recent first */
  int count;
  int dlt_warned;
};

static const char *pco_dlt_name(int dlt)
{
  const char *n = pcap_datalink_val_to_name(dlt);
  return n ? n : "unknown";
}

/* A writer for path with link type dlt; logs and returns NULL on failure. */
static pcap_dumper_t *pco_open(int dlt, const char *path, int append, pcap_t **dead)
{
  pcap_dumper_t *d;
  *dead = pcap_open_dead_with_tstamp_precision(dlt, PCO_SNAPLEN, PCAP_TSTAMP_PRECISION_MICRO);
  if (!*dead) {
    Tf_log_error("cannot write %s: no pcap writer for link type %d", path, dlt);
    return NULL;
  }
  d = append ? pcap_dump_open_append(*dead, path) : pcap_dump_open(*dead, path);
  if (!d) {
    Tf_log_error("cannot write %s: %s", path, pcap_geterr(*dead));
    pcap_close(*dead);
    *dead = NULL;
  }
  return d;
}

/* One record; 0 or -1 when the file has a write error (stdio keeps it). */
static int pco_record(pcap_dumper_t *d, const struct tfl_packet *pkt)
{
  struct pcap_pkthdr h;
  memset(&h, 0, sizeof(h));
  h.ts = pkt->ts;
  /* readers refuse records longer than the snaplen of the file */
  h.caplen = pkt->caplen < PCO_SNAPLEN ? pkt->caplen : PCO_SNAPLEN;
  h.len = pkt->wirelen >= h.caplen ? pkt->wirelen : h.caplen;
  pcap_dump((u_char *)d, &h, pkt->frame);
  return ferror(pcap_dump_file(d)) ? -1 : 0;
}

/* Flush and close; returns -1 when buffered bytes could not be written. */
static int pco_close(pcap_dumper_t *d, pcap_t *dead)
{
  int bad = pcap_dump_flush(d) != 0 || ferror(pcap_dump_file(d));
  int err = errno; /* for the caller's message: closing may change it */
  pcap_dump_close(d);
  pcap_close(dead);
  errno = err;
  return bad ? -1 : 0;
}

tf_err Tf_pcapout_init(struct tf_run *run)
{
  struct tf_pcapout *pco = calloc(1, sizeof(*pco));
  if (!pco)
    return TF_ERR_NOMEM;
  pco->unproc_dlt = -1;
  Tfl_list_init(&pco->lru);
  run->pcapout = pco;
  return TF_OK;
}

tf_err Tf_pcapout_unprocessed_open(struct tf_run *run, const char *path)
{
  struct tf_pcapout *pco = run->pcapout;
  /* Created now, so an unwritable path is an error before any packet is
   * read (1.6.1 aborted); the header is written with the first frame. */
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    Tf_log_error("cannot create %s: %s", path, strerror(errno));
    return TF_ERR_OUTPUT;
  }
  close(fd);
  pco->unproc_path = path;
  pco->unproc_dlt = -1;
  pco->unproc_failed = 0;
  pco->unproc_warned = 0;
  return TF_OK;
}

void Tf_pcapout_unprocessed(struct tf_run *run, const struct tfl_packet *pkt)
{
  struct tf_pcapout *pco = run->pcapout;
  if (!pco->unproc_path || pco->unproc_failed)
    return;
  if (!pco->unproc) {
    pco->unproc_dlt = pkt->dlt;
    pco->unproc = pco_open(pkt->dlt, pco->unproc_path, 0, &pco->unproc_dead);
    if (!pco->unproc) {
      pco->unproc_failed = 1;
      pco->write_errors++;
      return;
    }
  }
  if (pkt->dlt != pco->unproc_dlt) {
    if (!pco->unproc_warned++)
      Tf_log_warn("-w %s: the file holds link type %s (%d); frames of link type %s (%d) "
                  "cannot go in and are not written",
                  pco->unproc_path, pco_dlt_name(pco->unproc_dlt), pco->unproc_dlt,
                  pco_dlt_name(pkt->dlt), pkt->dlt);
    return;
  }
  if (pco_record(pco->unproc, pkt) != 0) {
    Tf_log_error("cannot write %s: %s", pco->unproc_path, strerror(errno));
    pco->unproc_failed = 1;
    pco->write_errors++;
  }
}

/* Close k's writer (on eviction, flow end or shutdown); -1 on write error. */
static int pco_release(struct tf_pcapout *pco, struct tf_kpcap *k)
{
  struct tf_flow *f = k->f;
  int bad = pco_close(k->d, k->dead);
  Tfl_list_remove(&k->lru);
  pco->count--;
  f->kpcap = NULL;
  if (bad && !k->failed) {
    Tf_log_error("cannot write %s: %s", f->path ? f->path : "a -K file", strerror(errno));
    f->kpcap_started = PCO_FAILED;
    pco->write_errors++;
  }
  free(k);
  return bad ? -1 : 0;
}

/* The first time in this run: a new file named like a flow file, with the
 * counter probed through an exclusive create, so neither an earlier run's
 * file nor an earlier connection on the same 4-tuple is overwritten. */
static tf_err pco_create(struct tf_run *run, struct tf_flow *f)
{
  char path[4200];
  for (uint32_t counter = 0; counter < PCO_MAX_COUNTER; counter++) {
    /* room for ".pcap" */
    int len = Tf_output_name(run->output, f, counter, path, sizeof(path) - 5);
    int fd;
    if (len < 0 || (size_t)len + 6 > sizeof(path))
      break;
    memcpy(path + len, ".pcap", 6);
    if (Tf_output_mkdirs(path) != TF_OK)
      return TF_ERR_OUTPUT;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      close(fd);
      char *copy = strdup(path);
      if (!copy) {
        Tf_log_error("out of memory for the name of %s", path);
        return TF_ERR_NOMEM;
      }
      free(f->path);
      f->path = copy;
      f->connection_count = counter;
      return TF_OK;
    }
    if (errno != EEXIST) {
      Tf_log_error("cannot create %s: %s", path, strerror(errno));
      return TF_ERR_OUTPUT;
    }
  }
  Tf_log_error("cannot build a free file name for the -K file of flow %llu",
               (unsigned long long)f->flow_id);
  return TF_ERR_OUTPUT;
}

tf_err Tf_pcapout_flow(struct tf_run *run, struct tf_flow *f, const struct tfl_packet *pkt)
{
  struct tf_pcapout *pco = run->pcapout;
  struct tf_kpcap *k = f->kpcap;
  tf_err e = TF_OK;
  if (f->kpcap_started == PCO_FAILED)
    return TF_OK; /* reported once already */
  if (f->kpcap_started > 0 && pkt->dlt != f->kpcap_started - 1) {
    if (!pco->dlt_warned++)
      Tf_log_warn("-K %s: the file holds link type %s (%d); frames of link type %s (%d) "
                  "cannot go in and are not written",
                  f->path, pco_dlt_name(f->kpcap_started - 1), f->kpcap_started - 1,
                  pco_dlt_name(pkt->dlt), pkt->dlt);
    return TF_OK;
  }
  if (k) {
    Tfl_list_remove(&k->lru);
    Tfl_list_push_front(&pco->lru, &k->lru);
  } else {
    if (!f->kpcap_started) {
      if ((e = pco_create(run, f)) != TF_OK) {
        f->kpcap_started = PCO_FAILED;
        return e;
      }
    }
    /* make room; an error of the evicted flow's file is an output error too */
    if (pco->count >= PCO_CACHE && !Tfl_list_empty(&pco->lru) &&
        pco_release(pco, TFL_LIST_ENTRY(Tfl_list_last(&pco->lru), struct tf_kpcap, lru)) != 0)
      e = TF_ERR_OUTPUT;
    k = calloc(1, sizeof(*k));
    if (!k) {
      Tf_log_error("out of memory for the -K writer of %s", f->path);
      return TF_ERR_NOMEM;
    }
    k->d = pco_open(pkt->dlt, f->path, f->kpcap_started > 0, &k->dead);
    if (!k->d) {
      free(k);
      f->kpcap_started = PCO_FAILED;
      return TF_ERR_OUTPUT;
    }
    k->f = f;
    k->dlt = pkt->dlt;
    f->kpcap = k;
    f->kpcap_started = pkt->dlt + 1;
    pco->count++;
    Tfl_list_push_front(&pco->lru, &k->lru);
  }
  if (pco_record(k->d, pkt) != 0 && !k->failed) {
    Tf_log_error("cannot write %s: %s", f->path, strerror(errno));
    k->failed = 1;
    f->kpcap_started = PCO_FAILED;
    return TF_ERR_OUTPUT;
  }
  return e;
}

void Tf_pcapout_flow_close(struct tf_run *run, struct tf_flow *f)
{
  struct tf_pcapout *pco = run->pcapout;
  if (f->kpcap)
    (void)pco_release(pco, f->kpcap); /* a write error is logged there */
}

tf_err Tf_pcapout_shutdown(struct tf_run *run)
{
  struct tf_pcapout *pco = run->pcapout;
  tf_err e;
  if (!pco)
    return TF_OK;
  run->pcapout = NULL;
  /* By a saved next pointer, not by re-reading the head after each release
   * (which the clang analyzer cannot follow); write errors are counted in
   * pco_write_errors. */
  for (struct tfl_list *n = pco->lru.next, *next; n != &pco->lru; n = next) {
    next = n->next;
    (void)pco_release(pco, TFL_LIST_ENTRY(n, struct tf_kpcap, lru));
  }
  pco->dlt_warned = 0;
  if (pco->unproc) {
    if (pco_close(pco->unproc, pco->unproc_dead) != 0 && !pco->unproc_failed) {
      Tf_log_error("cannot write %s: %s", pco->unproc_path, strerror(errno));
      pco->write_errors++;
    }
  } else if (pco->unproc_path && !pco->unproc_failed) {
    /* Nothing was left unprocessed: still a valid, empty capture rather
     * than the 0-byte probe (1.6.1 left a 24-byte header too).  With no
     * frame, the link type says nothing; Ethernet is the common case. */
    pcap_t *dead;
    pcap_dumper_t *d = pco_open(DLT_EN10MB, pco->unproc_path, 0, &dead);
    if (!d || pco_close(d, dead) != 0) {
      if (d)
        Tf_log_error("cannot write %s: %s", pco->unproc_path, strerror(errno));
      pco->write_errors++;
    }
  }
  e = pco->write_errors ? TF_ERR_OUTPUT : TF_OK;
  free(pco);
  return e;
}
