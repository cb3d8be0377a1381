/* SPDX-License-Identifier: Apache-2.0 */
/* dl.h: the core of libdl, the internal library every helper links.
 *
 * Library modules: one job a file, its header named after it, dl/NAME.h
 * for NAME.c, included as "dl/NAME.h"; dl.h holds the exit codes and
 * includes the core ones (err, fault, xalloc, id, path, file):
 *   err        the message format, dl_fail(), dl_die() (for main only)
 *   xalloc     allocators that die on out-of-memory
 *   fault      crash points for tests (DL_FAULT)
 *   id, path, file   IDs, the store layout, whole-file I/O
 *   cleanup    the cleanup attributes (header only)
 *   json, time, tmp  jansson I/O, timestamps, tmp/ entries owned by flock
 *   btrfs, node, tree, archive   subvolumes, owner and mode, tree copies,
 *              tar extraction
 *   refname    the grammar of image and container names
 *   ref        the names of the store (refs/) and its lock
 *   refopt     the command line of the dl-ref-* programs (main only)
 *   imgconfig, change   image configs: defaults and stamping, changes
 *   image, publish   images; publishing one with its names as one step
 *   container, state, freeze, live, ctrlog   containers, state.json,
 *              freezing, live state, container.log records
 *   caps       capability names and Docker's default set
 *   spec       building spec.json from options and the image config
 *   specload   reading and checking spec.json to run it
 *   lxcconf    the LXC config and seccomp profile made from a spec
 *   lxc        liblxc glue: memfd re-exec, liblxc's log, pid, kill, state
 *   rootpath   paths and users inside a container's root
 *   rootprep   the mount points of a spec, made inside the root
 *   exec       the PATH walk and execve(2) as in the container
 *   init       the container's PID 1
 *   session    a process's stdio and the I/O pump of a session
 *   status     exit statuses and signal names
 *   blob       the content store blobs/sha256/HEX
 *   ocidoc     OCI manifests, indexes, configs, docker-archive manifests
 *   registry, registryfetch, auth   the distribution spec on libcurl:
 *              remote references, a session and its auth challenge,
 *              blobs fetched into the store; the containers auth file
 *
 * The library never prints and never exits: a function returns 0 or a
 * DL_EXIT_* code with a bare reason made by dl_fail() (or -1 with errno,
 * as its header says), and main builds "PROG: fatal: unable to VERB
 * 'OBJ': REASON".  Out of memory dies in xalloc (dl_oom()).  The one
 * other exception is code that runs in a process of its own with no main
 * to return to: the container's init (init.c, a fork of liblxc's), the
 * command's exec child (exec.c, dl_exec_in()) and the freeze guard
 * (freeze.c); they write their error to their stderr and _exit(2).
 */
#ifndef DL_H
#define DL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include "dl/cleanup.h"

#ifndef DL_VERSION
#define DL_VERSION "0.0.0"
#endif

/* The one exit-code table of every helper and front script (MANUAL.md). */
enum {
	DL_EXIT_OK = 0,
	DL_EXIT_NO = 1,
	DL_EXIT_USAGE = 2,
	DL_EXIT_CONFLICT = 3,
	DL_EXIT_REJECT = 4,
	DL_EXIT_CANNOT_INVOKE = 126,
	DL_EXIT_NOT_FOUND = 127,
	DL_EXIT_FAIL = 125,
};

/* The core modules */
#include "dl/err.h"
#include "dl/fault.h"
#include "dl/xalloc.h"
#include "dl/id.h"
#include "dl/path.h"
#include "dl/file.h"

#endif
