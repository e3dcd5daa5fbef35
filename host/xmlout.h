/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A small streaming XML writer for report.xml.  It writes exactly the bytes
 * libxml2's xmlTextWriter (2.9.x) writes with indenting on, "  " as the
 * indent string and "'" as the quote character -- the report's layout since
 * the first release -- at a fraction of the cost: no allocation per
 * element, no printf, one write(2) per 64 KiB.  tests/unit/check_xmlout.c
 * holds the two writers side by side on random documents.
 *
 * It checks nothing about names or values: report.c escapes every value
 * (tfl_escape.h) and checks every name a scanner gives before calling here.
 * Errors are sticky: after a failed write everything is dropped and
 * Tf_xmlout_close says so.
 */
#ifndef TF_XMLOUT_H
#define TF_XMLOUT_H

#include <stddef.h>
#include <stdint.h>

struct tf_xmlout;

/* Creates (truncates) path for writing.  NULL with errno set on failure.
 * The writer owns the descriptor; Tf_xmlout_close frees everything. */
struct tf_xmlout *Tf_xmlout_create(const char *path);

/* <?xml version='1.0' encoding='UTF-8'?> and a line feed. */
void Tf_xmlout_declaration(struct tf_xmlout *x);

/* Opens an element; its start tag stays open for attributes until text or
 * a child is written.  -1 (nothing written) for an empty name or when
 * memory or a write failed. */
int Tf_xmlout_start(struct tf_xmlout *x, const char *name);

/* One attribute of the element just opened.  value is quoted here: & < >
 * " ' become entity references, tab, line feed and carriage return
 * character references (a parser would turn them into spaces).  -1 when no
 * start tag is open (nothing written) or a write failed. */
int Tf_xmlout_attr(struct tf_xmlout *x, const char *name, const char *value);
void Tf_xmlout_attr_u64(struct tf_xmlout *x, const char *name, uint64_t v);

/* Text content: & < > " become entity references, carriage return &#13;
 * (what xmlTextWriterWriteString does). */
void Tf_xmlout_text(struct tf_xmlout *x, const char *text, size_t len);

/* Closes the innermost open element ("<a/>" when it has no content);
 * nothing when none is open. */
void Tf_xmlout_end(struct tf_xmlout *x);

/* start, text, end. */
void Tf_xmlout_leaf(struct tf_xmlout *x, const char *name, const char *text);
void Tf_xmlout_leaf_u64(struct tf_xmlout *x, const char *name, uint64_t v);

/* Elements open. */
int Tf_xmlout_depth(const struct tf_xmlout *x);

/* Writes what is buffered.  0, or -1 once anything failed. */
int Tf_xmlout_flush(struct tf_xmlout *x);

/* Bytes written so far, buffered ones included: the file's length once
 * flushed.  An open start tag's ">" is not written until content comes. */
uint64_t Tf_xmlout_tell(const struct tf_xmlout *x);

/* Closes every open element, writes, closes the file and frees x.
 * 0, or -1 (errno set) when any write failed. */
int Tf_xmlout_close(struct tf_xmlout *x);

/* The decimal digits of v into buf (at least 21 bytes), NUL-terminated;
 * returns their count. */
size_t Tf_xmlout_u64(char *buf, uint64_t v);

#endif
