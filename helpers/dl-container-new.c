/* SPDX-License-Identifier: Apache-2.0 */
/* dl-container-new: create a container from images, with its runtime spec */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/btrfs.h"
#include "dl/healthopt.h"
#include "dl/json.h"
#include "dl/netconf.h"
#include "dl/ref.h"
#include "dl/rootpath.h"
#include "dl/shm.h"
#include "dl/spec.h"
#include "dl/state.h"
#include "dl/status.h"
#include "dl/time.h"
#include "dl/tmp.h"
#include "dl/volume.h"

/* The synopsis, after the program name: "dl run" and "dl create" show this
 * one, and this option table, as theirs. */
#define SYNOPSIS "[options] IMAGE[+IMAGE...] [COMMAND [ARG...]]"
#define OPTIONS                                                                \
	"Make a container from IMAGE (a name, ID or unique ID prefix; "        \
	"IMG1+IMG2+...\n"                                                      \
	"lays the files of each later image over the first, with the config " \
	"of the\n"                                                             \
	"last), to run COMMAND (default: the image's ENTRYPOINT and CMD).\n"   \
	"\n"                                                                   \
	"  -d, --detach               run in the background, print the "      \
	"container ID\n"                                                       \
	"  -i, --interactive          keep stdin open\n"                      \
	"  -a, --attach STREAM        attach only stdin, stdout or stderr "   \
	"(repeatable)\n"                                                       \
	"      --sig-proxy=true|false pass the signals dl run gets on "       \
	"(default true;\n"                                                     \
	"                             never with -t); false: they leave the " \
	"container\n"                                                          \
	"                             running\n"                              \
	"  -t, --tty                  allocate a pseudo-terminal\n"           \
	"      --rm                   remove the container when it exits\n"   \
	"      --name NAME            name the container\n"                   \
	"  -e, --env K=V | K          set a variable (K alone: from this "    \
	"environment)\n"                                                       \
	"      --env-file FILE        read K=V lines from FILE\n"             \
	"  -l, --label K=V | K        set a label (K alone: empty value)\n"  \
	"      --label-file FILE      read K=V label lines from FILE\n"      \
	"  -w, --workdir DIR          working directory inside the container\n" \
	"  -u, --user USER[:GROUP]    user, by name (resolved in the image) "  \
	"or number\n"                                                          \
	"      --entrypoint CMD       override the image's ENTRYPOINT ('' "   \
	"clears it)\n"                                                         \
	"  -h, --hostname NAME        container host name (default: the "    \
	"short ID)\n"                                                          \
	"  -v, --volume SRC:DST[:ro|rw]\n"                                    \
	"                             bind mount a host path (it must "      \
	"exist), or\n"                                                         \
	"                             mount volume SRC (made if missing); "  \
	"-v DST: an\n"                                                         \
	"                             anonymous volume\n"                     \
	"      --mount type=bind|volume|tmpfs,...\n"                          \
	"                             bind, volume or tmpfs mount, Docker's " \
	"syntax\n"                                                             \
	"      --tmpfs DST[:OPTS]     mount a tmpfs\n"                        \
	"      --read-only            mount the root filesystem read-only\n"  \
	"  -m, --memory SIZE          memory limit (e.g. 64m)\n"              \
	"      --cpus N               CPU limit (e.g. 0.5)\n"                 \
	"      --pids-limit N         process limit (0 or less: none)\n"      \
	"      --cap-add CAP          add a capability (ALL for every one)\n" \
	"      --cap-drop CAP         drop a capability (ALL for every one)\n" \
	"      --security-opt no-new-privileges[=true|false]\n"               \
	"                             forbid gaining privileges (setuid, "    \
	"file caps)\n"                                                         \
	"      --privileged           every capability and device, no "       \
	"seccomp or masks\n"                                                   \
	"      --init                 accepted: LXC's init is always PID 1\n" \
	"      --network bridge|none|host  network mode (default: bridge:\n" \
	"                             the store's bridge, an address, NAT);\n" \
	"                             or NETWORK (dl network create), or\n" \
	"                             container:CONTAINER (share its own)\n" \
	"      --dns IP               a name server (repeatable)\n"           \
	"      --dns-search DOMAIN    a search domain (repeatable)\n"         \
	"      --add-host NAME:IP     a line of /etc/hosts (repeatable)\n"    \
	"      --network-alias ALIAS  a name the other members of its network\n" \
	"                             find it by (repeatable)\n"              \
	"  -p, --publish [HOSTIP:][HOSTPORT:]CTRPORT[/tcp|udp]\n"           \
	"                             publish a port (no HOSTPORT: a free "  \
	"one;\n"                                                              \
	"                             repeatable)\n"                         \
	"  -P, --publish-all          publish the image's EXPOSE ports on "  \
	"free ones\n"                                                         \
	"      --image-name NAME      the image name to show (default: "     \
	"IMAGE)\n"                                                             \
	"      --stop-signal SIGNAL   the signal of dl stop (default: the "   \
	"image's, TERM)\n"                                                     \
	"      --stop-timeout SECONDS the wait of dl stop before KILL "       \
	"(default 10)\n"                                                       \
	"      --ulimit NAME=SOFT[:HARD]\n"                                   \
	"                             a resource limit (nofile, nproc, core, "  \
	"...)\n"                                                               \
	"      --sysctl KEY=VALUE     a namespaced kernel parameter\n"       \
	"      --oom-score-adj N      the OOM killer's adjustment, "         \
	"-1000..1000\n"                                                        \
	"      --cpuset-cpus LIST     the CPUs it may use (e.g. 0-1,3)\n"    \
	"      --cpu-shares N         the relative CPU weight (default "     \
	"1024)\n"                                                              \
	"      --memory-swap SIZE     memory and swap together (-1: "        \
	"unlimited swap)\n"                                                    \
	"      --group-add GROUP      a supplementary group, by name or "    \
	"number\n"                                                             \
	"      --cidfile FILE         write the container ID to FILE (which " \
	"must not exist)\n"                                                    \
	"      --pid host|container:CONTAINER\n"                             \
	"                             share the host's or a container's PID " \
	"namespace\n"                                                          \
	"      --ipc host|container:CONTAINER|private|shareable\n"           \
	"                             the IPC namespace and /dev/shm "        \
	"(default: private)\n"                                                 \
	"      --device HOST[:CTR][:PERMS]\n"                                \
	"                             give the container a host device (PERMS "\
	"rwm)\n"                                                               \
	"      --shm-size SIZE        the size of /dev/shm (default 64m)\n"   \
	"      --restart POLICY       no, on-failure[:N], always or "        \
	"unless-stopped:\n"                                                    \
	"                             start it again when it exits\n"       \
	"      --health-cmd CMD       a health check, run by sh -c in the "  \
	"container\n"                                                          \
	"      --health-interval D    the time between checks (default "     \
	"30s)\n"                                                               \
	"      --health-timeout D     the time a check may take (default "   \
	"30s)\n"                                                               \
	"      --health-retries N     failures in a row to be unhealthy "    \
	"(default 3)\n"                                                        \
	"      --health-start-period D  failures in this first time do not " \
	"count\n"                                                              \
	"      --no-healthcheck       no health check, whatever the image "  \
	"says\n"                                                               \
	"      --sh                   print 'id=ID detach= interactive= "     \
	"tty= rm= attach= sigproxy='\n"                                        \
	"                             (each flag 1 or empty, attach the "     \
	"streams\n"                                                            \
	"                             joined by ',') for sh's eval\n"

