/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The services the host offers scanners: the struct tfs_host function
 * table of the SDK (log, settings, derived output files, DFXML).  The
 * dispatcher says which flow is being delivered, so that output_open can
 * check that a scanner only writes next to the flow it was given.
 */
#ifndef TF_SERVICES_H
#define TF_SERVICES_H

#include "error.h"
#include "flow.h"
#include "module.h"

struct tf_run;

/* Creates run->services (with the dispatch stage). */
tf_err Tf_services_init(struct tf_run *run);
/* The table handed to every scanner's init; static, valid for the run. */
const struct tfs_host *Tf_services_table(void);
/* The flow whose events are being delivered, or NULL between flows. */
void Tf_services_set_flow(struct tf_run *run, const struct tf_flow *f);
/* Closes (and keeps) every output m left open, saying so: what a scanner
 * wrote is derived evidence and is never thrown away. */
void Tf_services_close_outputs(struct tfs_ctx *m);
/* Writes a <derived_file> for every registered output of the flow (or,
 * with TFS_NO_FLOW, every run output) into the report element open now. */
void Tf_services_list_outputs(struct tf_run *run, uint64_t flow_id);
/* Frees what is still waiting to be listed. */
void Tf_services_shutdown(struct tf_run *run);

#endif
