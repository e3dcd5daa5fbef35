/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Driving the events of the SDK (sdk/tcpflow/scanner.h): every call into a
 * scanner goes through here, under the crash guard (guard.h); a scanner
 * that fails or faults is disabled and remembered for the report and the
 * exit status.  Also the delivery of flow bytes: streamed while the capture
 * is read, and the rest replayed at close.
 */
#ifndef TF_DISPATCH_H
#define TF_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "flow.h"

struct tfl_packet;
struct tfs_ctx;
struct tf_run;

/* init every enabled scanner; an error names the module and stops the run. */
tf_err Tf_dispatch_start(struct tf_run *run);
int Tf_dispatch_want_data(struct tf_run *run);
/* Some scanner takes flow_data while the capture is read. */
int Tf_dispatch_want_stream(struct tf_run *run);
/* Bytes [off, off+len) of f became contiguous from the flow's start. */
void Tf_dispatch_stream(struct tf_run *run, struct tf_flow *f, uint64_t off, const uint8_t *data,
                        size_t len);
int Tf_dispatch_want_packets(struct tf_run *run);
/* m was enabled but could not be loaded (m->load_error says why): it is
 * counted as a failed scanner and listed in the report's summary. */
void Tf_dispatch_load_failed(struct tfs_ctx *m);

void Tf_dispatch_packet(struct tf_run *run, const struct tfl_packet *pkt);
void Tf_dispatch_flow_open(struct tf_run *run, struct tf_flow *f);
/* Replay the flow's bytes to data scanners and let every scanner add to
 * the flow's <fileobject> (which the caller has opened). */
void Tf_dispatch_flow_close(struct tf_run *run, struct tf_flow *f);
/* Flows a scanner finishes later (SDK 1.2 TFS_FLOW_LATER): with wait == 0
 * asks for the oldest ones while they are done (and waits for the oldest
 * when too many flows or too much report wait); with wait != 0 finishes
 * every one.  Cheap when nothing waits.  Call it outside a flow's close:
 * after packets and closes, and with wait at the end of the input. */
void Tf_dispatch_finish_pending(struct tf_run *run, int wait);
/* After a packet: Tf_dispatch_finish_pending(0) now and then (every 32nd
 * call while flows wait), a look cheap enough for every packet. */
void Tf_dispatch_tick(struct tf_run *run);
/* run_end of every scanner, inside <summary> (every flow finished first). */
void Tf_dispatch_run_end(struct tf_run *run);
/* fini of every started scanner that did not crash; closes what they
 * left open.  Called by Tf_plugins_shutdown. */
void Tf_dispatch_fini(struct tf_run *run);

#endif
