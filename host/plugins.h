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

#include <stdint.h>
#include <stdio.h>

#include "error.h"

struct tfs_setting;
struct tfs_ctx;
struct tf_plugins;

/* An empty registry, NULL when out of memory; the process keeps one
 * (main.c) until Tf_plugins_free, after Tf_plugins_shutdown. */
struct tf_plugins *Tf_plugins_new(void);
void Tf_plugins_free(struct tf_plugins *pl);

/* Directories searched, in order: each --plugin-dir, then every entry of
 * $TCPFLOW_PLUGIN_PATH, then the built-in plugin directory. */
void Tf_plugins_add_dir(struct tf_plugins *pl, const char *dir);
/* Settings the host itself declares (for -S checking and -hh). */
void Tf_plugins_set_host_settings(struct tf_plugins *pl, const struct tfs_setting *table);
/* For the descriptor fuzzer: discovery probes modules in this process
 * (see Tf_loader_probe) instead of in children. */
void Tf_plugins_set_probe_in_process(struct tf_plugins *pl);

/* Load every module found; broken ones are remembered, not fatal.  From
 * here on, a crash inside a scanner is contained (guard.h). */
tf_err Tf_plugins_discover(struct tf_plugins *pl);

/* Selection commands, applied in command-line order by Tf_plugins_select. */
void Tf_plugins_cmd_enable(struct tf_plugins *pl, const char *name);   /* -e NAME, -e all */
void Tf_plugins_cmd_disable(struct tf_plugins *pl, const char *name);  /* -x NAME */
void Tf_plugins_cmd_only(struct tf_plugins *pl, const char *name);     /* -E NAME */
void Tf_plugins_cmd_all(struct tf_plugins *pl);                  /* -a */
tf_err Tf_plugins_select(struct tf_plugins *pl);

/* Setting lookup for -S validation. */
int Tf_plugins_setting_known(struct tf_plugins *pl, const char *name);
/* The host or a usable module other than self declares the setting. */
int Tf_plugins_setting_declared_by_other(struct tf_plugins *pl, const struct tfs_ctx *self,
                                         const char *name);
void Tf_plugins_list_settings(struct tf_plugins *pl, FILE *out);

/* The module table, *count entries; owned by the registry, valid until
 * Tf_plugins_shutdown. */
struct tfs_ctx *Tf_plugins_table(struct tf_plugins *pl, int *count);
struct tfs_ctx *Tf_plugins_find(struct tf_plugins *pl, const char *name);
int Tf_plugins_any_enabled(struct tf_plugins *pl);

/* fini of every started scanner (Tf_dispatch_fini), then forgets the
 * modules.  They stay mapped until exit. */
void Tf_plugins_shutdown(struct tf_plugins *pl);
/* Scanners that failed (could not be loaded, or were disabled during the
 * run), also after Tf_plugins_shutdown: they make the exit status. */
int Tf_plugins_failures(const struct tf_plugins *pl);

/* Partitioned runs (-j, --shard, --fanout), after Tf_plugins_select:
 * packet-only scanners stay on in partition 0 alone (sees_every_packet) or
 * make the run impossible (fanout); so does a flow scanner not marked
 * parallel-safe.  TF_ERR_USAGE with the reason in why. */
tf_err Tf_plugins_partition(struct tf_plugins *pl, int sees_every_packet, uint32_t part_index,
                            char *why, size_t n);

/* -hh: every scanner found, with its file, state and settings. */
void Tf_plugins_print_help(struct tf_plugins *pl, FILE *out);
/* --list-scanners: the same as one JSON object (see the manual page). */
void Tf_plugins_print_json(struct tf_plugins *pl, FILE *out);

#endif
