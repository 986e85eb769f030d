/* nn_params — the parameter files of a VIF directory, as a table.
 *
 * One row per file: its name, its mode and how to read and write it. A new
 * parameter is one row here plus its parser; a later module (filter, port,
 * VIFlet) plugs in by pointing its row at its own functions. Rows run on the
 * tree's thread (inside vn_loop_call), never on a FUSE thread. */
#ifndef NN_PARAMS_H
#define NN_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vn_clock.h"

struct vn_vif;
struct nn_cred;

/* Longest text a value write may carry: more is EINVAL, not truncated. */
#define NN_TEXT_MAX 64

struct nn_row {
	const char *name;
	/* Permission bits the file can have; the VIF directory's mode masks them
	 * (see nn_file_mode), so chmod on the directory delegates its files. */
	unsigned mode;
	/* The file's whole text into buf; returns its length (snprintf
	 * semantics: may exceed n, then the caller retries larger) or -errno. */
	int (*read)(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n);
	/* One write(2): the whole new value. 0 or -errno; on error nothing
	 * changed. NULL: the file is read-only (EACCES by its mode). */
	int (*write)(const struct nn_row *row, struct vn_vif *v, const char *buf,
		     size_t len, vn_time_t now);
	/* A stream, not a value (`port`): nnfs.c hands its opens to nn_port.c. */
	bool stream;
	/* A write whose meaning depends on the writer (conf: its vm.* limits
	 * are root's): when set, called instead of write, with the caller's
	 * credentials. write stays set (it makes the file writable). */
	int (*write_as)(const struct nn_row *row, struct vn_vif *v, const char *buf,
			size_t len, vn_time_t now, const struct nn_cred *cred);
	/* A value that may come in several writes (nn_accum.c): true while the
	 * text an open has written so far cannot be whole yet; it is then kept
	 * and applied by a later write or at close (flush). NULL: every write
	 * is a whole value, applied (or refused) at once. */
	bool (*incomplete)(const char *buf, size_t len);
};

/* Rows of the one-write numeric values (their table order, SPEC's). */
enum { NN_ROW_BANDWIDTH, NN_ROW_TYPE, NN_ROW_WEIGHT, NN_ROW_PRIORITY, NN_ROW_QLIMIT };

/* Is this row's value a number that only nnfs changes while vifd runs
 * (bandwidth weight priority qlimit: not type, which a VIFlet changes)?
 * nnfs then keeps it in its memo and applies writes to it without waiting. */
bool nn_row_memo(unsigned row);
/* What the row's write would make of the text, without applying it: 0 and
 * the number, or -EINVAL (exactly when the write would refuse it). */
int nn_value_parse(unsigned row, const char *buf, size_t len, uint64_t *val);
/* A row's text from its number, as its read shows it. */
int nn_value_format(unsigned row, uint64_t val, char *buf, size_t n);

extern const struct nn_row nn_rows[];
extern const unsigned nn_nrows;

/* nn_accum.c: the rows' `incomplete`. */
bool nn_filter_incomplete(const char *buf, size_t len);
bool nn_conf_incomplete(const char *buf, size_t len);
bool nn_viflet_incomplete(const char *buf, size_t len);

/* Row index of a file name, or -1. */
int nn_row_find(const char *name);

#endif
