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
#include "dl-btrfs.h"
#include "dl-json.h"
#include "dl-ref.h"
#include "dl-rootpath.h"
#include "dl-spec.h"
#include "dl-state.h"
#include "dl-time.h"
#include "dl-tmp.h"

#define USAGE                                                                  \
	"dl-container-new [options] IMAGE_ID[+IMAGE_ID...] [COMMAND [ARG...]]"
#define OPTIONS                                                                \
	"  --name NAME              name the container\n"                     \
	"  -e, --env K=V|K          set (K alone: copy or unset) a variable\n" \
	"  -w, --workdir DIR        working directory (absolute)\n"           \
	"  -u, --user U[:G]         user and group, names or numbers\n"       \
	"  --entrypoint CMD         replace the image entrypoint ('' clears)\n" \
	"  --hostname NAME          hostname (default: the short ID)\n"       \
	"  -v, --volume SRC:DST[:ro|rw]   bind mount an absolute host path\n" \
	"  --mount type=bind|tmpfs,...    bind or tmpfs mount\n"              \
	"  --tmpfs DST[:OPTS]       mount a tmpfs\n"                          \
	"  --read-only              read-only root filesystem\n"              \
	"  -m, --memory N[bkmg]     memory limit\n"                           \
	"  --cpus DECIMAL           CPU limit\n"                              \
	"  --pids-limit N           process limit (0 or less: none)\n"        \
	"  --cap-add CAP            add a capability (ALL: all)\n"            \
	"  --cap-drop CAP           drop a capability (ALL: all)\n"           \
	"  --security-opt no-new-privileges[=true|false]\n"                   \
	"  --privileged             all capabilities, no masked paths\n"      \
	"  --network none|host      network (default none)\n"                 \
	"  -t, --tty                allocate a terminal\n"                    \
	"  -i, --interactive        keep stdin open\n"                        \
	"  --rm                     remove the container when it exits\n"     \
	"  --init                   run an init as PID 1\n"                   \
	"  --image-name NAME        the image name to show\n"

/* What exists so far, undone at exit unless published. */
static struct {
	char *tmpdir, *rootfs, *name;
	const char *id;
	bool made_dir, published;
} undo;

static void undo_all(void)
{
	char *why = NULL;

	if (undo.published)
		return;
	if (undo.made_dir && dl_tmp_remove(undo.tmpdir, &why))
		dl_warn("unable to remove '%s': %s", undo.tmpdir, why);
	free(why);
	why = NULL;
	if (undo.name && dl_ref_container_rm_if(undo.name, undo.id, &why))
		dl_warn("unable to release name '%s': %s", undo.name, why);
	free(why);
}

