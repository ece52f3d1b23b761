// SPDX-License-Identifier: GPL-2.0-only
/* Pin and run-directory paths, and making sure bpffs is there. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "maps.h"
#include "pins.h"
#include "util.h"

#define DEFAULT_BPFFS "/sys/fs/bpf"

bool dev_name_valid(const char *dev)
{
	size_t len = dev ? strlen(dev) : 0;

	return len > 0 && len < 16 && !strchr(dev, '/') &&
	       strcmp(dev, ".") && strcmp(dev, "..");
}

static int fmt_path(char *buf, size_t sz, const char *fmt, const char *a,
		    const char *b, const char *c)
{
	int n = snprintf(buf, sz, fmt, a, b, c);

	return n < 0 || (size_t)n >= sz ? -ENAMETOOLONG : 0;
}

int pin_dir(const char *dev, char *buf, size_t sz)
{
	return fmt_path(buf, sz, "%s/%s%s", g.pin_root, dev, "");
}

int pin_path(const char *dev, const char *name, char *buf, size_t sz)
{
	return fmt_path(buf, sz, "%s/%s/%s", g.pin_root, dev, name);
}

int run_path(const char *dev, const char *suffix, char *buf, size_t sz)
{
	return fmt_path(buf, sz, "%s/%s.%s", g.run_dir, dev, suffix);
}

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

/* The deepest existing ancestor of path (or path itself). */
static void existing_ancestor(const char *path, char *buf, size_t sz)
{
	char *slash;

	snprintf(buf, sz, "%s", path);
	while (access(buf, F_OK)) {
		slash = strrchr(buf, '/');
		if (!slash || slash == buf) {
			snprintf(buf, sz, "/");
			return;
		}
		*slash = '\0';
	}
}

int bpffs_ensure(void)
{
	char anc[4096];
	int ret;

	existing_ancestor(g.pin_root, anc, sizeof(anc));
	if (!is_bpffs(anc)) {
		bool under_default =
			!strncmp(g.pin_root, DEFAULT_BPFFS "/",
				 strlen(DEFAULT_BPFFS) + 1);

		if (!under_default || is_bpffs(DEFAULT_BPFFS)) {
			err("pin root %s: not on a bpffs (mount one: mount -t bpf bpf DIR)",
			    g.pin_root);
			return -ENOTDIR;
		}
		if (mount("bpf", DEFAULT_BPFFS, "bpf", 0, "mode=0700")) {
			ret = -errno;
			err("mount bpffs at %s: %s (mount -t bpf bpf %s)",
			    DEFAULT_BPFFS, strerror(-ret), DEFAULT_BPFFS);
			return ret;
		}
		notice("mounted bpffs at %s", DEFAULT_BPFFS);
	}
	ret = mkdir_p(g.pin_root, 0700);
	if (ret)
		err("pin root %s: %s", g.pin_root, strerror(-ret));
	return ret;
}

int pin_open(const char *dev, const char *name)
{
	char path[4096];
	int fd, ret;

	ret = pin_path(dev, name, path, sizeof(path));
	if (ret)
		return ret;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

bool dev_attached(const char *dev)
{
	char path[4096];

	if (!dev_name_valid(dev) ||
	    pin_path(dev, TUNCTL_MAP_STATE, path, sizeof(path)))
		return false;
	return !access(path, F_OK);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int for_each_attached(int (*fn)(const char *dev, void *arg), void *arg)
{
	char *names[MAX_ATTACHED];
	size_t n = 0, i;
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = opendir(g.pin_root);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < ARRAY_SIZE(names)) {
		if (de->d_name[0] == '.' || !dev_attached(de->d_name))
			continue;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		if (!ret)
			ret = fn(names[i], arg);
		free(names[i]);
	}
	return ret;
}

static int lock_fd = -1;

int dev_lock(const char *dev, int wait_ms)
{
	char path[4096];
	int ret, waited;

	ret = mkdir_p(g.run_dir, 0700);
	if (!ret)
		ret = run_path(dev, "lock", path, sizeof(path));
	if (ret)
		return ret;
	lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock_fd < 0)
		return -errno;
	for (waited = 0; flock(lock_fd, LOCK_EX | LOCK_NB); waited += 20) {
		if (errno != EWOULDBLOCK || waited >= wait_ms) {
			ret = errno == EWOULDBLOCK ? -EBUSY : -errno;
			dev_unlock();
			return ret;
		}
		usleep(20000);
	}
	return 0;
}

void dev_unlock(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}
