/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The report's XML writer (xmlout.h).  The layout rules are libxml2's
 * xmlTextWriter's with indenting on (xmlwriter.c of 2.9.x), kept to the
 * byte:
 *  - a start tag goes on a line of its own, indented two spaces per open
 *    ancestor; opening a child first ends the parent's start tag with ">"
 *    and a line feed;
 *  - an element without content ends as "<a/>", every end tag is followed
 *    by a line feed;
 *  - an end tag is indented only when the last thing written inside the
 *    element was a child's end tag ("doindent"); after text (or a
 *    non-empty attribute value, which libxml2 writes the same way) it
 *    follows the text directly, so <a>text</a> stays on one line.
 * Writing into one buffer, with names kept in a stack of offsets into one
 * string, makes a report line cost a few memcpy calls.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmlout.h"

#define XMLOUT_BUF (64 * 1024)
#define XMLOUT_INDENT "  "

enum xmlout_state {
  XMLOUT_NAME, /* start tag open: attributes may follow */
  XMLOUT_TEXT  /* start tag closed: content written */
};

struct xmlout_level {
  size_t name_at;  /* offset of the NUL-terminated name in names */
  size_t name_len;
  enum xmlout_state state;
};

struct tf_xmlout {
  int fd;
  int failed;            /* a write failed: errno in saved_errno */
  int saved_errno;
  int doindent;
  uint64_t flushed;      /* bytes handed to write(2) before buf */
  char *buf;             /* XMLOUT_BUF bytes; owned */
  size_t len;
  struct xmlout_level *levels; /* owned */
  int depth, levels_cap;
  char *names;           /* the open elements' names, back to back; owned */
  size_t names_len, names_cap;
};

/* ------------------------------------------------------------ output */

static void xmlout_write_all(struct tf_xmlout *x, const char *p, size_t n)
{
  while (n > 0 && !x->failed) {
    ssize_t w = write(x->fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      x->failed = 1;
      x->saved_errno = w < 0 ? errno : ENOSPC;
      return;
    }
    p += w;
    n -= (size_t)w;
  }
}

int Tf_xmlout_flush(struct tf_xmlout *x)
{
  if (x->len > 0)
    xmlout_write_all(x, x->buf, x->len);
  x->flushed += x->len;
  x->len = 0;
  if (x->failed) {
    errno = x->saved_errno;
    return -1;
  }
  return 0;
}

static void put_slow(struct tf_xmlout *x, const char *s, size_t n)
{
  while (n > XMLOUT_BUF - x->len) {
    size_t room = XMLOUT_BUF - x->len;
    memcpy(x->buf + x->len, s, room);
    x->len += room;
    s += room;
    n -= room;
    Tf_xmlout_flush(x);
  }
  memcpy(x->buf + x->len, s, n);
  x->len += n;
}

/* Nearly every write is a few bytes into a buffer with room: inline, so
 * that the copy of a constant string is a move or two. */
static inline void put(struct tf_xmlout *x, const char *s, size_t n)
{
  if (n > XMLOUT_BUF - x->len) {
    put_slow(x, s, n);
    return;
  }
  memcpy(x->buf + x->len, s, n);
  x->len += n;
}

static void put_str(struct tf_xmlout *x, const char *s)
{
  put(x, s, strlen(s));
}

static void put_indent(struct tf_xmlout *x, int levels)
{
  static const char spaces[] = XMLOUT_INDENT XMLOUT_INDENT XMLOUT_INDENT XMLOUT_INDENT
                               XMLOUT_INDENT XMLOUT_INDENT XMLOUT_INDENT XMLOUT_INDENT;
  const int per_put = (int)(sizeof(spaces) - 1) / (int)(sizeof(XMLOUT_INDENT) - 1);
  for (; levels > 0; levels -= per_put) {
    int n = levels < per_put ? levels : per_put;
    put(x, spaces, (size_t)n * (sizeof(XMLOUT_INDENT) - 1));
  }
}

/* s[0..n) with the bytes that have a reference in refs[] replaced. */
static void put_escaped(struct tf_xmlout *x, const char *s, size_t n, const char *const refs[256])
{
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    const char *ref = refs[(unsigned char)s[i]];
    if (!ref)
      continue;
    put(x, s + run, i - run);
    put_str(x, ref);
    run = i + 1;
  }
  put(x, s + run, n - run);
}

/* xmlEncodeSpecialChars' replacements (text content). */
static const char *const text_refs[256] = {
  ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\r'] = "&#13;",
};

/* An attribute value quoted with "'" (report.c's rules since 1.0). */
static const char *const attr_refs[256] = {
  ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&apos;",
  ['\t'] = "&#9;", ['\n'] = "&#10;", ['\r'] = "&#13;",
};

uint64_t Tf_xmlout_tell(const struct tf_xmlout *x)
{
  return x->flushed + x->len;
}

size_t Tf_xmlout_u64(char *buf, uint64_t v)
{
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return n;
}

/* ------------------------------------------------------------ life */

struct tf_xmlout *Tf_xmlout_create(const char *path)
{
  struct tf_xmlout *x = calloc(1, sizeof(*x));
  int err;
  if (!x)
    return NULL;
  x->buf = malloc(XMLOUT_BUF);
  if (!x->buf)
    goto fail;
  x->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (x->fd < 0)
    goto fail;
  x->doindent = 1;
  return x;
fail:
  err = errno;
  free(x->buf);
  free(x);
  errno = err;
  return NULL;
}

