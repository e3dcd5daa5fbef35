/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The scanner registry: the plugin directories, the table of modules found
 * there (loaded by loader.c), -e/-x/-E/-a selection, the settings scanners
 * declare, and -hh.  It owns the module records (module.h); the events of
 * the SDK are driven by dispatch.c and the services by services.c.
 */
#ifndef TF_PLUGINS_H
#define TF_PLUGINS_H

#include <stdio.h>

#include "error.h"

struct tfs_setting;
struct tfs_ctx;

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
/* The host or a usable module other than self declares the setting. */
int Tf_plugins_setting_declared_by_other(const struct tfs_ctx *self, const char *name);
void Tf_plugins_list_settings(FILE *out);

/* The module table, *count entries; owned by the registry, valid until
 * Tf_plugins_shutdown. */
struct tfs_ctx *Tf_plugins_table(int *count);
struct tfs_ctx *Tf_plugins_find(const char *name);
int Tf_plugins_any_enabled(void);

/* fini of every started scanner (Tf_dispatch_fini), then forgets the
 * modules.  They stay mapped until exit. */
void Tf_plugins_shutdown(void);

/* Partitioned runs (-j, --shard, --fanout), after Tf_plugins_select:
 * packet-only scanners stay on in partition 0 alone (sees_every_packet) or
 * make the run impossible (fanout); so does a flow scanner not marked
 * parallel-safe.  TF_ERR_USAGE with the reason in why. */
tf_err Tf_plugins_partition(int sees_every_packet, char *why, size_t n);

/* -hh: every scanner found, with its file, state and settings. */
void Tf_plugins_print_help(FILE *out);
/* --list-scanners: the same as one JSON object (see the manual page). */
void Tf_plugins_print_json(FILE *out);

#endif
