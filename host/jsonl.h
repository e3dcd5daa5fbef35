/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The JSON-lines flow log (report.jsonl, -S report_format=jsonl|both): one
 * JSON object per line, {"type":"flow",...} for each closed flow, written
 * and flushed when the flow closes (so `tail -f report.jsonl | jq` works),
 * and one {"type":"summary",...} at the end.  The fields are those of the
 * flow's <fileobject> in report.xml, under the same names; a scanner's XML
 * elements go under "scanners" as {"element", "attributes", "text",
 * "children"} objects.  Strings are escaped as in report.xml (tfl_tfl_escape.h),
 * then JSON-quoted, so the file is always valid UTF-8.  The schema is
 * doc/report-jsonl.schema.json.
 *
 * Only report.c calls these, after it has checked what a scanner gives, so
 * both reports hold the same.  Everything is copied; nothing is borrowed
 * past a call.
 */
#ifndef TF_JSONL_H
#define TF_JSONL_H

#include <stdint.h>

#include "error.h"
#include "flow.h"

struct tf_run_stats;
struct tf_options;
struct tf_jsonl;

/* Creates path and *out (owned by the caller until Tf_jsonl_close); the
 * run's options at *opt must outlive it.  The functions below do nothing
 * with a NULL log. */
tf_err Tf_jsonl_open(struct tf_jsonl **out, const struct tf_options *opt, const char *path);

/* A flow's line: begun with its fields, written by flow_end with what the
 * scanners added in between. */
void Tf_jsonl_flow_begin(struct tf_jsonl *jl, const struct tf_flow *f, uint64_t filesize);
void Tf_jsonl_flow_end(struct tf_jsonl *jl);

/* The scanners' XML, for the current flow or, after summary_begin, for
 * the summary.  scanner: the name results are filed under. */
void Tf_jsonl_scope_begin(struct tf_jsonl *jl, const char *scanner);
void Tf_jsonl_start(struct tf_jsonl *jl, const char *name);
void Tf_jsonl_attr(struct tf_jsonl *jl, const char *name, const char *value);
void Tf_jsonl_text(struct tf_jsonl *jl, const char *text);
void Tf_jsonl_end(struct tf_jsonl *jl);
void Tf_jsonl_scope_end(struct tf_jsonl *jl);

void Tf_jsonl_summary_begin(struct tf_jsonl *jl);
void Tf_jsonl_scanner_failure(struct tf_jsonl *jl, const char *scanner, const char *event,
                              const char *reason, const char *flow);

/* Writes the summary line (the counters of st, the run's resource usage)
 * and closes the file; TF_ERR_OUTPUT when a write failed at any time (said
 * once, when it happened), and frees jl. */
tf_err Tf_jsonl_close(struct tf_jsonl *jl, const struct tf_run_stats *st);
/* Closes and frees a log that got no line yet (the report could not be
 * opened after all). */
void Tf_jsonl_abandon(struct tf_jsonl *jl);

#endif
