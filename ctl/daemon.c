// SPDX-License-Identifier: GPL-2.0-only
/*
 * The per-device daemon: a pid file, a signal-driven loop, and the rollback
 * timer whose deadline lives in the pinned config map (so `tunctl confirm`
 * cancels it with one map write, and the datapath honours it even if this
 * process is dead).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctlsock.h"
#include "daemon.h"
#include "node.h"
#include "datapath.h"
#include "pins.h"
#include "relay.h"
#include "util.h"

#define STOP_WAIT_MS 3000

/*
 * The daemon holds an exclusive flock on its pid file for its whole life:
 * a pid file nobody holds is stale, whatever its pid now belongs to.
 */
static int pidfile_fd = -1;

pid_t daemon_pid(const char *dev)
{
	char path[4096], buf[32] = "";
	pid_t pid = 0;
	ssize_t n;
	int fd;

	if (run_path(dev, "pid", path, sizeof(path)))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0)
			pid = atoi(buf);
	}
	close(fd);	/* also drops a shared lock we may have got */
	return pid > 0 ? pid : 0;
}

static int write_pidfile(const char *dev)
{
	char path[4096], tmp[4200];
	int fd, ret, len;
	char buf[32];

	if (pidfile_fd >= 0)
		return 0;
	ret = mkdir_p(g.run_dir, 0700);
	if (!ret)
		ret = run_path(dev, "pid", path, sizeof(path));
	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (flock(fd, LOCK_EX | LOCK_NB) || write(fd, buf, len) != len ||
	    rename(tmp, path)) {
		ret = -errno;
		unlink(tmp);
		close(fd);
		return ret;
	}
	pidfile_fd = fd;
	return 0;
}

static void remove_pidfile(const char *dev)
{
	char path[4096];

	/* Only while we hold it: a newer daemon may have taken the name. */
	if (pidfile_fd >= 0 && daemon_pid(dev) == getpid() &&
	    !run_path(dev, "pid", path, sizeof(path)))
		unlink(path);
	if (pidfile_fd >= 0)
		close(pidfile_fd);
	pidfile_fd = -1;
}

static void logmsg(const char *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void logmsg(const char *dev, const char *fmt, ...)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s tunctl[%d] %s: ", stamp, (int)getpid(), dev);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* ms until the rollback deadline (-1: none); 0 when it has passed. */
static int rollback_wait_ms(const struct tunctl_config *cfg)
{
	uint64_t now = mono_ns();

	if (!cfg->rollback_deadline_ns)
		return -1;
	if (now >= cfg->rollback_deadline_ns)
		return 0;
	return (int)((cfg->rollback_deadline_ns - now) / 1000000) + 1;
}

static void block_signals(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGHUP);
	sigaddset(mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, mask, NULL);
}

/*
 * Detach if the deadline has passed. Under the device lock, re-reading the
 * deadline there: a confirm that got the lock first wins. Returns 1 when
 * the daemon should exit, 0 to go on (also when the lock is busy: retried
 * on the next round, so a SIGTERM is never stuck behind the lock).
 */
static int rollback(const char *dev)
{
	struct tunctl_config cfg;
	int ret;

	if (dev_lock(dev, 0))
		return 0;
	if (dp_config_read(dev, &cfg)) {
		dev_unlock();
		return 1;
	}
	if (rollback_wait_ms(&cfg) != 0) {
		dev_unlock();
		return 0;
	}
	logmsg(dev, "rollback: attach not confirmed in time; detaching");
	ret = dp_detach(dev);
	if (ret)
		logmsg(dev, "rollback: detach: %s", strerror(-ret));
	dev_unlock();
	return 1;
}

/* The config the daemon runs, kept so a restarted daemon finds it. */
int daemon_remember_config(const char *dev, const char *config_path)
{
	char path[4096], real[4096];
	FILE *f;

	if (run_path(dev, "config", path, sizeof(path)))
		return -ENAMETOOLONG;
	if (!config_path) {
		unlink(path);
		return 0;
	}
	if (!realpath(config_path, real))
		return -errno;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "%s\n", real);
	return fclose(f) ? -errno : 0;
}

int daemon_config_path(const char *dev, char *out, size_t sz)
{
	char path[4096];
	FILE *f;
	size_t n;

	if (run_path(dev, "config", path, sizeof(path)))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(out, sz, f))
		out[0] = '\0';
	fclose(f);
	n = strlen(out);
	if (n && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return out[0] ? 0 : -ENOENT;
}

/*
 * Set up what the daemon runs: the tunnel engine when the config has
 * tunnels, the control socket. Errors are reported; -errno.
 */
static int daemon_setup(const char *dev, const char *config_path,
			struct node *nd, bool *has_node, int *ctl_fd)
{
	struct tunctl_conf conf;
	struct conf_diag diag;
	int ret;

	*has_node = false;
	*ctl_fd = -1;
	if (config_path) {
		ret = conf_load_file(config_path, &conf, &diag);
		if (ret) {
			conf_diag_print(&diag);
			conf_diag_free(&diag);
			return ret;
		}
		/* Relaying is the datapath's alone: set it up and forget it. */
		ret = relay_apply(dev, &conf);
		if (ret) {
			err("daemon %s: relay: %s", dev, relay_strerror(ret));
			conf_free(&conf);
			return ret;
		}
		*has_node = conf.n_tunnels > 0;
		if (!*has_node)
			conf_free(&conf);
	}
	if (*has_node) {
		/* The engine takes the parsed config (keys included) over. */
		ret = node_start(nd, dev, &conf);
		if (ret) {
			node_stop(nd);
			*has_node = false;
			return ret;
		}
	}
	*ctl_fd = ctlsock_listen(dev);
	if (*ctl_fd < 0) {
		err("daemon %s: control socket: %s", dev, strerror(-*ctl_fd));
		return *ctl_fd;
	}
	return daemon_remember_config(dev, config_path);
}