/* Each option as dl_spec_opt() names it; short ones have their letter. */
static const struct option longopts[] = {
	{ "name", required_argument, NULL, 0 },
	{ "env", required_argument, NULL, 'e' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "entrypoint", required_argument, NULL, 0 },
	{ "hostname", required_argument, NULL, 0 },
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
	{ "tty", no_argument, NULL, 't' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "rm", no_argument, NULL, 0 },
	{ "init", no_argument, NULL, 0 },
	{ "image-name", required_argument, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

static void parse_opts(int argc, char **argv, struct dl_spec_opts *o)
{
	size_t i;
	int c, li;

	opterr = 0;
	while ((li = -1, c = getopt_long(argc, argv, "+e:w:u:v:m:ti",
					 longopts, &li)) != -1) {
		_cleanup_free_ char *why = NULL;

		if (c == '?' || c == ':')
			dl_usage(USAGE);
		/* a short option: find its long name */
		for (i = 0; li < 0 && longopts[i].name; i++)
			if (longopts[i].val == c)
				li = (int)i;
		if (li < 0)
			dl_usage(USAGE);
		/* every failure of ours is 125 here, as docker run's */
		if (dl_spec_opt(o, longopts[li].name, optarg, &why))
			dl_die(DL_EXIT_FAIL, "%s", why);
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

/* ---- main ------------------------------------------------------------ */

/* Split "ID+ID..." into @ids; check each image has a rootfs. */
static size_t parse_images(char *spec, char ***ids, char ***roots)
{
	size_t n = 1, i = 0;
	char *s, *save = NULL;

	for (s = spec; *s; s++)
		n += *s == '+';
	*ids = dl_xcalloc(n, sizeof(char *));
	*roots = dl_xcalloc(n, sizeof(char *));
	for (s = strtok_r(spec, "+", &save); s; s = strtok_r(NULL, "+", &save)) {
		if (!dl_is_id(s) || i >= n)
			dl_usage(USAGE);
		(*ids)[i] = s;
		(*roots)[i] = dl_path("images/%s/rootfs", s);
		if (access((*roots)[i], F_OK) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to open image '%s'", s);
		i++;
	}
	if (i != n)
		dl_usage(USAGE);
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
	dl_usage_exit = DL_EXIT_FAIL;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (dl_spec_opts_init(&o) < 0)
		jcheck(NULL);
	parse_opts(argc, argv, &o);
	if (optind >= argc)
		dl_usage(USAGE);
	if (dl_spec_opts_check(&o, &why))
		dl_die(DL_EXIT_FAIL, "%s", why);
	/* the images stay while we reference them: dl-image-rm checks the
	 * users under this same lock, held until the container is published */
	nimg = parse_images(argv[optind], &ids, &roots);
	ret = dl_ref_lock(&why);
	if (ret)
		dl_die(ret, "unable to lock 'refs': %s", why);
	/* again under the lock: an image removed meanwhile is gone */
	for (i = 0; i < nimg; i++)
		if (access(roots[i], F_OK) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to open image '%s'",
				   ids[i]);

	cfgpath = dl_path("images/%s/config.json", ids[nimg - 1]);
	image = dl_json_load(cfgpath, &why);
	if (!image)
		dl_die(DL_EXIT_FAIL, "unable to load '%s': %s", cfgpath, why);
	cfg = json_object_get(image, "config");
	args = jcheck(dl_spec_args(&o, cfg, argv + optind + 1,
				   argc - optind - 1));
	if (json_array_size(args) == 0)
		dl_die(DL_EXIT_FAIL, "unable to create container from image "
		       "'%s': no command specified", ids[nimg - 1]);
	workdir = dl_clean_path(o.workdir ? o.workdir
					  : image_string(cfg, "WorkingDir"));
	uspec = o.user ? o.user : image_string(cfg, "User");

	if (dl_new_id(id) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to make 'container ID'");
	dl_spec_make_hostname(&o, id, host);
	env = jcheck(dl_spec_env(&o, json_object_get(cfg, "Env"), host));

	/* side effects from here on: undone at exit unless published */
	undo.tmpdir = dl_path("tmp/%s", id);
	undo.rootfs = dl_path("tmp/%s/rootfs", id);
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
	ret = dl_clone(undo.rootfs, (const char *const *)roots, nimg, &why);
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
		dl_die(DL_EXIT_FAIL, "%s", why);
	if (dl_root_mkdir_p(rootfd, workdir, 0755) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to create working directory "
			   "'%s'", workdir);
	if (dl_spec_env_find(env, "HOME") < 0 &&
	    json_array_append_new(env, json_sprintf("HOME=%s", user.home)) < 0)
		jcheck(NULL);

	if (dl_time_now(now) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to read 'the clock'");
	spec = jcheck(dl_spec_build(&o, args, env, workdir, &user, host, ids,
				    nimg, now));
	spath = dl_path("tmp/%s/spec.json", id);
	if (dl_json_save(spath, spec) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", spath);
	dl_state_init(&st);
	state = dl_state_json(&st);
	stpath = dl_path("tmp/%s/state.json", id);
	if (dl_json_save(stpath, state) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", stpath);

	/* the ID reaches the caller before the container is published, so
	 * a failed write leaves no container nobody knows of */
	printf("%s\n", id);
	if (fflush(stdout) != 0 || ferror(stdout))
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	pub = dl_path("containers/%s", id);
	if (rename(undo.tmpdir, pub) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to publish '%s'", pub);
	undo.published = true;
	dl_closep(&lock);
	dl_ref_unlock();
	dl_fault("dl-container-new:publish");

	for (i = 0; i < nimg; i++)
		free(roots[i]);
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
	return dl_finish_stdout();
}
