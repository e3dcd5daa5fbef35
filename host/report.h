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

struct tf_run;
struct tf_report;

/* Creates run->report: report.xml at path and report.jsonl (jsonl.h) at
 * jsonl_path; either may be NULL for a run without it.  Indexed for a -j
 * worker (run->opt->report_index; see merge.h), with run->provenance's
 * element before the flows.  Everything below goes to both; the functions
 * do nothing for a NULL report (a run without one). */
tf_err Tf_report_open(struct tf_run *run, const char *path, const char *jsonl_path);
/* 1 when either report is open. */
int Tf_report_is_open(const struct tf_report *rep);

/* <fileobject> of a closed flow: filename, filesize and the <tcpflow>
 * element.  Scanner XML may follow until Tf_report_flow_end. */
void Tf_report_flow_begin(struct tf_report *rep, const struct tf_flow *f, uint64_t filesize);
void Tf_report_flow_end(struct tf_report *rep);

/* Deferred completion (SDK 1.2, dispatch.c).  While run->scanners_defer
 * is set (a scanner that may finish flows later is active), each flow's
 * entry from Tf_report_flow_begin to Tf_report_flow_end is recorded in
 * memory instead of written; so is every entry while an earlier one waits.  An entry is
 * written, byte for byte as if at close, once it and all before it are
 * complete.  Tf_report_summary_begin and Tf_report_close write whatever
 * still waits, as far as it got. */
/* A place in a recorded entry a scanner fills later: entry NULL when
 * nothing is recorded (no report open). */
struct tf_report_hole {
  void *entry;
  size_t seg;
};
/* Inside a scanner's scope of a recorded entry: the entry waits for that
 * scope to be completed.  0, or -1 (h->entry NULL) when not recording. */
int Tf_report_defer(struct tf_report *rep, struct tf_report_hole *h);
/* Between these, the scanner XML calls (Tf_report_xml_*) add to the scope
 * of h, checked as in a scope; scanner is borrowed until fill_end.  Only
 * outside a flow's entry (not between flow_begin and flow_end). */
void Tf_report_fill_begin(struct tf_report *rep, const struct tf_report_hole *h,
                          const char *scanner);
void Tf_report_fill_end(struct tf_report *rep);
/* The scope of h is complete (or abandoned): entries now complete at the
 * head of the queue are written.  Once per hole. */
void Tf_report_hole_close(struct tf_report *rep, const struct tf_report_hole *h);
/* What waits: bytes of memory held, and entries. */
size_t Tf_report_pending_bytes(struct tf_report *rep);
size_t Tf_report_pending_flows(struct tf_report *rep);

void Tf_report_summary_begin(struct tf_report *rep);
void Tf_report_summary_end(struct tf_report *rep);
/* Inside <summary>: a scanner disabled during the run, and why. */
void Tf_report_scanner_failure(struct tf_report *rep, const char *scanner, const char *event,
                               const char *reason, const char *flow);

/* Scanner XML, confined to the element open when the scope began; scanner
 * (borrowed until scope_end) names the scanner in log lines.  Element and
 * attribute names must pass Tf_report_name_ok; a bad name, a second
 * attribute of the same name, nesting over 64 levels, over 1 MiB of text
 * in one element or value, or over 16 MiB from one scanner for one flow is
 * refused (-1, one log line) and the report stays well-formed.  Text and
 * values are escaped (lib/tfl_escape.h).  0 or -1. */
void Tf_report_scope_begin(struct tf_report *rep, const char *scanner);
void Tf_report_scope_end(struct tf_report *rep);
int Tf_report_xml_start(struct tf_report *rep, const char *name);
int Tf_report_xml_attr(struct tf_report *rep, const char *name, const char *value);
int Tf_report_xml_text(struct tf_report *rep, const char *text);
int Tf_report_xml_end(struct tf_report *rep);
/* 1 when name may be a scanner's element or attribute name: an XML NCName
 * other than "xmlns", optionally prefixed "tcpflow:" (the one namespace
 * prefix declared for scanners), at most 256 bytes. */
int Tf_report_name_ok(const char *name);

/* Plain host elements, for the function that describes a partitioned run
 * (run->provenance: -j, --shard, --fanout; shard.c, merge.c). */
void Tf_report_elem_start(struct tf_report *rep, const char *name);
void Tf_report_elem_attr(struct tf_report *rep, const char *name, const char *value);
void Tf_report_elem_end(struct tf_report *rep);
/* Inside a flow's <fileobject>: its place among all closes of the run
 * (close_seq), the packet time of the close (NULL at the end of input) and
 * its flow number, so a merge can order and number flows as one run. */
void Tf_report_flow_order(struct tf_report *rep, uint64_t close_seq, const struct timeval *when,
                          uint64_t flow_id);

/* The index of a -j worker's report (opt->report_index, set by jobs.c):
 * for every flow three native-endian uint64_t -- the close number given to
 * Tf_report_flow_order (no <tcpflow:order> element is written then) and
 * the byte range of the flow's <fileobject> in the report, from its
 * indentation to its closing line's newline -- in the order the flows
 * close.  merge.c reads them. */

/* Writes the run summary, closes every open element and the files, and
 * frees run->report (nothing without one). */
tf_err Tf_report_close(struct tf_run *run, const struct tf_run_stats *st);

/* The time format of the report: 2020-01-02T03:04:05.101000Z. */
void Tf_report_format_time(const struct timeval *tv, char *buf, size_t n);

#endif
