/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Host setup for the pipeline harnesses (see hostenv.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "demux.h"
#include "flowtab.h"
#include "fuzz.h"
#include "hostenv.h"
#include "log.h"
#include "options.h"
#include "output.h"
#include "pcapout.h"

/* The options of the harness's run (the program keeps its own in main()). */
static struct tf_options tf_opt;
struct tf_run he_run;

static const char *outdir;

void He_setup(const char *tag)
{
  static char template_str[] = TF_DEFAULT_TEMPLATE;
  outdir = Fuzz_scratch_dir(tag);
  Tf_options_defaults(&tf_opt);
  tf_opt.outdir = outdir;
  tf_opt.template_str = template_str;
  tf_opt.max_bytes = 1u << 20;
  tf_opt.max_bytes_set = 1;
  tf_opt.max_seek = 64 * 1024;
  tf_opt.tcp_timeout = 30; /* packet-time expiry runs too */
  Tf_log_set_quiet(1);
  Tf_run_init(&he_run, &tf_opt);
  if (Tf_flowtab_init(&he_run) != TF_OK || Tf_output_init(&he_run, 64) != TF_OK ||
      Tf_demux_init(&he_run) != TF_OK || Tf_pcapout_init(&he_run) != TF_OK ||
      Tf_console_init(&he_run) != TF_OK)
    abort();
}

void He_recycle(void)
{
  Tf_demux_close_all(&he_run);
  Fuzz_empty_dir(outdir);
}
