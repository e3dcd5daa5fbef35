/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The DFXML report (report.xml), written with xmlout.h (the layout of
 * libxml2's xmlTextWriter) in the element and attribute order of tcpflow
 * 1.6.1.  Whatever happens --
 * fatal error, signal -- main.c calls Tf_report_close, so the file is
 * always well-formed.
 */
#ifndef TF_REPORT_H
#define TF_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "flow.h"

struct tf_run_stats {
  long open_fds_at_end;
  long max_open_flows;
  uint64_t total_flows;
  uint64_t flow_map_size;
  uint64_t total_packets;
  /* what the decoders saw (source.c) */
  uint64_t frames_read;
  uint64_t frames_not_ip;          /* ARP, beacons... */
  uint64_t frames_malformed;       /* short or lying link, IP or TCP header */
  uint64_t frames_not_tcp;         /* UDP, ICMP... */
  uint64_t frames_unsupported_link;
  uint64_t fragments_dropped;      /* incomplete, overlapping or oversized */
  /* partitioned runs (demux.c): straggler checks of other partitions'
   * flows taken as matching, and own ones whose bytes did not match */
  uint64_t stragglers_assumed;
  uint64_t stragglers_mismatched;
};

/* Opens report.xml at path and report.jsonl (jsonl.h) at jsonl_path;
 * either may be NULL for a run without it.  Everything below goes to both;
 * the functions do nothing when neither is open. */
tf_err Tf_report_open(const char *path, const char *jsonl_path);
/* 1 when either report is open. */
int Tf_report_is_open(void);

/* <fileobject> of a closed flow: filename, filesize and the <tcpflow>
 * element.  Scanner XML may follow until Tf_report_flow_end. */
void Tf_report_flow_begin(const struct tf_flow *f, uint64_t filesize);
void Tf_report_flow_end(void);

/* Deferred completion (SDK 1.2, dispatch.c).  With on != 0 (a scanner
 * that may finish flows later is active), each flow's entry from
 * Tf_report_flow_begin to Tf_report_flow_end is recorded in memory instead
 * of written; so is every entry while an earlier one waits.  An entry is
 * written, byte for byte as if at close, once it and all before it are
 * complete.  Tf_report_summary_begin and Tf_report_close write whatever
 * still waits, as far as it got. */
void Tf_report_set_deferring(int on);
/* A place in a recorded entry a scanner fills later: entry NULL when
 * nothing is recorded (no report open). */
struct tf_report_hole {
  void *entry;
  size_t seg;
};
/* Inside a scanner's scope of a recorded entry: the entry waits for that
 * scope to be completed.  0, or -1 (h->entry NULL) when not recording. */
int Tf_report_defer(struct tf_report_hole *h);
/* Between these, the scanner XML calls (Tf_report_xml_*) add to the scope
 * of h, checked as in a scope; scanner is borrowed until fill_end.  Only
 * outside a flow's entry (not between flow_begin and flow_end). */
void Tf_report_fill_begin(const struct tf_report_hole *h, const char *scanner);
void Tf_report_fill_end(void);
/* The scope of h is complete (or abandoned): entries now complete at the
 * head of the queue are written.  Once per hole. */
void Tf_report_hole_close(const struct tf_report_hole *h);
/* What waits: bytes of memory held, and entries. */
size_t Tf_report_pending_bytes(void);
size_t Tf_report_pending_flows(void);

void Tf_report_summary_begin(void);
void Tf_report_summary_end(void);
/* Inside <summary>: a scanner disabled during the run, and why. */
void Tf_report_scanner_failure(const char *scanner, const char *event, const char *reason,
                               const char *flow);

/* Scanner XML, confined to the element open when the scope began; scanner
 * (borrowed until scope_end) names the scanner in log lines.  Element and
 * attribute names must pass Tf_report_name_ok; a bad name, a second
 * attribute of the same name, nesting over 64 levels, over 1 MiB of text
 * in one element or value, or over 16 MiB from one scanner for one flow is
 * refused (-1, one log line) and the report stays well-formed.  Text and values are escaped (tfl_tfl_escape.h).  0 or -1. */
void Tf_report_scope_begin(const char *scanner);
void Tf_report_scope_end(void);
int Tf_report_xml_start(const char *name);
int Tf_report_xml_attr(const char *name, const char *value);
int Tf_report_xml_text(const char *text);
int Tf_report_xml_end(void);
/* 1 when name may be a scanner's element or attribute name: an XML NCName
 * other than "xmlns", optionally prefixed "tcpflow:" (the one namespace
 * prefix declared for scanners), at most 256 bytes. */
int Tf_report_name_ok(const char *name);

/* Partitioned runs (-j, --shard, --fanout; shard.c, merge.c).  A function
 * run with arg by Tf_report_open to describe the run before the flows
 * (NULL: none). */
void Tf_report_set_provenance(void (*write)(void *arg), void *arg);
/* Plain host elements for that function. */
void Tf_report_elem_start(const char *name);
void Tf_report_elem_attr(const char *name, const char *value);
void Tf_report_elem_end(void);
/* Inside a flow's <fileobject>: its place among all closes of the run
 * (close_seq), the packet time of the close (NULL at the end of input) and
 * its flow number, so a merge can order and number flows as one run. */
void Tf_report_flow_order(uint64_t close_seq, const struct timeval *when, uint64_t flow_id);

/* -j workers (jobs.c): before Tf_report_open, makes the report indexed:
 * for every flow the index file at path (borrowed; it must outlive the run)
 * gets three native-endian uint64_t -- the close number given to
 * Tf_report_flow_order (no <tcpflow:order> element is written then) and
 * the byte range of the flow's <fileobject> in the report, from its
 * indentation to its closing line's newline -- in the order the flows
 * close.  merge.c reads them. */
void Tf_report_set_index(const char *path);

/* Writes the run summary, closes every open element and the file. */
tf_err Tf_report_close(const struct tf_run_stats *st);

/* The time format of the report: 2020-01-02T03:04:05.101000Z. */
void Tf_report_format_time(const struct timeval *tv, char *buf, size_t n);

#endif
