/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Unit tests of the python scanner, driven through the fake host of
 * plugins/testing.  Each test runs in its own forked process (check's
 * default), so each starts with no interpreter.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_host.h"

#ifndef TF_PY_DIR
#define TF_PY_DIR "."
#endif

const struct tfs_scanner *tcpflow_scanner_describe(void);

static const struct tfs_scanner *sc;
static tfs_ctx *ctx;
static void *state;

static void setup(void)
{
  sc = tcpflow_scanner_describe();
  ctx = Fake_host_new(sc);
  state = NULL;
}

static void teardown(void)
{
  if (state)
    sc->fini(state);
  Fake_host_free(ctx);
}

#define ck_assert_has(hay, needle) \
  ck_assert_msg(strstr((hay), (needle)) != NULL, "missing <%s> in <%s>", (needle), (hay))

static void configure(const char *dir, const char *module, const char *function)
{
  Fake_host_set(ctx, "py_path", dir);
  Fake_host_set(ctx, "py_module", module);
  Fake_host_set(ctx, "py_function", function);
}

static void start(const char *dir, const char *module, const char *function)
{
  configure(dir, module, function);
  ck_assert_int_eq(sc->init(Fake_host_api(), ctx, &state), TFS_OK);
}

static void init_fails(const char *message)
{
  ck_assert_int_eq(sc->init(Fake_host_api(), ctx, &state), TFS_ERROR);
  state = NULL;
  ck_assert_has(Fake_host_log(ctx), message);
}

/* One flow with the given content, delivered in chunks of at most 5 bytes
 * to exercise gathering. */
static void flow(uint64_t id, const char *path, const void *data, size_t len)
{
  struct tfs_flow_info f = Fake_host_flow(ctx, id, id, NULL, len);
  size_t off;
  f.path = path; /* the scanner only reports it, so tests choose it freely */
  for (off = 0; off < len; off += 5) {
    size_t n = len - off < 5 ? len - off : 5;
    ck_assert_int_eq(sc->flow_data(state, &f, off, (const uint8_t *)data + off, n), TFS_OK);
  }
  ck_assert_int_eq(sc->flow_close(state, &f), TFS_OK);
}

/* Sends stderr to a file while a test runs, to see Python tracebacks. */
static char err_path[4096];
static int saved_err = -1;