static int daemon_loop(const char *dev, int sfd, struct node *nd,
		       bool has_node, int ctl_fd)
{
	struct signalfd_siginfo si;
	struct tunctl_config cfg;
	uint64_t next_tick = mono_ns();

	for (;;) {
		struct pollfd pfd[4] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = ctl_fd, .events = POLLIN },
			{ .fd = has_node ? nd->udp_fd : -1, .events = POLLIN },
			{ .fd = has_node ? nd->tun_fd : -1, .events = POLLIN },
		};
		uint64_t now = mono_ns();
		int wait_ms;

		if (now >= next_tick) {
			/* Re-read: confirm and attach write the map. */
			if (dp_config_read(dev, &cfg)) {
				logmsg(dev, "datapath gone (detached elsewhere); exiting");
				return 0;
			}
			if (rollback_wait_ms(&cfg) == 0 && rollback(dev))
				return 0;
			if (has_node)
				node_tick(nd);
			relay_resolve_missing(dev);
			next_tick = now + NODE_TICK_MS * 1000000ULL;
		}
		wait_ms = (int)((next_tick - now) / 1000000) + 1;
		if (poll(pfd, 4, wait_ms) <= 0)
			continue;
		if (pfd[3].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			/* Overlay gone: without it we carry nothing. Fail closed. */
			logmsg(dev, "overlay interface failed; exiting");
			return -EIO;
		}
		if (pfd[2].revents & POLLIN)
			node_on_udp(nd);
		if (pfd[3].revents & POLLIN)
			node_on_tun(nd);
		if (pfd[1].revents & POLLIN)
			ctlsock_serve(ctl_fd, has_node ? nd : NULL);
		if ((pfd[0].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == sizeof(si) &&
		    (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)) {
			logmsg(dev, "stopping on signal %u", si.ssi_signo);
			return 0;
		}
	}
}

int daemon_run(const char *dev, const char *config_path, int ready_fd)
{
	struct node nd = {};
	bool has_node;
	sigset_t mask;
	int sfd, ctl_fd, ret;
	char ready = 1;

	block_signals(&mask);
	/* It holds tunnel keys: no core dumps, no ptrace by others. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		ret = -errno;
		err("daemon %s: signalfd: %s", dev, strerror(-ret));
		return ret;
	}
	ret = write_pidfile(dev);
	if (ret) {
		err("daemon %s: pid file in %s: %s", dev, g.run_dir,
		    strerror(-ret));
		close(sfd);
		return ret;
	}
	ret = daemon_setup(dev, config_path, &nd, &has_node, &ctl_fd);
	if (!ret) {
		logmsg(dev, "running%s", has_node ? " with tunnels" : "");
		/* Ready: attach may return now. */
		if (ready_fd >= 0 && write(ready_fd, &ready, 1) != 1)
			ret = -EPIPE;
		if (ready_fd >= 0)
			close(ready_fd);
	}
	if (!ret)
		ret = daemon_loop(dev, sfd, &nd, has_node, ctl_fd);
	if (ctl_fd >= 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		run_path(dev, "sock", sun.sun_path, sizeof(sun.sun_path));
		unlink(sun.sun_path);
		close(ctl_fd);
	}
	if (has_node)
		node_stop(&nd);
	remove_pidfile(dev);
	close(sfd);
	return ret;
}

static int redirect_stdio(const char *dev)
{
	char path[4096];
	int fd;

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	if (run_path(dev, "log", path, sizeof(path)))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	dup2(fd, STDERR_FILENO);
	close(fd);
	return 0;
}

int daemon_spawn(const char *dev, const char *config_path)
{
	int pipefd[2], ret;
	char ready = 0;
	pid_t pid;

	ret = mkdir_p(g.run_dir, 0700);
	if (ret) {
		err("daemon %s: run directory %s: %s", dev, g.run_dir,
		    strerror(-ret));
		return ret;
	}
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return ret;
	}
	if (pid == 0) {
		sigset_t mask;

		/* Double fork: the daemon is nobody's child but init's. */
		close(pipefd[0]);
		/* The caller's device lock is not the daemon's to keep. */
		dev_unlock();
		/* Blocked before anyone can find us: no default-action deaths. */
		block_signals(&mask);
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		if (redirect_stdio(dev))
			_exit(1);
		_exit(daemon_run(dev, config_path, pipefd[1]) ? 1 : 0);
	}
	close(pipefd[1]);
	waitpid(pid, NULL, 0);
	if (read(pipefd[0], &ready, 1) != 1 || !ready)
		ret = -ECHILD;
	close(pipefd[0]);
	if (ret)
		err("daemon %s: did not start (see %s/%s.log)", dev, g.run_dir,
		    dev);
	return ret;
}

/* Wait until dev's daemon has let go of its pid file; 0 when it has. */
static int wait_gone(const char *dev, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (!daemon_pid(dev))
			return 0;
		usleep(20000);
	}
	return -ETIMEDOUT;
}

int daemon_stop(const char *dev)
{
	pid_t pid = daemon_pid(dev);

	if (!pid)
		return 0;
	kill(pid, SIGTERM);
	if (!wait_gone(dev, STOP_WAIT_MS))
		return 0;
	kill(pid, SIGKILL);
	return wait_gone(dev, 1000);
}

void daemon_kick(const char *dev)
{
	pid_t pid = daemon_pid(dev);

	if (pid)
		kill(pid, SIGUSR1);
}
