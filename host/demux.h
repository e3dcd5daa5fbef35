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

tf_err Tf_demux_init(void);
/* -R: from now on only packets of flows already open are used. */
void Tf_demux_set_continuation(int on);
/* One TCP segment. */
void Tf_demux_packet(const struct tfl_packet *pkt);
/* Close every open flow in flow-id order (end of input, signal, error). */
void Tf_demux_close_all(void);
/* Close flows idle longer than the timeout at packet time now. */
void Tf_demux_expire(int64_t now);
void Tf_demux_stats(struct tf_run_stats *st);
/* Wait for tcp_cmd children and free everything. */
void Tf_demux_shutdown(void);
/* The first fatal output error seen while placing bytes, or TF_OK. */
tf_err Tf_demux_error(void);

#endif
