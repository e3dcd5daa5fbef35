/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The scanner host: finds modules in the plugin directories, loads them
 * with libltdl, checks their descriptors against our ABI, applies
 * -e/-x/-E/-a, routes -S settings, and drives the events of the SDK
 * (sdk/tcpflow/scanner.h).  It owns the modules and their contexts.
 */
#ifndef TF_PLUGINS_H
#define TF_PLUGINS_H

#include <stdio.h>

#include "error.h"
#include "flow.h"

struct tfs_setting;
struct tf_packet;

/* Directories searched, in order: each --plugin-dir, then every entry of
 * $TCPFLOW_PLUGIN_PATH, then the built-in plugin directory. */
void Tf_plugins_add_dir(const char *dir);
/* Settings the host itself declares (for -S checking and -hh). */
void Tf_plugins_set_host_settings(const struct tfs_setting *table);

/* Load every module found; broken ones are remembered, not fatal.  From
 * here on, a crash inside a scanner is contained (guard.h). */
tf_err Tf_plugins_discover(void);

/* Selection commands, applied in command-line order by Tf_plugins_select. */
void Tf_plugins_cmd_enable(const char *name);   /* -e NAME, -e all */
void Tf_plugins_cmd_disable(const char *name);  /* -x NAME */
void Tf_plugins_cmd_only(const char *name);     /* -E NAME */
void Tf_plugins_cmd_all(void);                  /* -a */
tf_err Tf_plugins_select(void);

/* Setting lookup for -S validation. */
int Tf_plugins_setting_known(const char *name);
void Tf_plugins_list_settings(FILE *out);

/* init every enabled scanner; an error names the module and stops the run. */
tf_err Tf_plugins_start(void);
int Tf_plugins_want_data(void);
/* Some scanner takes flow_data while the capture is read. */
int Tf_plugins_want_stream(void);
/* Bytes [off, off+len) of f became contiguous from the flow's start. */
void Tf_plugins_stream(struct tf_flow *f, uint64_t off, const uint8_t *data, size_t len);
int Tf_plugins_want_packets(void);
int Tf_plugins_any_enabled(void);
/* Scanners disabled during the run, by an error they returned or a crash. */
int Tf_plugins_failures(void);

void Tf_plugins_packet(const struct tf_packet *pkt);
void Tf_plugins_flow_open(struct tf_flow *f);
/* Replay the flow's bytes to data scanners and let every scanner add to
 * the flow's <fileobject> (which the caller has opened). */
void Tf_plugins_flow_close(struct tf_flow *f);
/* run_end of every scanner, inside <summary>. */
void Tf_plugins_run_end(void);
/* fini and unload. */
void Tf_plugins_shutdown(void);

/* -hh: every scanner found, with its file, state and settings. */
void Tf_plugins_print_help(FILE *out);

#endif
