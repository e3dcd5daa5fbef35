/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Unit tests of host/options.c: the defaults are written once, and the
 * default texts of the host's -S settings (shown by -h) say what
 * Tf_options_defaults really sets.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../sdk/tcpflow/scanner.h"
#include "options.h"
#include "testutil.h"


/* The value a setting's default text stands for in struct tf_options. */
static long long field_of(const struct tf_options *o, const char *name)
{
  if (strcmp(name, "tcp_timeout") == 0)
    return o->tcp_timeout;
  if (strcmp(name, "idle_timeout") == 0)
    return o->idle_timeout;
  if (strcmp(name, "tcp_alert_fd") == 0)
    return o->tcp_alert_fd;
  if (strcmp(name, "tdelta") == 0)
    return o->tdelta;
  if (strcmp(name, "enable_report") == 0)
    return o->enable_report;
  if (strcmp(name, "packet-buffer-timeout") == 0)
    return o->packet_buffer_timeout;
  if (strcmp(name, "scanner_max_output") == 0)
    return (long long)o->scanner_max_output;
  if (strcmp(name, "scanner_timeout") == 0)
    return (long long)o->scanner_timeout;
  if (strcmp(name, "tcp_cmd") == 0)
    return o->tcp_cmd == NULL;
  if (strcmp(name, "report_format") == 0)
    return o->report_format;
  ck_abort_msg("setting %s: no field known to this test", name);
  return 0;
}

START_TEST(setting_texts_match_defaults)
{
  struct tf_options o;
  int n = 0;
  Tf_options_defaults(&o);
  for (const struct tfs_setting *s = Tf_options_host_settings; s->name; s++, n++) {
    long long want;
    if (strcmp(s->name, "enable_report") == 0)
      want = strcmp(s->default_value, "YES") == 0;
    else if (strcmp(s->name, "tcp_cmd") == 0)
      want = s->default_value[0] == '\0';
    else if (strcmp(s->name, "report_format") == 0)
      want = strcmp(s->default_value, "dfxml") == 0 ? TF_REPORT_DFXML : -1;
    else
      want = strtoll(s->default_value, NULL, 10);
    ck_assert_msg(field_of(&o, s->name) == want, "-S %s: the table says %s, the default is %lld",
                  s->name, s->default_value, field_of(&o, s->name));
  }
  ck_assert_int_eq(n, 10);
}
END_TEST

START_TEST(defaults_of_the_command_line)
{
  struct tf_options o;
  memset(&o, 0x5a, sizeof(o)); /* nothing may survive from before */
  Tf_options_defaults(&o);
  ck_assert_str_eq(o.outdir, ".");
  ck_assert_int_eq(o.store_output, 1);
  ck_assert(o.max_bytes == UINT64_MAX);
  ck_assert_int_eq(o.max_bytes_set, 0);
  ck_assert_int_eq(o.max_seek, TF_DEFAULT_MAX_SEEK);
  ck_assert_int_eq(o.console, TF_CONSOLE_OFF);
  ck_assert_int_eq(o.strip_nonprint, 0);
  ck_assert_ptr_null(o.template_str);
  ck_assert_ptr_null(o.filter);
  ck_assert_ptr_null(o.report_path);
  ck_assert_ptr_null(o.unprocessed_pcap);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("options");
  TCase *t = tcase_create("defaults");
  tcase_add_test(t, setting_texts_match_defaults);
  tcase_add_test(t, defaults_of_the_command_line);
  suite_add_tcase(s, t);
  return tu_run(s);
}
