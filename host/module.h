/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * One scanner module as the host knows it: the record shared by the
 * registry (plugins.c), the loader (loader.c), the services given to
 * scanners (services.c) and the event dispatch (dispatch.c).  The SDK
 * calls it tfs_ctx and keeps it opaque; scanners get a pointer to it and
 * hand it back to the services.
 *
 * Ownership: the records live in the registry's table for the whole run;
 * the registry clears them in Tf_plugins_shutdown.  desc points into the
 * module's own memory and is valid while the module stays mapped (until
 * exit).
 */
#ifndef TF_MODULE_H
#define TF_MODULE_H

#include <ltdl.h>
#include <stdint.h>

#include "../sdk/tcpflow/scanner.h"
#include "tfl_list.h"

#define TF_MODULE_MAX_NAME 64

struct tf_plugins;
struct tf_run;

struct tfs_ctx {
  struct tf_plugins *registry; /* the registry it is in, or NULL (--check-scanner) */
  struct tf_run *run;     /* the run it serves, from Tf_dispatch_start */
  const struct tfs_scanner *desc;
  char name[TF_MODULE_MAX_NAME];
  char path[4096];        /* the module file */
  char load_error[1024];  /* why it could not be used, or "" */
  lt_dlhandle handle;
  int enabled;
  int started;
  int failed;             /* disabled after an error during the run */
  int crashed;            /* ... because it faulted (fini is not called) */
  const char *fail_event; /* the callback that failed */
  char fail_reason[1024];  /* as long as load_error, which it may hold */
  char error_msg[256];    /* last tfs_host.error text of the current call */
  char fail_flow[4096];   /* the flow it failed on, or "" */
  struct tfl_list outputs; /* open derived files (services.c; set up by Tf_services_init) */
  /* The probe's copy of the descriptor (loader.c); owned, freed by
   * Tf_loader_release.  desc points to it until the module is opened. */
  void *probe_record;
  struct tfs_scanner *probe_desc;
  struct tfs_setting *probe_settings;
  char shadowed[4096];    /* a file of the same name found later, or "" */
  void *state;
  uint32_t nsettings;
};

#endif
