/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Packet output through libpcap's savefile writer: -w (frames we did not
 * process) and -K (one pcap per flow holding exactly that flow's frames).
 * Files carry the link type of the frames they hold (1.6.1 wrote 6 for
 * Ethernet and aborted on pcapng input).
 */
#ifndef TF_PCAPOUT_H
#define TF_PCAPOUT_H

#include "error.h"
#include "flow.h"
#include "tfl_packet.h"

struct tf_run;

/* Creates run->pcapout, writing nothing yet; before the first packet. */
tf_err Tf_pcapout_init(struct tf_run *run);
/* -w FILE: opened lazily with the link type of the first frame written. */
tf_err Tf_pcapout_unprocessed_open(struct tf_run *run, const char *path);
void Tf_pcapout_unprocessed(struct tf_run *run, const struct tfl_packet *pkt);

/* -K: append pkt's frame to "<flow file name>.pcap" of flow f.  The name
 * gets the connection counter like flow files (a reused 4-tuple never
 * overwrites an earlier connection).  Writers are cached (LRU) and files
 * reopened in append mode, so any number of flows works.  The path is kept
 * in f->path. */
tf_err Tf_pcapout_flow(struct tf_run *run, struct tf_flow *f, const struct tfl_packet *pkt);
/* The flow is finished: release its cached writer. */
void Tf_pcapout_flow_close(struct tf_run *run, struct tf_flow *f);

/* Closes every file and frees run->pcapout (nothing when there is none);
 * TF_ERR_OUTPUT if any -w or -K file could not be written during the run
 * (each was reported when it happened). */
tf_err Tf_pcapout_shutdown(struct tf_run *run);

#endif
