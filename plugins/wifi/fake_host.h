/*
 * A fake tcpflow host for the scanner unit tests: implements struct
 * tfs_host and records what a scanner does with it, so that a test can drive
 * a scanner's callbacks directly and compare the XML and log it produced.
 * Shared by the wifi and python tests (compiled from plugins/wifi).
 */
#ifndef TF_FAKE_HOST_H
#define TF_FAKE_HOST_H

#include <tcpflow/scanner.h>

/* A host for one scanner; its settings table gives the defaults. */
tfs_ctx *Fake_host_new(const struct tfs_scanner *scanner);
void Fake_host_free(tfs_ctx *ctx);
const struct tfs_host *Fake_host_api(void);

/* -S name=value; value NULL removes it.  Strings are copied. */
void Fake_host_set(tfs_ctx *ctx, const char *name, const char *value);

/* What the scanner wrote so far, as compact XML without escaping:
 * <a x='1'>text<b/></a>.  Open elements are shown unclosed. */
const char *Fake_host_xml(const tfs_ctx *ctx);
/* Log lines, each "LEVEL: message\n" with LEVEL one of E W I D. */
const char *Fake_host_log(const tfs_ctx *ctx);
/* Forget the recorded XML and log. */
void Fake_host_clear(tfs_ctx *ctx);

/* A flow description with the given id and path (path may be NULL). */
struct tfs_flow_info Fake_host_flow(uint64_t id, const char *path, uint64_t length);

#endif
