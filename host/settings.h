/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * -S name=value settings: those given on the command line and those dropped
 * into the configuration directory (defaults for an installation).  The
 * store owns its strings.  Who declares which name is checked later by
 * Tf_settings_check_known, once every scanner has been loaded.
 */
#ifndef TF_SETTINGS_H
#define TF_SETTINGS_H

#include "error.h"

struct tf_settings;

/* An empty set, NULL when out of memory; freed by Tf_settings_free. */
struct tf_settings *Tf_settings_new(void);

/* "name=value" from -S (the value may itself contain '='). */
tf_err Tf_settings_add_arg(struct tf_settings *st, const char *arg);
/* Every *.conf file of dir, in name order; a missing dir is not an error.
 * Command-line values win over these. */
tf_err Tf_settings_load_dir(struct tf_settings *st, const char *dir);
/* The value set for name, or NULL. */
const char *Tf_settings_get(const struct tf_settings *st, const char *name);
/* A callback telling whether a name is declared by the host or a scanner.
 * Unknown command-line names are an error (listing known names via
 * list_known), unknown configuration-file names a warning. */
tf_err Tf_settings_check_known(const struct tf_settings *st,
                               int (*is_known)(void *arg, const char *name),
                               void (*list_known)(void *arg), void *arg);
void Tf_settings_free(struct tf_settings *st);


#endif
