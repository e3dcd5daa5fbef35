/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * tcpflow scanner SDK -- the public, versioned C ABI between the tcpflow host
 * and scanner modules (.so files loaded at run time).
 *
 * A scanner is a shared object that exports exactly one symbol:
 *
 *     const struct tfs_scanner *tcpflow_scanner_describe(void);
 *
 * It returns a pointer to a descriptor that lives as long as the module is
 * loaded (normally a `static const` object).  The descriptor begins with the
 * ABI version the module was compiled against and its own size; the host
 * refuses modules whose major differs from its own, or whose minor is newer.
 *
 * The host hands the module a function table (struct tfs_host) in init().
 * That table is the only way a scanner reaches the host: modules never link
 * against host symbols (build them with libtool -module -no-undefined).
 *
 * COMPATIBILITY RULES
 *  - A minor bump (TFS_ABI_MINOR) may only APPEND members at the end of
 *    struct tfs_scanner, struct tfs_host, struct tfs_flow_info and
 *    struct tfs_packet, add new flag bits, or add new enum values that old
 *    code may safely ignore.  Every struct carries struct_size so that either
 *    side can tell which members the other one knows about.
 *  - Anything else (removing, reordering or retyping a member, changing the
 *    meaning of a callback or of a return value) forces a major bump.
 *  - The host loads a module when module.abi_major == host major and
 *    module.abi_minor <= host minor.
 *
 * OWNERSHIP
 *  - Everything the host passes in (flow info, packet bytes, data buffers,
 *    strings) is borrowed for the duration of the call only; copy what you
 *    keep.
 *  - Everything a scanner allocates it frees itself, at the latest in fini().
 *  - Strings returned by host services stay valid until the end of the run.
 *
 * EVENT ORDER (for one run)
 *    init -> { flow_open | packet | flow_data (streaming) }* ...
 *    for each closed flow: flow_data* -> flow_close ... -> run_end -> fini
 *  flow_open is called when the host first sees a flow direction.
 *
 *  Two ways to receive a flow's bytes (TFS_SCANNER_WANTS_DATA):
 *  - At close (the default): when a flow closes, the host reads its
 *    reassembled bytes back in order through flow_data (holes are reported
 *    as gaps), then calls flow_close.  Flows close one after another, never
 *    concurrently, so such a scanner may keep the state of "the flow being
 *    closed" in its own state object.
 *  - Streaming (also TFS_SCANNER_STREAMS): flow_data is called while the
 *    capture is read, as soon as bytes are contiguous from the start of the
 *    flow, interleaved across flows; keep per-flow state in
 *    *flow->scanner_state.  At close the host delivers only what was not
 *    streamed yet (bytes after a hole, as gap + data) and never re-reads
 *    what was streamed.  If bytes already streamed change afterwards (a
 *    retransmission with other content overwrites them, or data arrives
 *    from before the flow's first byte), the host replays the whole flow at
 *    close: an event at offset 0 after earlier data means "start over".
 *
 * FAILURES
 *  A scanner that returns TFS_ERROR (other than from init), or that faults
 *  (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) while the host is inside one
 *  of its callbacks, is disabled for the rest of the run: it gets no more
 *  calls, the outputs it left open are closed by the host, and tcpflow
 *  exits with status 5.  After a fault not even fini is called, so memory
 *  the scanner holds is not freed.  A fault in init or in the entry point
 *  makes the scanner unusable, like an error from init.  Faults are caught
 *  on the thread that called the scanner only.
 *
 * This header is plain C99 and usable from C++.
 */
#ifndef TCPFLOW_SCANNER_H
#define TCPFLOW_SCANNER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TFS_ABI_MAJOR 1
#define TFS_ABI_MINOR 0

/* The single symbol every scanner module exports. */
#define TFS_ENTRY_SYMBOL "tcpflow_scanner_describe"

/* Return codes of callbacks and host services. */
#define TFS_OK 0
#define TFS_ERROR (-1)

/* Log levels for tfs_host.log. */
enum tfs_log_level {
  TFS_LOG_ERROR = 0, /* always shown */
  TFS_LOG_WARN = 1,  /* shown unless -q or -d 0 */
  TFS_LOG_INFO = 2,  /* shown with -d 2 and above */
  TFS_LOG_DEBUG = 3  /* shown with -d 10 and above */
};

/* Scanner flags (tfs_scanner.flags). */
#define TFS_SCANNER_ENABLED_BY_DEFAULT 0x0001u /* on unless -x / -E */
#define TFS_SCANNER_WANTS_DATA 0x0002u        /* receives flow_data */
#define TFS_SCANNER_WANTS_PACKETS 0x0004u     /* receives packet */
#define TFS_SCANNER_NOT_IN_ALL 0x0008u        /* not enabled by -a / -e all */
#define TFS_SCANNER_STREAMS 0x0010u           /* flow_data while reading (see above) */

/* One setting a scanner accepts with -S name=value.  The table ends with an
 * entry whose name is NULL.  Names are global: two scanners must not declare
 * the same one (the host refuses the second). */
struct tfs_setting {
  const char *name;
  const char *default_value;
  const char *help;
};

/* Opaque handles owned by the host. */
typedef struct tfs_ctx tfs_ctx;       /* one per loaded scanner */
typedef struct tfs_output tfs_output; /* a derived output file */

/* Identity and statistics of one flow direction, as plain data. */
struct tfs_flow_info {
  uint32_t struct_size; /* sizeof(struct tfs_flow_info) of the host */
  uint64_t flow_id;     /* unique in the run, counts from 0 */
  uint64_t session_id;  /* shared by both directions of a connection */
  uint32_t connection_count; /* the cN suffix, 0 for the first */
  int family;           /* 4 or 6 */
  uint8_t src_addr[16]; /* network order; IPv4 uses the first 4 bytes */
  uint8_t dst_addr[16];
  uint16_t src_port;
  uint16_t dst_port;
  int32_t vlan;         /* 802.1Q VLAN ID, or -1 */
  int64_t first_sec;    /* time of the first packet */
  int32_t first_usec;
  int64_t last_sec;     /* time of the last packet */
  int32_t last_usec;
  uint64_t packets;
  uint64_t length;      /* bytes in the flow (logical length) */
  const char *path;     /* flow file as reported, or NULL when no file is
                           written (-FX); valid during the call only */
  void **scanner_state; /* this scanner's slot for this flow, NULL until it
                           stores something; free it by flow_close */
};

/* One raw captured frame (for scanners with TFS_SCANNER_WANTS_PACKETS). */
struct tfs_packet {
  uint32_t struct_size;
  int dlt;              /* libpcap link type of the frame */
  int64_t sec;
  int32_t usec;
  uint32_t caplen;      /* bytes available at data */
  uint32_t len;         /* length on the wire */
  const uint8_t *data;
};

/* Services the host offers.  Every function receives the tfs_ctx the host
 * passed to init(). */
struct tfs_host {
  uint16_t abi_major;
  uint16_t abi_minor;
  uint32_t struct_size;

  /* printf-style message, prefixed with the scanner's name. */
  void (*log)(tfs_ctx *ctx, int level, const char *fmt, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 3, 4)))
