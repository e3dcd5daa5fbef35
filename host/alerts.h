/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * What tcpflow tells the world outside as flow files come and go: the
 * tcp_alert_fd protocol ("open\tPATH" when a flow file is created,
 * "close\tPATH" when it is complete) and the tcp_cmd run on every finished
 * flow file.  One module for both halves, so the protocol is in one place.
 */
#ifndef TF_ALERTS_H
#define TF_ALERTS_H

#include "options.h"

struct tf_run;

/* A flow file was created at path (not for hidden scanner storage). */
void Tf_alerts_open(const struct tf_options *opt, const char *path);
/* The flow file at path is complete: "close" on the alert fd, then
 * tcp_cmd with path as its argument (at most a few at once, as children
 * that run->alerts holds). */
void Tf_alerts_close(struct tf_run *run, const char *path);
/* Waits for the run's tcp_cmd processes still running; frees run->alerts. */
void Tf_alerts_shutdown(struct tf_run *run);

#endif
