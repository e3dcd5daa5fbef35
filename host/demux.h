/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * TCP demultiplexing and reassembly: from decoded segments to bytes placed
 * in flow files, following tcpflow 1.6.1's rules where they are right
 * (ISN-1 without SYN, last write wins, zero-filled holes, the max_seek
 * split, FIN/RST closes, stragglers) and fixing them where they are not.
 */
#ifndef TF_DEMUX_H
#define TF_DEMUX_H

#include <stdint.h>

#include "error.h"
#include "tfl_packet.h"
#include "report.h"

struct tf_run;

/* Creates run->demux; after the flow table and output stages. */
tf_err Tf_demux_init(struct tf_run *run);
/* -R: from now on only packets of flows already open are used. */
void Tf_demux_set_continuation(struct tf_run *run, int on);
/* One TCP segment. */
void Tf_demux_packet(struct tf_run *run, const struct tfl_packet *pkt);
/* Close every open flow in flow-id order (end of input, signal, error). */
void Tf_demux_close_all(struct tf_run *run);
/* Close flows idle longer than the timeout at packet time now. */
void Tf_demux_expire(struct tf_run *run, int64_t now);
void Tf_demux_stats(const struct tf_run *run, struct tf_run_stats *st);
/* Wait for tcp_cmd children and free run->demux (if any). */
void Tf_demux_shutdown(struct tf_run *run);
/* The first fatal output error seen while placing bytes, or TF_OK. */
tf_err Tf_demux_error(const struct tf_run *run);

#endif