#endif
      ;

  /* Value of a setting this scanner declared (its default when -S did not
   * set it), or of a host setting: "tcpflow.outdir", "tcpflow.no_decompress"
   * ("1" with -Z), "tcpflow.debug" (the -d level), "tcpflow.input" (the
   * interface, or the first input file and " + N more"), "tcpflow.version".
   * NULL for other names; older hosts lack the last two, so cope with NULL. */
  const char *(*setting)(tfs_ctx *ctx, const char *name);

  /* Derived output file named <flow file><suffix>, next to the flow file.
   * The suffix must not contain '/' or NUL and must not be empty.  Only
   * valid inside flow_data/flow_close of that flow, and only when the flow
   * has a file (flow->path != NULL).  Returns TFS_OK and sets *out. */
  int (*output_open)(tfs_ctx *ctx, const struct tfs_flow_info *flow,
                     const char *suffix, tfs_output **out);
  int (*output_write)(tfs_output *out, const void *buf, size_t len);
  /* Path of the output as reported (valid until output_close). */
  const char *(*output_path)(const tfs_output *out);
  /* Closes the file; keep == 0 removes it.  Frees out. */
  int (*output_close)(tfs_output *out, int keep);

  /* DFXML: inside flow_close these add children to the flow's <fileobject>,
   * inside run_end to <summary>.  Elements a scanner leaves open are closed
   * by the host.  Names must be XML names without a colon, or with the
   * prefix "tcpflow:", not "xmlns", at most 256 bytes; a bad name, a second
   * attribute of one name, nesting over 64 levels, over 1 MiB of text in
   * one element or over 16 MiB in one flow returns TFS_ERROR (and the host
   * logs it).  Text and
   * attribute values may be any bytes: the host escapes them reversibly,
   * a backslash as "\\" and each byte that is not well-formed UTF-8 or is
   * not an XML 1.0 character as "\xHH" (see tcpflow(1), DFXML REPORT). */
  int (*xml_start)(tfs_ctx *ctx, const char *element);
  int (*xml_attr)(tfs_ctx *ctx, const char *name, const char *value);
  int (*xml_text)(tfs_ctx *ctx, const char *text);
  int (*xml_end)(tfs_ctx *ctx);
};

