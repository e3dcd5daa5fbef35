/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The report's XML writer (host/xmlout.c) against libxml2's xmlTextWriter,
 * which wrote report.xml before it, set up as report.c set it up (indent
 * on, "  ", quote "'", attribute values quoted by hand).  The same random
 * documents -- nesting, attributes, empty and special-character values,
 * text before, between and after children -- must come out byte for byte
 * the same, and the time stamps of report.c must match gmtime + strftime.
 */
#include "config.h"

#include <check.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "testutil.h"
#include "xmlout.h"

#define X(s) ((const xmlChar *)(s))

static char dir[64];
static char path_ref[96], path_ours[96];

static void setup(void)
{
  snprintf(dir, sizeof(dir), "/tmp/check_xmlout.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path_ref, sizeof(path_ref), "%s/ref.xml", dir);
  snprintf(path_ours, sizeof(path_ours), "%s/ours.xml", dir);
}

static void teardown(void)
{
  unlink(path_ref);
  unlink(path_ours);
  rmdir(dir);
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(buf);
  ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* report.c's attribute writer of the libxml2 days: XML's quoting by hand
 * (libxml2 leaves the apostrophe alone). */
static void ref_attr(xmlTextWriterPtr w, const char *name, const char *v)
{
  size_t start = 0;
  size_t i;
  ck_assert_int_ge(xmlTextWriterStartAttribute(w, X(name)), 0);
  for (i = 0; v[i]; i++) {
    const char *ref;
    switch (v[i]) {
    case '&': ref = "&amp;"; break;
    case '<': ref = "&lt;"; break;
    case '>': ref = "&gt;"; break;
    case '"': ref = "&quot;"; break;
    case '\'': ref = "&apos;"; break;
    case '\t': ref = "&#9;"; break;
    case '\n': ref = "&#10;"; break;
    case '\r': ref = "&#13;"; break;
    default: continue;
    }
    if (i > start)
      xmlTextWriterWriteRawLen(w, X(v + start), (int)(i - start));
    xmlTextWriterWriteRaw(w, X(ref));
    start = i + 1;
  }
  if (i > start)
    xmlTextWriterWriteRawLen(w, X(v + start), (int)(i - start));
  xmlTextWriterEndAttribute(w);
}

static const char *const names[] = { "a", "fileobject", "tcpflow:x", "hashdigest", "b1" };
static const char *const values[] = {
  "", "plain", "a&b<c>d\"e'f", "tab\there\nnl\rcr", "caf\xc3\xa9 \xe2\x82\xac",
  "\\x00 escaped", "  spaces  ", "]]>", "x",
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One random document through both writers; they must agree. */
static void one_document(unsigned seed)
{
  xmlTextWriterPtr w = xmlNewTextWriterFilename(path_ref, 0);
  struct tf_xmlout *x = Tf_xmlout_create(path_ours);
  int depth = 0;
  int tag_open = 0; /* the innermost start tag may still take attributes */
  size_t nref, nours;
  char *ref, *ours;
  ck_assert_ptr_nonnull(w);
  ck_assert_ptr_nonnull(x);
  srandom(seed);
  xmlTextWriterSetIndent(w, 1);
  xmlTextWriterSetIndentString(w, X("  "));
  xmlTextWriterSetQuoteChar(w, '\'');
  xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
  Tf_xmlout_declaration(x);
  xmlTextWriterStartElement(w, X("dfxml"));
  ck_assert_int_eq(Tf_xmlout_start(x, "dfxml"), 0);
  depth = 1;
  tag_open = 1;
  for (int op = 0; op < 200; op++) {
    const char *name = names[random() % N(names)];
    const char *value = values[random() % N(values)];
    uint64_t num = (uint64_t)random() * (uint64_t)random();
    switch (random() % 7) {
    case 0:
    case 1:
      if (depth >= 12)
        break;
      xmlTextWriterStartElement(w, X(name));
      ck_assert_int_eq(Tf_xmlout_start(x, name), 0);
      depth++;
      tag_open = 1;
      break;
    case 2:
      if (!tag_open)
        break;
      ref_attr(w, name, value);
      ck_assert_int_eq(Tf_xmlout_attr(x, name, value), 0);
      break;
    case 3:
      if (!tag_open)
        break;
      xmlTextWriterWriteFormatAttribute(w, X(name), "%llu", (unsigned long long)num);
      Tf_xmlout_attr_u64(x, name, num);
      break;
    case 4:
      xmlTextWriterWriteString(w, X(value));
      Tf_xmlout_text(x, value, strlen(value));
      tag_open = 0;
      break;
    case 5:
      if (random() % 2) {
        xmlTextWriterWriteElement(w, X(name), X(value));
        Tf_xmlout_leaf(x, name, value);
      } else {
        xmlTextWriterWriteFormatElement(w, X(name), "%llu", (unsigned long long)num);
        Tf_xmlout_leaf_u64(x, name, num);
      }
      tag_open = 0;
      break;
    default:
      if (depth <= 1)
        break;
      xmlTextWriterEndElement(w);
      Tf_xmlout_end(x);
      depth--;
      tag_open = 0;
      break;
    }
    ck_assert_int_eq(Tf_xmlout_depth(x), depth);
  }
  ck_assert_int_ge(xmlTextWriterEndDocument(w), 0);
  xmlFreeTextWriter(w);
  ck_assert_int_eq(Tf_xmlout_close(x), 0);
  ref = slurp(path_ref, &nref);
  ours = slurp(path_ours, &nours);
  if (nref != nours || memcmp(ref, ours, nref) != 0)
    ck_abort_msg("seed %u: writers differ\n--- libxml2:\n%s\n--- xmlout:\n%s", seed, ref, ours);
  free(ref);
  free(ours);
}

START_TEST(same_bytes_as_libxml2)
{
  for (unsigned seed = 1; seed <= 300; seed++)
    one_document(seed);
}
END_TEST

START_TEST(long_text_crosses_the_buffer)
{
  /* Values longer than the 64 KiB buffer, and many of them. */
  size_t n = 300000;
  char *big = malloc(n + 1);
  size_t nref, nours;
  char *ref, *ours;
  xmlTextWriterPtr w = xmlNewTextWriterFilename(path_ref, 0);
  struct tf_xmlout *x = Tf_xmlout_create(path_ours);
  ck_assert_ptr_nonnull(big);
  for (size_t i = 0; i < n; i++)
    big[i] = "ab<&\r\"'\n"[i % 8];
  big[n] = '\0';
  xmlTextWriterSetIndent(w, 1);
  xmlTextWriterSetIndentString(w, X("  "));
  xmlTextWriterSetQuoteChar(w, '\'');
  xmlTextWriterStartElement(w, X("r"));
  Tf_xmlout_start(x, "r");
  for (int i = 0; i < 5; i++) {
    xmlTextWriterStartElement(w, X("e"));
    Tf_xmlout_start(x, "e");
    ref_attr(w, "v", big);
    Tf_xmlout_attr(x, "v", big);
    xmlTextWriterWriteString(w, X(big));
    Tf_xmlout_text(x, big, n);
    xmlTextWriterEndElement(w);
    Tf_xmlout_end(x);
  }
  xmlTextWriterEndDocument(w);
  xmlFreeTextWriter(w);
  ck_assert_int_eq(Tf_xmlout_close(x), 0);
  ref = slurp(path_ref, &nref);
  ours = slurp(path_ours, &nours);
  ck_assert_uint_eq(nref, nours);
  ck_assert_int_eq(memcmp(ref, ours, nref), 0);
  free(ref);
  free(ours);
  free(big);
}
END_TEST

START_TEST(write_error_is_reported)
{
  struct tf_xmlout *x;
  ck_assert_ptr_null(Tf_xmlout_create("/nonexistent-dir/report.xml"));
  if (access("/dev/full", W_OK) != 0)
    return; /* no /dev/full here: nothing to provoke the error with */
  x = Tf_xmlout_create("/dev/full");
  ck_assert_ptr_nonnull(x);
  Tf_xmlout_start(x, "a");
  Tf_xmlout_leaf(x, "b", "c");
  ck_assert_int_eq(Tf_xmlout_close(x), -1);
}
END_TEST

START_TEST(u64_digits)
{
  char buf[24];
  ck_assert_uint_eq(Tf_xmlout_u64(buf, 0), 1);
  ck_assert_str_eq(buf, "0");
  ck_assert_uint_eq(Tf_xmlout_u64(buf, 18446744073709551615ULL), 20);
  ck_assert_str_eq(buf, "18446744073709551615");
}
END_TEST

/* The time stamps of <tcpflow startime=...>: the fast path against the C
 * library, around leap days, century rules and the ends of its range. */
START_TEST(time_format_matches_gmtime)
{
  static const long long fixed[] = {
    0, 59, 86399, 86400, 951782400, 951868799, 951868800, 4107542400LL, 4107628799LL,
    1795993556, 2147483647, 4294967295LL, 253402300799LL, 253402300800LL, -1,
  };
  srandom(7);
  for (int i = 0; i < 20000; i++) {
    struct timeval tv;
    char ours[64], ref[64];
    struct tm tm;
    time_t t;
    size_t len;
    if (i < (int)N(fixed))
      tv.tv_sec = (time_t)fixed[i];
    else
      tv.tv_sec = (time_t)(((uint64_t)random() << 16 ^ (uint64_t)random()) % 253402300800ULL);
    tv.tv_usec = i % 3 == 0 ? 0 : random() % 1000000;
    Tf_report_format_time(&tv, ours, sizeof(ours));
    t = tv.tv_sec;
    ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
    len = strftime(ref, sizeof(ref), "%Y-%m-%dT%H:%M:%S", &tm);
    if (tv.tv_usec)
      snprintf(ref + len, sizeof(ref) - len, ".%06ldZ", (long)tv.tv_usec);
    else
      snprintf(ref + len, sizeof(ref) - len, "Z");
    ck_assert_str_eq(ours, ref);
  }
}
END_TEST

static Suite *xmlout_suite(void)
{
  Suite *s = suite_create("xmlout");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  /* Hundreds of random documents through two writers: seconds under the
   * sanitizers on a loaded machine, past check's default of 4. */
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, same_bytes_as_libxml2);
  tcase_add_test(tc, long_text_crosses_the_buffer);
  tcase_add_test(tc, write_error_is_reported);
  tcase_add_test(tc, u64_digits);
  tcase_add_test(tc, time_format_matches_gmtime);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return tu_run(xmlout_suite());
}