int Tf_xmlout_close(struct tf_xmlout *x)
{
  int rc;
  int err;
  while (x->depth > 0)
    Tf_xmlout_end(x);
  rc = Tf_xmlout_flush(x);
  err = errno;
  if (close(x->fd) != 0 && rc == 0) {
    rc = -1;
    err = errno;
  }
  free(x->buf);
  free(x->levels);
  free(x->names);
  free(x);
  errno = err;
  return rc;
}

int Tf_xmlout_depth(const struct tf_xmlout *x)
{
  return x->depth;
}

void Tf_xmlout_declaration(struct tf_xmlout *x)
{
  put_str(x, "<?xml version='1.0' encoding='UTF-8'?>\n");
}

/* ------------------------------------------------------------ elements */

static struct xmlout_level *top(struct tf_xmlout *x)
{
  return x->depth > 0 ? &x->levels[x->depth - 1] : NULL;
}

/* The parent's start tag ends before its first child or text. */
static void close_start_tag(struct tf_xmlout *x, int newline)
{
  struct xmlout_level *t = top(x);
  if (t && t->state == XMLOUT_NAME) {
    put(x, newline ? ">\n" : ">", newline ? 2 : 1);
    t->state = XMLOUT_TEXT;
  }
}

static int push(struct tf_xmlout *x, const char *name, size_t n)
{
  struct xmlout_level *l;
  if (x->depth == x->levels_cap) {
    int cap = x->levels_cap ? 2 * x->levels_cap : 16;
    struct xmlout_level *nl = realloc(x->levels, (size_t)cap * sizeof(*nl));
    if (!nl)
      return -1;
    x->levels = nl;
    x->levels_cap = cap;
  }
  if (x->names_len + n + 1 > x->names_cap) {
    size_t cap = x->names_cap ? x->names_cap : 256;
    char *nn;
    while (cap < x->names_len + n + 1)
      cap *= 2;
    nn = realloc(x->names, cap);
    if (!nn)
      return -1;
    x->names = nn;
    x->names_cap = cap;
  }
  l = &x->levels[x->depth++];
  l->name_at = x->names_len;
  l->name_len = n;
  l->state = XMLOUT_NAME;
  memcpy(x->names + x->names_len, name, n + 1);
  x->names_len += n + 1;
  return 0;
}

int Tf_xmlout_start(struct tf_xmlout *x, const char *name)
{
  size_t n = strlen(name);
  if (n == 0)
    return -1;
  close_start_tag(x, 1);
  if (push(x, name, n) != 0) {
    x->failed = 1;
    x->saved_errno = ENOMEM;
    return -1;
  }
  put_indent(x, x->depth - 1);
  put(x, "<", 1);
  put(x, name, n);
  return x->failed ? -1 : 0;
}

static void attr_begin(struct tf_xmlout *x, const char *name)
{
  put(x, " ", 1);
  put_str(x, name);
  put(x, "='", 2);
}

int Tf_xmlout_attr(struct tf_xmlout *x, const char *name, const char *value)
{
  struct xmlout_level *t = top(x);
  size_t n = strlen(value);
  if (!t || t->state != XMLOUT_NAME)
    return -1;
  attr_begin(x, name);
  put_escaped(x, value, n, attr_refs);
  put(x, "'", 1);
  if (n > 0)
    x->doindent = 0;
  return x->failed ? -1 : 0;
}

void Tf_xmlout_attr_u64(struct tf_xmlout *x, const char *name, uint64_t v)
{
  struct xmlout_level *t = top(x);
  char digits[24];
  size_t n;
  if (!t || t->state != XMLOUT_NAME)
    return;
  n = Tf_xmlout_u64(digits, v);
  attr_begin(x, name);
  put(x, digits, n);
  put(x, "'", 1);
}

void Tf_xmlout_text(struct tf_xmlout *x, const char *text, size_t len)
{
  close_start_tag(x, 0);
  x->doindent = 0;
  put_escaped(x, text, len, text_refs);
}

void Tf_xmlout_end(struct tf_xmlout *x)
{
  struct xmlout_level *t = top(x);
  if (!t)
    return;
  if (t->state == XMLOUT_NAME) {
    put(x, "/>\n", 3);
  } else {
    if (x->doindent)
      put_indent(x, x->depth - 1);
    put(x, "</", 2);
    put(x, x->names + t->name_at, t->name_len);
    put(x, ">\n", 2);
  }
  x->doindent = 1;
  x->names_len = t->name_at;
  x->depth--;
}

void Tf_xmlout_leaf(struct tf_xmlout *x, const char *name, const char *text)
{
  Tf_xmlout_start(x, name);
  Tf_xmlout_text(x, text, strlen(text));
  Tf_xmlout_end(x);
}

void Tf_xmlout_leaf_u64(struct tf_xmlout *x, const char *name, uint64_t v)
{
  char digits[24];
  size_t n = Tf_xmlout_u64(digits, v);
  Tf_xmlout_start(x, name);
  Tf_xmlout_text(x, digits, n);
  Tf_xmlout_end(x);
}