/* What exists so far, undone at exit unless published. */
static struct {
	char *tmpdir, *rootfs, *name;
	const char *id, *cidfile;
	int cidfd;
	bool made_dir, published;
	char **volumes; /* the volumes made here */
	size_t nvolumes;
} undo = { .cidfd = -1 };

static void undo_all(void)
{
	char *why = NULL;
	size_t i;

	if (undo.published)
		return;
	if (undo.cidfd >= 0 && unlink(undo.cidfile) < 0)
		dl_warn("unable to remove '%s': %s", undo.cidfile,
			strerror(errno));
	if (undo.made_dir && dl_tmp_remove(undo.tmpdir, &why))
		dl_warn("unable to remove '%s': %s", undo.tmpdir, why);
	free(why);
	why = NULL;
	if (undo.name && dl_ref_container_rm_if(undo.name, undo.id, &why))
		dl_warn("unable to release name '%s': %s", undo.name, why);
	free(why);
	why = NULL;
	/* dl_volume_remove() takes the refs lock, and lets it go */
	dl_ref_unlock();
	for (i = 0; i < undo.nvolumes; i++) {
		if (dl_volume_remove(undo.volumes[i], &why))
			dl_warn("unable to remove volume '%s': %s",
				undo.volumes[i], why);
		free(why);
		why = NULL;
	}
}