/* The module descriptor. */
struct tfs_scanner {
  uint16_t abi_major;   /* TFS_ABI_MAJOR */
  uint16_t abi_minor;   /* TFS_ABI_MINOR */
  uint32_t struct_size; /* sizeof(struct tfs_scanner) */
  const char *name;     /* [a-z0-9_]+, used with -e/-x/-E */
  const char *version;
  const char *description; /* one line */
  uint32_t flags;       /* TFS_SCANNER_* */
  const struct tfs_setting *settings; /* may be NULL */

  /* All callbacks are optional (NULL = not interested).  Any that returns
   * an int returns TFS_OK or TFS_ERROR; an error from init stops the run,
   * an error elsewhere is reported and the scanner disabled. */

  /* Start of run; *state receives the scanner's private state. */
  int (*init)(const struct tfs_host *host, tfs_ctx *ctx, void **state);
  /* A new flow direction was seen (no data yet). */
  void (*flow_open)(void *state, const struct tfs_flow_info *flow);
  /* In-order bytes at offset.  data == NULL means a gap of len bytes (the
   * flow file holds zeros there). */
  int (*flow_data)(void *state, const struct tfs_flow_info *flow,
                   uint64_t offset, const uint8_t *data, size_t len);
  /* The flow is complete; XML services add to its <fileobject>. */
  int (*flow_close)(void *state, const struct tfs_flow_info *flow);
  /* Every captured frame, before any decoding. */
  void (*packet)(void *state, const struct tfs_packet *pkt);
  /* End of input; XML services add to <summary>. */
  int (*run_end)(void *state);
  /* Free everything. */
  void (*fini)(void *state);
};

typedef const struct tfs_scanner *(*tfs_describe_fn)(void);

/* Declare the entry point with the right linkage and visibility. */
#if defined(__GNUC__)
#define TFS_EXPORT __attribute__((visibility("default")))
#else
#define TFS_EXPORT
#endif

#define TFS_SCANNER_ENTRY(descriptor)                                     \
  TFS_EXPORT const struct tfs_scanner *tcpflow_scanner_describe(void);    \
  const struct tfs_scanner *tcpflow_scanner_describe(void) { return &(descriptor); }

#ifdef __cplusplus
}
#endif

#endif /* TCPFLOW_SCANNER_H */