static void capture_stderr(void)
{
  int fd;
  snprintf(err_path, sizeof(err_path), "%s/check_python.XXXXXX", getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  fd = mkstemp(err_path);
  ck_assert_int_ge(fd, 0);
  fflush(stderr);
  saved_err = dup(2);
  dup2(fd, 2);
  close(fd);
}

static char *captured_stderr(void)
{
  static char text[65536];
  FILE *fp;
  size_t n;
  fflush(stderr);
  dup2(saved_err, 2);
  close(saved_err);
  fp = fopen(err_path, "r");
  ck_assert_ptr_nonnull(fp);
  n = fread(text, 1, sizeof(text) - 1, fp);
  text[n] = '\0';
  fclose(fp);
  unlink(err_path);
  return text;
}

START_TEST(descriptor)
{
  ck_assert_str_eq(sc->name, "python");
  ck_assert_uint_eq(sc->flags, TFS_SCANNER_WANTS_DATA | TFS_SCANNER_NOT_IN_ALL);
}
END_TEST

START_TEST(needs_settings)
{
  init_fails("E: python scanner needs -S py_module=MODULE and -S py_function=FUNCTION");
  Fake_host_clear(ctx);
  Fake_host_set(ctx, "py_module", "sample_plugin");
  init_fails("E: python scanner needs -S py_module=MODULE and -S py_function=FUNCTION");
}
END_TEST

START_TEST(bad_max_bytes)
{
  configure(TF_PY_DIR "/examples", "sample_plugin", "sample_function");
  Fake_host_set(ctx, "py_max_bytes", "0");
  init_fails("E: py_max_bytes must be a positive number of bytes, not '0'");
}
END_TEST

START_TEST(module_not_found)
{
  configure(TF_PY_DIR "/examples", "no_such_module", "f");
  init_fails("E: python module 'no_such_module' not found (py_path='" TF_PY_DIR "/examples')");
}
END_TEST

START_TEST(module_fails_to_import)
{
  char *err;
  configure(TF_PY_DIR "/tests", "py_broken", "f");
  capture_stderr();
  init_fails("E: python module 'py_broken' failed to import:");
  err = captured_stderr();
  ck_assert_has(err, "RuntimeError: broken on purpose");
}
END_TEST

START_TEST(module_dependency_missing)
{
  char *err;
  configure(TF_PY_DIR "/tests", "py_missing_dep", "f");
  capture_stderr();
  init_fails("E: python module 'py_missing_dep' failed to import:");
  err = captured_stderr();
  ck_assert_has(err, "No module named 'no_such_dependency_for_tcpflow'");
}
END_TEST

START_TEST(function_missing)
{
  configure(TF_PY_DIR "/examples", "sample_plugin", "nope");
  init_fails("E: python module 'sample_plugin' has no function 'nope'");
}
END_TEST

START_TEST(function_not_callable)
{
  configure(TF_PY_DIR "/tests", "py_types", "not_callable");
  init_fails("E: 'py_types.not_callable' is a int, not a callable function");
}
END_TEST

START_TEST(sample_plugin_full_content)
{
  static const char content[] = "GET / HTTP/1.0\r\n\0\0\x01" "abc";
  start(TF_PY_DIR "/examples", "sample_plugin", "sample_function");
  flow(7, "out/a-b", content, sizeof(content) - 1);
  ck_assert_str_eq(Fake_host_xml(ctx),
                   "<tcpflow:result scanner='python' path='out/a-b' module='sample_plugin' "
                   "function='sample_function'>length=22 md5=9f05b3a4989a2d5524651a5f7e3e7c37 "
                   "first_line=GET / HTTP/1.0</tcpflow:result>");
  ck_assert_str_eq(Fake_host_log(ctx), "");
}
END_TEST

START_TEST(relative_py_path)
{
  ck_assert_int_eq(chdir(TF_PY_DIR), 0);
  start("examples", "sample_plugin", "sample_function");
  ck_assert_int_eq(chdir("/"), 0); /* imports already resolved */
  flow(0, "f", "", 0);
  ck_assert_has(Fake_host_xml(ctx), ">length=0 md5=d41d8cd98f00b204e9800998ecf8427e<");
}
END_TEST

START_TEST(gaps_read_as_zeros)
{
  struct tfs_flow_info f = Fake_host_flow(ctx, 1, 1, "g", 7);
  start(TF_PY_DIR "/examples", "sample_plugin", "sample_function");
  ck_assert_int_eq(sc->flow_data(state, &f, 0, (const uint8_t *)"ab", 2), TFS_OK);
  ck_assert_int_eq(sc->flow_data(state, &f, 2, NULL, 3), TFS_OK);
  ck_assert_int_eq(sc->flow_data(state, &f, 5, (const uint8_t *)"cd", 2), TFS_OK);
  ck_assert_int_eq(sc->flow_close(state, &f), TFS_OK);
  ck_assert_has(Fake_host_xml(ctx), ">length=7 md5=42d123b99dd9ecf0f6e597add5f4d2b9<");
}
END_TEST

START_TEST(length_unknown_grows)
{
  /* The host's length is a hint: more data than announced still arrives. */
  struct tfs_flow_info f = Fake_host_flow(ctx, 1, 1, "g", 1);
  static const char big[1000] = "x";
  int i;
  start(TF_PY_DIR "/examples", "sample_plugin", "sample_function");
  for (i = 0; i < 100; i++)
    ck_assert_int_eq(sc->flow_data(state, &f, (uint64_t)i * sizeof(big),
                                   (const uint8_t *)big, sizeof(big)), TFS_OK);
  ck_assert_int_eq(sc->flow_close(state, &f), TFS_OK);
  ck_assert_has(Fake_host_xml(ctx), ">length=100000 md5=");
}
END_TEST

START_TEST(max_bytes_truncates)
{
  Fake_host_set(ctx, "py_max_bytes", "4");
  start(TF_PY_DIR "/examples", "sample_plugin", "sample_function");
  flow(3, "t", "0123456789", 10);
  ck_assert_str_eq(Fake_host_xml(ctx),
                   "<tcpflow:result scanner='python' path='t' module='sample_plugin' "
                   "function='sample_function' truncated='1' passed_bytes='4'>length=4 "
                   "md5=eb62f6b9306db575c2d596b1279627a4 first_line=0123</tcpflow:result>");
  /* The next flow starts afresh. */
  Fake_host_clear(ctx);
  flow(4, "u", "ab", 2);
  ck_assert_has(Fake_host_xml(ctx), "function='sample_function'>length=2 ");
}
END_TEST

START_TEST(flow_without_file)
{
  start(TF_PY_DIR "/examples", "sample_plugin", "sample_function");
  flow(1, NULL, "abc", 3);
  ck_assert_has(Fake_host_xml(ctx), "<tcpflow:result scanner='python' module='sample_plugin'");
}
END_TEST

START_TEST(returns_none)
{
  start(TF_PY_DIR "/tests", "py_types", "returns_none");
  flow(1, "n", "abc", 3);
  ck_assert_str_eq(Fake_host_xml(ctx), "");
  ck_assert_str_eq(Fake_host_log(ctx), "");
}
END_TEST

START_TEST(returns_non_string)
{
  start(TF_PY_DIR "/tests", "py_types", "returns_int");
  flow(1, "out/flow1", "abc", 3);
  ck_assert_str_eq(Fake_host_xml(ctx), "");
  ck_assert_str_eq(Fake_host_log(ctx),
                   "W: py_types.returns_int returned int on flow out/flow1; only str "
                   "(recorded) or None is expected\n");
}
END_TEST

START_TEST(returns_long_string)
{
  const char *xml, *text;
  start(TF_PY_DIR "/tests", "py_types", "returns_long");
  flow(1, "l", "abc", 3);
  xml = Fake_host_xml(ctx);
  text = strchr(xml, '>');
  ck_assert_ptr_nonnull(text);
  /* The text goes to the host unescaped (escaping is its job), whole. */
  ck_assert_int_eq(strncmp(text + 1, "<&'\"><&'\">", 10), 0);
  ck_assert_uint_eq(strlen(text + 1), 5 * 20000 + 3 + strlen("</tcpflow:result>"));
  ck_assert_has(xml, "end</tcpflow:result>");
}
END_TEST

START_TEST(returns_string_with_nul)
{
  start(TF_PY_DIR "/tests", "py_types", "returns_nul");
  flow(1, "z", "abc", 3);
  ck_assert_has(Fake_host_xml(ctx), ">before</tcpflow:result>");
  ck_assert_has(Fake_host_log(ctx), "W: py_types.returns_nul returned a str with a NUL");
}
END_TEST

START_TEST(exception_does_not_stop_the_run)
{
  char *err;
  start(TF_PY_DIR "/tests", "py_raises", "check");
  capture_stderr();
  flow(1, "out/bad-flow", "bad things", 10);
  flow(2, "out/good-flow", "fine", 4);
  err = captured_stderr();
  ck_assert_str_eq(Fake_host_log(ctx),
                   "W: py_raises.check raised an exception on flow out/bad-flow:\n");
  ck_assert_has(err, "Traceback (most recent call last):");
  ck_assert_has(err, "ValueError: flow starts with bad");
  ck_assert_str_eq(Fake_host_xml(ctx),
                   "<tcpflow:result scanner='python' path='out/good-flow' module='py_raises' "
                   "function='check'>ok</tcpflow:result>");
}
END_TEST

START_TEST(sys_exit_is_contained)
{
  start(TF_PY_DIR "/tests", "py_types", "leaves");
  flow(1, "e", "abc", 3);
  ck_assert_has(Fake_host_log(ctx), "W: py_types.leaves called sys.exit() on flow e; ignored");
}
END_TEST

START_TEST(c_extension_modules)
{
  start(TF_PY_DIR "/tests", "py_extension", "crc");
  flow(1, "c", "abc", 3);
  ck_assert_has(Fake_host_xml(ctx), ">crc32=352441c2 json=\"\\u00e9\"</tcpflow:result>");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("python");
  TCase *t = tcase_create("scanner");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_add_test(t, descriptor);
  tcase_add_test(t, needs_settings);
  tcase_add_test(t, bad_max_bytes);
  tcase_add_test(t, module_not_found);
  tcase_add_test(t, module_fails_to_import);
  tcase_add_test(t, module_dependency_missing);
  tcase_add_test(t, function_missing);
  tcase_add_test(t, function_not_callable);
  tcase_add_test(t, sample_plugin_full_content);
  tcase_add_test(t, relative_py_path);
  tcase_add_test(t, gaps_read_as_zeros);
  tcase_add_test(t, length_unknown_grows);
  tcase_add_test(t, max_bytes_truncates);
  tcase_add_test(t, flow_without_file);
  tcase_add_test(t, returns_none);
  tcase_add_test(t, returns_non_string);
  tcase_add_test(t, returns_long_string);
  tcase_add_test(t, returns_string_with_nul);
  tcase_add_test(t, exception_does_not_stop_the_run);
  tcase_add_test(t, sys_exit_is_contained);
  tcase_add_test(t, c_extension_modules);
  suite_add_tcase(s, t);
  return Fake_host_run_suite(s);
}