/* Each option as dl_spec_opt() names it; short ones have their letter. */
static const struct option longopts[] = {
	{ "name", required_argument, NULL, 0 },
	{ "env", required_argument, NULL, 'e' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "entrypoint", required_argument, NULL, 0 },
	{ "hostname", required_argument, NULL, 'h' },
	{ "volume", required_argument, NULL, 'v' },
	{ "mount", required_argument, NULL, 0 },
	{ "tmpfs", required_argument, NULL, 0 },
	{ "read-only", no_argument, NULL, 0 },
	{ "memory", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 0 },
	{ "pids-limit", required_argument, NULL, 0 },
	{ "cap-add", required_argument, NULL, 0 },
	{ "cap-drop", required_argument, NULL, 0 },
	{ "security-opt", required_argument, NULL, 0 },
	{ "privileged", no_argument, NULL, 0 },
	{ "network", required_argument, NULL, 0 },
	{ "net", required_argument, NULL, 0 },
	{ "dns", required_argument, NULL, 0 },
	{ "dns-search", required_argument, NULL, 0 },
	{ "add-host", required_argument, NULL, 0 },
	{ "network-alias", required_argument, NULL, 0 },
	{ "publish", required_argument, NULL, 'p' },
	{ "publish-all", no_argument, NULL, 'P' },
	{ "tty", no_argument, NULL, 't' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "rm", no_argument, NULL, 0 },
	{ "init", no_argument, NULL, 0 },
	{ "image-name", required_argument, NULL, 0 },
	{ "env-file", required_argument, NULL, 0 },
	{ "label", required_argument, NULL, 'l' },
	{ "label-file", required_argument, NULL, 0 },
	{ "detach", no_argument, NULL, 'd' },
	{ "stop-signal", required_argument, NULL, 0 },
	{ "stop-timeout", required_argument, NULL, 0 },
	{ "ulimit", required_argument, NULL, 0 },
	{ "sysctl", required_argument, NULL, 0 },
	{ "oom-score-adj", required_argument, NULL, 0 },
	{ "cpuset-cpus", required_argument, NULL, 0 },
	{ "cpu-shares", required_argument, NULL, 0 },
	{ "memory-swap", required_argument, NULL, 0 },
	{ "group-add", required_argument, NULL, 0 },
	{ "cidfile", required_argument, NULL, 0 },
	{ "attach", required_argument, NULL, 'a' },
	{ "sig-proxy", optional_argument, NULL, 0 },
	{ "pid", required_argument, NULL, 0 },
	{ "ipc", required_argument, NULL, 0 },
	{ "device", required_argument, NULL, 0 },
	{ "shm-size", required_argument, NULL, 0 },
	{ "restart", required_argument, NULL, 0 },
	{ "health-cmd", required_argument, NULL, 0 },
	{ "health-interval", required_argument, NULL, 0 },
	{ "health-timeout", required_argument, NULL, 0 },
	{ "health-retries", required_argument, NULL, 0 },
	{ "health-start-period", required_argument, NULL, 0 },
	{ "no-healthcheck", no_argument, NULL, 0 },
	{ "sh", no_argument, NULL, 0 },
	{ "help", no_argument, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

static char *usage_line;
static char *container_net; /* --network container:ID */
static char *pid_mode, *ipc_mode; /* --pid, --ipc container:ID */

/* --pid or --ipc container:NAME as container:ID: by ID, as --network */
static const char *resolve_mode(const char *what, const char *mode,
				char **keep)
{
	_cleanup_free_ char *why = NULL;
	char other[DL_ID_LEN + 1];
	int ret;

	if (!mode || strncmp(mode, "container:", 10))
		return mode;
	ret = dl_container_resolve(mode + 10, other, &why);
	if (ret)
		dl_die(ret, "unable to use %s mode '%s': %s", what, mode, why);
	return *keep = dl_xasprintf("container:%s", other);
}
static bool detach, sh_out;
/* -a (the streams named, joined by ','), --sig-proxy: dl run's */
static char attach_streams[32];
static bool no_sig_proxy;

/* -a STREAM: as Docker, in any case; each once */
static void opt_attach(const char *v)
{
	static const char *const names[] = { "stdin", "stdout", "stderr" };
	char low[8];
	size_t i;

	for (i = 0; v[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
	low[i] = '\0';
	for (i = 0; i < 3; i++)
		if (strlen(v) < sizeof(low) && !strcmp(low, names[i]))
			break;
	if (i == 3)
		dl_die(DL_EXIT_USAGE, "unable to attach '%s': valid streams are "
		       "STDIN, STDOUT and STDERR", v);
	if (strstr(attach_streams, names[i]))
		return;
	if (attach_streams[0])
		strcat(attach_streams, ",");
	strcat(attach_streams, names[i]);
}

/* --env-file FILE (--label-file with @key "label"): each K=V (or K) line
 * an -e (an -l), '#' lines and blank ones skipped, as Docker reads it; the
 * lines are kept (o holds pointers) */
static void opt_file(struct dl_spec_opts *o, const char *key,
		     const char *file)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		dl_die_sys(DL_EXIT_NO, "unable to read %s file '%s'",
			   key, file);
	while ((n = getline(&line, &cap, f)) >= 0) {
		_cleanup_free_ char *why = NULL;
		int ret;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		ret = dl_spec_opt(o, key, line, &why);
		if (ret)
			dl_die(ret, "%s", why);
		/* o keeps the pointer: this line is its own */
		line = NULL;
		cap = 0;
	}
	if (ferror(f))
		dl_die_sys(DL_EXIT_FAIL, "unable to read %s file '%s'",
			   key, file);
	free(line);
}

static void parse_opts(int argc, char **argv, struct dl_spec_opts *o)
{
	const char *name;
	size_t i;
	int c, li, ret;

	opterr = 0;
	while ((li = -1, c = getopt_long(argc, argv, "+e:w:u:v:m:h:l:tidp:Pa:",
					 longopts, &li)) != -1) {
		_cleanup_free_ char *why = NULL;

		if (c == '?' || c == ':')
			dl_usage(usage_line);
		/* a short option: find its long name */
		for (i = 0; li < 0 && longopts[i].name; i++)
			if (longopts[i].val == c)
				li = (int)i;
		if (li < 0)
			dl_usage(usage_line);
		name = longopts[li].name;
		if (!strcmp(name, "help")) {
			dl_help(usage_line, OPTIONS);
		} else if (!strcmp(name, "detach")) {
			detach = true;
		} else if (!strcmp(name, "attach")) {
			opt_attach(optarg);
		} else if (!strcmp(name, "sig-proxy")) {
			if (!optarg || !strcmp(optarg, "true"))
				no_sig_proxy = false;
			else if (!strcmp(optarg, "false"))
				no_sig_proxy = true;
			else
				dl_die(DL_EXIT_USAGE, "unable to use '--sig-proxy=%s': "
				       "not true or false", optarg);
		} else if (!strcmp(name, "sh")) {
			sh_out = true;
		} else if (!strcmp(name, "env-file")) {
			opt_file(o, "env", optarg);
		} else if (!strcmp(name, "label-file")) {
			opt_file(o, "label", optarg);
		} else {
			ret = dl_spec_opt(o, name, optarg, &why);
			if (ret)
				dl_die(ret, "%s", why);
		}
	}
}

/* --group-add: each group, a number or a name in the root's /etc/group,
 * added to the user's supplementary groups */
static void add_groups(int rootfd, const struct dl_spec_opts *o,
		       struct dl_user *u)
{
	size_t i, n = json_array_size(o->group_add);

	if (!n)
		return;
	u->gids = dl_xrealloc(u->gids, (u->ngids + n) * sizeof(gid_t));
	for (i = 0; i < n; i++) {
		_cleanup_free_ char *why = NULL, *spec = NULL;
		const char *g = json_string_value(json_array_get(o->group_add, i));
		struct dl_user tmp = { 0 };
		int ret;

		/* "0:GROUP" resolves GROUP as Docker's USER:GROUP does */
		spec = dl_xasprintf("0:%s", g);
		ret = dl_root_user(rootfd, spec, &tmp, &why);
		if (ret)
			dl_die(ret, "unable to add group '%s': no such group in "
			       "the image", g);
		u->gids[u->ngids++] = tmp.gid;
		dl_user_free(&tmp);
	}
}

static const char *image_string(json_t *cfg, const char *key)
{
	json_t *v = json_object_get(cfg, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static json_t *jcheck(json_t *j)
{
	if (!j)
		dl_die(DL_EXIT_FAIL, "unable to build 'spec.json': out of "
		       "memory");
	return j;
}

/* Make the volumes of the mounts that do not exist yet (under the refs
 * lock, held until the container that names them is published), and fill
 * each empty one with the image's files at its target, unless nocopy. */
static void make_volumes(struct dl_spec_opts *o, int rootfd)
{
	json_auto_t *anon = json_pack("{s:s}", DL_VOLUME_ANON_LABEL, "");
	json_t *v;
	size_t i;

	json_array_foreach(o->volumes, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *dst = json_string_value(
			json_object_get(v, "destination"));
		_cleanup_free_ char *why = NULL;
		bool made = false;
		int ret;

		ret = dl_volume_make(name, json_is_true(json_object_get(
						   v, "anonymous"))
					   ? anon
					   : NULL,
				     NULL, NULL, NULL, DL_VOLUME_EXIST_OK,
				     &made, &why);
		if (ret)
			dl_die(ret, "unable to create volume '%s': %s", name,
			       why);
		if (made) {
			undo.volumes = dl_xrealloc(undo.volumes,
						   (undo.nvolumes + 1) *
							   sizeof(char *));
			undo.volumes[undo.nvolumes++] = dl_xstrdup(name);
		}
		dl_fault("dl-container-new:volume");
		if (json_is_true(json_object_get(v, "nocopy")))
			continue;
		ret = dl_volume_copy_up(name, rootfd, dst, &why);
		if (ret)
			dl_die(ret, "unable to fill volume '%s': %s", name,
			       why);
	}
}

/* ---- main ------------------------------------------------------------ */

/* Resolve "IMAGE+IMAGE..." into full @ids (names, IDs or unique
 * prefixes); check each image has a rootfs. */
static size_t parse_images(const char *spec, char ***ids, char ***roots)
{
	_cleanup_free_ char *copy = dl_xstrdup(spec);
	size_t n = 1, i = 0;
	char *s, *end;
	int ret;

	for (s = copy; *s; s++)
		n += *s == '+';
	*ids = dl_xcalloc(n, sizeof(char *));
	*roots = dl_xcalloc(n, sizeof(char *));
	for (s = copy; i < n; s = end + 1, i++) {
		_cleanup_free_ char *why = NULL;
		char id[DL_ID_LEN + 1];

		end = strchr(s, '+');
		if (end)
			*end = '\0';
		if (!*s)
			dl_die(DL_EXIT_USAGE, "unable to find image '%s': empty "
			       "image name", spec);
		ret = dl_image_resolve(s, id, &why);
		if (ret)
			dl_die(ret, "unable to resolve '%s': %s", s, why);
		(*ids)[i] = dl_xstrdup(id);
		(*roots)[i] = dl_path("images/%s/rootfs", id);
		if (access((*roots)[i], F_OK) < 0)
			dl_die_sys(DL_EXIT_NO, "unable to open image '%s'", s);
		if (!end)
			break;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct dl_spec_opts o;
	_cleanup_free_ char *cfgpath = NULL, *pub = NULL, *spath = NULL;
	_cleanup_free_ char *stpath = NULL, *workdir = NULL, *why = NULL;
	_cleanup_free_ char **ids = NULL, **roots = NULL;
	_cleanup_close_ int rootfd = -1, lock = -1;
	json_t *image, *cfg, *env, *args, *spec, *state;
	struct dl_state st;
	struct dl_user user = { 0 };
	char id[DL_ID_LEN + 1], host[65], now[DL_TIME_LEN + 1];
	const char *uspec;
	size_t nimg, i;
	int ret;

	dl_set_prog(argv[0]);
	/* "dl run [options] ...": the command the user typed, when dl runs
	 * this helper for it */
	usage_line = dl_xasprintf("%s %s", dl_prog, SYNOPSIS);
	if (dl_spec_opts_init(&o) < 0)
		jcheck(NULL);
	parse_opts(argc, argv, &o);
	if (optind >= argc)
		dl_usage(usage_line);
	if (detach && attach_streams[0])
		dl_die(DL_EXIT_USAGE, "unable to run: conflicting options: -a "
		       "and -d");
	ret = dl_spec_opts_check(&o, &why);
	if (ret)
		dl_die(ret, "%s", why);
	/* made first and once, as Docker: a second dl run with the same
	 * file fails before it makes anything */
	if (o.cidfile) {
		undo.cidfd = open(o.cidfile, O_WRONLY | O_CREAT | O_EXCL |
						     O_CLOEXEC | O_NOFOLLOW, 0644);
		if (undo.cidfd < 0 && errno == EEXIST)
			dl_die(DL_EXIT_FAIL, "unable to write container ID file "
			       "'%s': it exists (make sure the container it names "
			       "is gone, and remove it)", o.cidfile);
		if (undo.cidfd < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to write container ID "
				   "file '%s'", o.cidfile);
		undo.cidfile = o.cidfile;
		atexit(undo_all);
	}
	if (!o.image_name)
		o.image_name = argv[optind];
	dl_store_need();
	if (!strncmp(o.network, "container:", 10)) {
		char other[DL_ID_LEN + 1];

		/* by ID: the name may go to another container later */
		ret = dl_container_resolve(o.network + 10, other, &why);
		if (ret)
			dl_die(ret, "unable to use network '%s': %s",
			       o.network, why);
		o.network = container_net = dl_xasprintf("container:%s", other);
	}
	o.pid_mode = resolve_mode("pid", o.pid_mode, &pid_mode);
	o.ipc_mode = resolve_mode("ipc", o.ipc_mode, &ipc_mode);
	/* as Docker's: a private IPC (the default) is no one else's; 125,
	 * as any option value dl run cannot use */
	if (ipc_mode && !dl_shm_shareable(ipc_mode + 10))
		dl_die(DL_EXIT_FAIL, "unable to use ipc mode '%s': "
		       DL_SHM_PRIVATE, o.ipc_mode);
	if (!strncmp(o.network, "container:", 10)) {
		;
	} else if (strcmp(o.network, "bridge") && strcmp(o.network, "none") &&
	    strcmp(o.network, "host")) {
		struct dl_net net;

		ret = dl_net_load_named(o.network, &net, NULL, &why);
		if (ret)
			dl_die(ret, "unable to use network '%s': %s",
			       o.network, why);
	}
	/* the images stay while we reference them: dl-image-rm checks the
	 * users under this same lock, held until the container is published */
	nimg = parse_images(argv[optind], &ids, &roots);
	ret = dl_ref_lock(&why);
	if (ret)
		dl_die(ret, "unable to lock 'refs': %s", why);
	/* again under the lock: an image removed meanwhile is gone */
	for (i = 0; i < nimg; i++)
		if (access(roots[i], F_OK) < 0)
			dl_die_sys(DL_EXIT_NO, "unable to open image '%s'",
				   ids[i]);

	cfgpath = dl_path("images/%s/config.json", ids[nimg - 1]);
	image = dl_json_load(cfgpath, &why);
	if (!image)
		dl_die(DL_EXIT_FAIL, "unable to load '%s': %s", cfgpath, why);
	cfg = json_object_get(image, "config");
	ret = dl_spec_image_volumes(&o, cfg, &why);
	if (ret)
		dl_die(ret, "%s", why);
	if (dl_spec_labels_merge(&o, json_object_get(cfg, "Labels")) < 0)
		jcheck(NULL);
	ret = dl_spec_publish_exposed(&o, cfg, &why);
	if (ret)
		dl_die(ret, "%s", why);
	args = jcheck(dl_spec_args(&o, cfg, argv + optind + 1,
				   argc - optind - 1));
	if (json_array_size(args) == 0)
		dl_die(DL_EXIT_FAIL, "unable to create container from image "
		       "'%s': no command specified", ids[nimg - 1]);
	workdir = dl_clean_path(o.workdir ? o.workdir
					  : image_string(cfg, "WorkingDir"));
	uspec = o.user ? o.user : image_string(cfg, "User");
	if (!o.stop_signal && dl_signal_parse(image_string(cfg, "StopSignal")) > 0)
		o.stop_signal = image_string(cfg, "StopSignal");
	o.healthcheck = dl_health_merge(&o, json_object_get(cfg, "Healthcheck"));

	if (dl_new_id(id) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to make 'container ID'");
	dl_spec_make_hostname(&o, id, host);
	env = jcheck(dl_spec_env(&o, json_object_get(cfg, "Env"), host));

	/* side effects from here on: undone at exit unless published */
	undo.tmpdir = dl_path("tmp/%s", id);
	undo.rootfs = dl_path("tmp/%s/rootfs", id);
	if (!undo.cidfile)	/* else registered with it */
		atexit(undo_all);
	/* tmp/ID is ours while locked; a sweep takes it once we are gone */
	ret = dl_tmp_make(id, &lock, &why);
	if (ret)
		dl_die(DL_EXIT_FAIL, "unable to create '%s': %s", undo.tmpdir,
		       why);
	undo.made_dir = true;
	dl_fault("dl-container-new:tmp");
	/* taken after tmp/ID: a name whose container is neither published
	 * nor held in tmp/ is a dead process's, and goes to the next taker */
	if (o.name) {
		ret = dl_ref_container_take(o.name, id, &why);
		if (ret == DL_EXIT_CONFLICT)
			dl_die(DL_EXIT_CONFLICT, "unable to create container "
			       "'%s': name already in use", o.name);
		if (ret)
			dl_die(DL_EXIT_FAIL, "unable to create container "
			       "'%s': %s", o.name, why);
		undo.name = dl_xstrdup(o.name);
		undo.id = id;
	}
	dl_fault("dl-container-new:name");
	ret = dl_clone_flags(undo.rootfs, (const char *const *)roots, nimg,
			     DL_CLONE_NOSYNC, &why);
	if (ret)
		dl_die(DL_EXIT_FAIL, "unable to clone '%s': %s", undo.rootfs,
		       why);
	dl_fault("dl-container-new:clone");

	/* the user and working directory as the container's root has them */
	rootfd = open(undo.rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", undo.rootfs);
	ret = dl_root_user(rootfd, uspec, &user, &why);
	if (ret)
		dl_die(ret, "%s", why);
	add_groups(rootfd, &o, &user);
	if (dl_root_mkdir_p(rootfd, workdir, 0755) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to create working directory "
			   "'%s'", workdir);
	make_volumes(&o, rootfd);
	if (dl_spec_env_find(env, "HOME") < 0 &&
	    json_array_append_new(env, json_sprintf("HOME=%s", user.home)) < 0)
		jcheck(NULL);

	if (dl_time_now(now) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to read 'the clock'");
	spec = jcheck(dl_spec_build(&o, args, env, workdir, &user, host, ids,
				    nimg, now));
	/* no fsync: the container is a snapshot away from being made again,
	 * and a crash before its publish leaves a tmp/ entry the sweep takes;
	 * after a power loss, dl system check finds an unreadable spec */
	spath = dl_path("tmp/%s/spec.json", id);
	if (dl_json_save_flags(spath, spec, DL_WRITE_NOSYNC) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", spath);
	dl_state_init(&st);
	state = dl_state_json(&st);
	stpath = dl_path("tmp/%s/state.json", id);
	if (dl_json_save_flags(stpath, state, DL_WRITE_NOSYNC) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", stpath);

	/* the ID reaches the caller before the container is published, so
	 * a failed write leaves no container nobody knows of */
	if (sh_out)
		printf("id=%s detach=%s interactive=%s tty=%s rm=%s attach=%s "
		       "sigproxy=%s\n", id, detach ? "1" : "",
		       o.interactive ? "1" : "", o.tty ? "1" : "", o.rm ? "1" : "",
		       attach_streams, no_sig_proxy ? "" : "1");
	else
		printf("%s\n", id);
	if (fflush(stdout) != 0 || ferror(stdout))
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	pub = dl_path("containers/%s", id);
	if (rename(undo.tmpdir, pub) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to publish '%s'", pub);
	undo.published = true;
	if (undo.cidfd >= 0 &&
	    (dprintf(undo.cidfd, "%s", id) < 0 || close(undo.cidfd) < 0))
		dl_warn("unable to write container ID file '%s': %s",
			undo.cidfile, strerror(errno));
	dl_closep(&lock);
	dl_ref_unlock();
	dl_fault("dl-container-new:publish");

	for (i = 0; i < nimg; i++) {
		free(ids[i]);
		free(roots[i]);
	}
	dl_user_free(&user);
	json_decref(spec);
	json_decref(state);
	json_decref(args);
	json_decref(env);
	json_decref(image);
	dl_spec_opts_free(&o);
	free(undo.tmpdir);
	free(undo.rootfs);
	free(undo.name);
	free(usage_line);
	return dl_finish_stdout();
}
