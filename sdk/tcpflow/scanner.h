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
 * THREADING AND LIFETIME
 *  - The host calls a scanner from one thread at a time (today always the
 *    main thread); callbacks of one scanner never run concurrently.
 *  - The struct tfs_host table and the tfs_ctx passed to init() stay valid
 *    from init() until fini() returns; keep the pointers in your state.
 *  - With -j N the host runs N worker processes, not threads: each loads
 *    its own copy of the module and runs init ... fini.  Only scanners that
 *    set TFS_SCANNER_PARALLEL_SAFE are run in workers (see that flag).
 *
 * CONTAINMENT: WHAT IT CAN AND CANNOT PROMISE
 *  Scanners run in the tcpflow process.  The host contains what it sees:
 *  - a fault inside a callback (see FAILURES): scanner disabled, exit 5;
 *  - a callback that does not return within -S scanner_timeout seconds
 *    (default 600), or is still running at a second SIGINT/SIGTERM: the
 *    host leaves the call as after a fault (scanner disabled, no fini,
 *    its memory and any lock it held are abandoned), the run goes on or
 *    stops as asked, the report is closed, exit 5;
 *  - exit() inside a callback: not prevented, but caught on the way out;
 *    the report is closed with a <scanner_failure> naming the scanner
 *    (flows still open are not reported) and the status is 6.
 *  It cannot promise anything against a scanner that corrupts the host's
 *  memory, closes or writes to the host's file descriptors, replaces
 *  signal handlers, blocks signals, calls _exit() or abort() from a thread
 *  of its own, or starts threads that fault later: do not enable a scanner
 *  you do not trust.  What it does promise: modules are opened with local
 *  symbol scope and bound at load, and modules the run does not enable
 *  never run code in the tcpflow process (see LOADING).
 *
 * LOADING
 *  The host reads each module's descriptor in a short-lived child process
 *  (so a module's ELF constructors and entry point never run in the tcpflow
 *  process just because the module is installed), and loads into the
 *  tcpflow process only the scanners the run enables.  Modules are opened
 *  with local symbol scope (no symbol of one module is visible to another
 *  or interposes the host's libraries) and bound at load (RTLD_NOW): an
 *  unresolved symbol is an error naming the module and the symbol, not a
 *  later crash; the run goes on without that module, the report's
 *  <scanner_failure event="load"> names it and the exit status is 5.  A module that needs its libraries' symbols in global scope
 *  (an interpreter whose extensions link against it) promotes them itself
 *  with dlopen(lib, RTLD_NOLOAD | RTLD_GLOBAL).
 *
 * DEFERRED COMPLETION (1.2)
 *  A scanner that does its work for a flow on threads of its own (hashing,
 *  say) need not make the host wait for it in flow_close.  flow_close
 *  returns TFS_FLOW_LATER instead of TFS_OK; the host then keeps
 *  *flow->scanner_state as it is (no flow_state_free yet) and a copy of
 *  the flow info, and later calls flow_finish with them, on the thread
 *  that calls every other callback, under the same fault and timeout
 *  containment.  Inside flow_finish the XML services add to the flow's
 *  <fileobject>, after what flow_close added, exactly as in flow_close;
 *  output_open is not available there (open derived files in flow_data or
 *  flow_close).  flow_finish returns:
 *    TFS_OK          done: the XML is complete, flow_state_free follows;
 *    TFS_FLOW_LATER  not ready yet (only when called with wait == 0): the
 *                    host asks again later;
 *    TFS_ERROR       the scanner is disabled, as after any error.
 *  With wait != 0 it must block until it is done and not return
 *  TFS_FLOW_LATER.
 *  Ordering: flow_finish is called for flows in the order they closed
 *  (for several deferring scanners, in close order and then in scanner
 *  order), at most once with TFS_OK per flow; the host asks only for the
 *  oldest unfinished flow, often (after packets and closes) with wait == 0,
 *  and with wait != 0 when it cannot wait longer: too many flows or too
 *  much report pending, end of input, a signal, an output error.  Every
 *  flow is finished before run_end.  The report (report.xml, report.jsonl)
 *  still lists flows in close order, byte for byte as if flow_close had
 *  done all the work: entries of flows closed later wait for the oldest
 *  unfinished one.  If the scanner is disabled (an error, a fault, a
 *  timeout) while flows are unfinished, they are reported without its
 *  XML and not finished; flow_state_free still comes for their state
 *  unless it crashed.  The flow info passed to flow_finish (path
 *  included) is the one flow_close saw, valid during the call only.
 *
 * ABI CHANGELOG
 *  1.0 (2026-11-28)  First release.
 *  1.1 (2026-11-29)  Appended, all optional (old modules load unchanged):
 *    - tfs_scanner: flow_begin (an explicit start of a flow's delivery)
 *      and flow_state_free (destructor of *flow->scanner_state, called on
 *      every path); flag TFS_SCANNER_PARALLEL_SAFE;
 *    - per-flow verdicts TFS_FLOW_DONE / TFS_FLOW_SKIP returned by
 *      flow_begin and flow_data;
 *    - tfs_host: error (a scanner says why it fails; it goes to the log and
 *      the report), run_output_open (one file per run), output_register
 *      (list a derived file in the report);
 *    - tfs_flow_info: connection-level fields (peer_flow_id, opener,
 *      end_reason) and nanosecond timestamps (first_nsec, last_nsec,
 *      data_sec, data_nsec); tfs_packet: nsec;
 *    - TFS_HAS_MEMBER, TFS_*_SIZE_1_0, extern "C" in TFS_SCANNER_ENTRY;
 *    - stated: flow_data is never called with len == 0.
 *  1.2 (2026-11-30)  Appended, optional (1.0 and 1.1 modules load and
 *    behave unchanged):
 *    - tfs_scanner: flow_finish, the deferred completion of a flow's
 *      report entry (see DEFERRED COMPLETION);
 *    - the verdict TFS_FLOW_LATER, returned by flow_close and flow_finish.
 *  The sizes of earlier structs are frozen: TFS_SCANNER_SIZE_1_0 and
 *  friends below are the offsets of the first 1.1 member of each struct,
 *  TFS_SCANNER_SIZE_1_1 the offset of the first 1.2 member, and
 *  tests/abi/ checks every member's offset against stored baselines.
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
#define TFS_ABI_MINOR 2

/* The single symbol every scanner module exports. */
#define TFS_ENTRY_SYMBOL "tcpflow_scanner_describe"

/* Return codes of callbacks and host services. */
#define TFS_OK 0
#define TFS_ERROR (-1)

/* Per-flow verdicts (1.1): a 1.1 scanner may return these from flow_begin
 * and flow_data instead of TFS_OK.  A 1.0 scanner's non-zero return is an
 * error, as it always was.
 *  TFS_FLOW_DONE  no more flow_data for this flow; flow_close still comes.
 *  TFS_FLOW_SKIP  not interested: no more flow_data and no flow_close for
 *                 this flow (flow_state_free still comes if the slot is set). */
#define TFS_FLOW_DONE 1
#define TFS_FLOW_SKIP 2
/* 1.2: returned by flow_close (and by flow_finish called with wait == 0)
 * of a 1.2 scanner that has a flow_finish: "I finish this flow in the
 * background" (see DEFERRED COMPLETION).  From any other callback, or from
 * a scanner without flow_finish, it is an error. */
#define TFS_FLOW_LATER 3

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
/* 1.1: the scanner's results for a flow depend only on that flow's own
 * events (not on other flows, packets or the order of flows), so the host
 * may run it in several worker processes (-j N), each seeing a subset of
 * the flows.  Each worker calls run_end with what it saw; a scanner whose
 * <summary> must cover every flow of the run must not set this flag. */
#define TFS_SCANNER_PARALLEL_SAFE 0x0020u

/* Why a flow ended (tfs_flow_info.end_reason, 1.1). */
enum tfs_end_reason {
  TFS_END_NONE = 0,    /* not ended yet (flow_open, streamed flow_data) */
  TFS_END_FIN = 1,     /* FIN seen and every byte before it placed */
  TFS_END_RST = 2,     /* RST */
  TFS_END_TIMEOUT = 3, /* idle longer than -S tcp_timeout / the live timeout */
  TFS_END_INPUT = 4,   /* end of input (or an interrupted run) */
  TFS_END_REUSED = 5   /* a packet far from the expected sequence number
                          started a new connection on the same ports */
};

/* Which side opened the connection (tfs_flow_info.opener, 1.1). */
enum tfs_opener {
  TFS_OPENER_UNKNOWN = 0, /* no SYN seen (capture started mid-connection) */
  TFS_OPENER_THIS = 1,    /* this direction's source sent the SYN */
  TFS_OPENER_PEER = 2     /* the other direction's source sent the SYN */
};

/* No flow (tfs_flow_info.peer_flow_id when the other direction was never
 * seen). */
#define TFS_NO_FLOW UINT64_MAX

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
                           stores something; free it by flow_close, or
                           (1.1) let flow_state_free do it */
  /* --- 1.1 (check with TFS_HAS_MEMBER before reading) --- */
  uint64_t peer_flow_id; /* the other direction of the connection, or
                            TFS_NO_FLOW; same session_id */
  int32_t opener;       /* enum tfs_opener */
  int32_t end_reason;   /* enum tfs_end_reason; set in flow_close and in the
                           flow_data/flow_begin calls made at close */
  uint32_t first_nsec;  /* nanoseconds of first_sec, as captured (a
                           microsecond capture gives usec x 1000) */
  uint32_t last_nsec;
  int64_t data_sec;     /* time of the packet that made the delivered
                           bytes available: for streamed bytes the packet
                           being read, at close the flow's last packet */
  uint32_t data_nsec;
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
  /* --- 1.1 --- */
  uint32_t nsec;        /* nanoseconds of sec, as captured (a microsecond
                           capture gives usec x 1000) */
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

  /* --- 1.1 (check with TFS_HAS_MEMBER(host, struct tfs_host, error)) --- */

  /* The scanner says why it fails: logged as an error prefixed with its
   * name, and, if the scanner is then disabled, used as the reason of its
   * <scanner_failure> in the report.  Returns TFS_ERROR, so that
   * `return host->error(ctx, "bad header in %s", flow->path);` works. */
  int (*error)(tfs_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
      ;
  /* One output file for the whole run, <outdir>/<scanner name>.<name>
   * (name: 1-64 of [A-Za-z0-9_.-], not starting with '.').  Never
   * overwrites: if the file exists, ".1", ".2" ... is appended; the path
   * actually used is output_path().  Valid from init to fini; closed by the
   * host after fini if still open.  Written with output_write. */
  int (*run_output_open)(tfs_ctx *ctx, const char *name, tfs_output **out);
  /* Lists the output in the report when it is closed and kept: a derived
   * output of a flow as <derived_file> in that flow's <fileobject>, a run
   * output in <summary>.  Call before output_close. */
  int (*output_register)(tfs_output *out);
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
   * flow file holds zeros there).  len is never 0.  A 1.1 scanner may
   * return a verdict (TFS_FLOW_DONE, TFS_FLOW_SKIP). */
  int (*flow_data)(void *state, const struct tfs_flow_info *flow,
                   uint64_t offset, const uint8_t *data, size_t len);
  /* The flow is complete; XML services add to its <fileobject>.  A 1.2
   * scanner with flow_finish may return TFS_FLOW_LATER (see DEFERRED
   * COMPLETION). */
  int (*flow_close)(void *state, const struct tfs_flow_info *flow);
  /* Every captured frame, before any decoding. */
  void (*packet)(void *state, const struct tfs_packet *pkt);
  /* End of input; XML services add to <summary>. */
  int (*run_end)(void *state);
  /* Free everything. */
  void (*fini)(void *state);

  /* --- 1.1 (set abi_minor = 1 and struct_size = sizeof to use these) --- */

  /* A flow's delivery begins: called once per flow before its first
   * flow_data -- at close for at-close scanners (also for a flow with no
   * bytes), before the first streamed bytes for streaming scanners, and
   * again before a whole-flow replay (an offset-0 restart).  Returns
   * TFS_OK, TFS_ERROR or a verdict (TFS_FLOW_DONE, TFS_FLOW_SKIP). */
  int (*flow_begin)(void *state, const struct tfs_flow_info *flow);
  /* Destructor of this scanner's per-flow state: called with
   * *flow->scanner_state when it is not NULL at the end of the flow's
   * life, on every path (after flow_close, after a skip verdict, at the
   * end of a run for flows never closed, after the scanner was disabled by
   * an error) except after the scanner crashed.  The slot is cleared by
   * the host afterwards. */
  void (*flow_state_free)(void *state, const struct tfs_flow_info *flow, void *flow_state);

  /* --- 1.2 (set abi_minor = 2 and struct_size = sizeof to use it) --- */

  /* Completes a flow whose flow_close returned TFS_FLOW_LATER: XML services
   * add to its <fileobject>.  wait == 0: return TFS_FLOW_LATER if not done
   * yet, without blocking; wait != 0: block until done.  flow is a copy of
   * what flow_close saw; *flow->scanner_state is the slot flow_close left.
   * Returns TFS_OK, TFS_FLOW_LATER (wait == 0 only) or TFS_ERROR.  See
   * DEFERRED COMPLETION above. */
  int (*flow_finish)(void *state, const struct tfs_flow_info *flow, int wait);
};

typedef const struct tfs_scanner *(*tfs_describe_fn)(void);

/* Does the struct behind ptr (which starts with struct_size, like every
 * struct of this header) have the member?  Check before reading a member
 * newer than 1.0 of a struct the other side filled:
 *   if (TFS_HAS_MEMBER(host, struct tfs_host, error)) host->error(...); */
#define TFS_HAS_MEMBER(ptr, type, member) \
  ((ptr)->struct_size >= offsetof(type, member) + sizeof(((type *)0)->member))

/* The sizes ABI 1.0 defined (frozen: where each struct's 1.1 part starts).
 * A 1.0 peer's struct_size is at least this. */
#define TFS_SCANNER_SIZE_1_0 offsetof(struct tfs_scanner, flow_begin)
#define TFS_HOST_SIZE_1_0 offsetof(struct tfs_host, error)
#define TFS_FLOW_INFO_SIZE_1_0 offsetof(struct tfs_flow_info, peer_flow_id)
#define TFS_PACKET_SIZE_1_0 offsetof(struct tfs_packet, nsec)

/* The sizes ABI 1.1 defined (frozen): where the descriptor's 1.2 part
 * starts, and for the structs 1.2 left alone the end of their last 1.1
 * member (what TFS_HAS_MEMBER needs of a 1.1 peer). */
#define TFS_SCANNER_SIZE_1_1 offsetof(struct tfs_scanner, flow_finish)
#define TFS_HOST_SIZE_1_1 \
  (offsetof(struct tfs_host, output_register) + sizeof(((struct tfs_host *)0)->output_register))
#define TFS_FLOW_INFO_SIZE_1_1 \
  (offsetof(struct tfs_flow_info, data_nsec) + sizeof(((struct tfs_flow_info *)0)->data_nsec))
#define TFS_PACKET_SIZE_1_1 \
  (offsetof(struct tfs_packet, nsec) + sizeof(((struct tfs_packet *)0)->nsec))

/* Declare the entry point with the right linkage and visibility. */
#if defined(__GNUC__)
#define TFS_EXPORT __attribute__((visibility("default")))
#else
#define TFS_EXPORT
#endif

#ifdef __cplusplus
#define TFS_EXTERN_C extern "C"
#else
#define TFS_EXTERN_C
#endif

/* Defines the entry point returning &descriptor (C linkage in C++ too). */
#define TFS_SCANNER_ENTRY(descriptor)                                            \
  TFS_EXTERN_C TFS_EXPORT const struct tfs_scanner *tcpflow_scanner_describe(void); \
  TFS_EXTERN_C const struct tfs_scanner *tcpflow_scanner_describe(void) { return &(descriptor); }

#ifdef __cplusplus
}
#endif

#endif /* TCPFLOW_SCANNER_H */
