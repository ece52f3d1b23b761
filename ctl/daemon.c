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
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "datapath.h"
#include "pins.h"
#include "util.h"

#define STOP_WAIT_MS 3000

static bool pid_is_tunctl(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	if (pid <= 0 || kill(pid, 0))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strncmp(comm, "tunctl", 6);
}

pid_t daemon_pid(const char *dev)
{
	char path[4096];
	int pid = 0;
	FILE *f;

	if (run_path(dev, "pid", path, sizeof(path)))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid_is_tunctl(pid) ? pid : 0;
}

static int write_pidfile(const char *dev)
{
	char path[4096], tmp[4200];
	FILE *f;
	int ret;

	ret = mkdir_p(g.run_dir, 0700);
	if (!ret)
		ret = run_path(dev, "pid", path, sizeof(path));
	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	if (fclose(f))
		return -errno;
	return rename(tmp, path) ? -errno : 0;
}

static void remove_pidfile(const char *dev)
{
	char path[4096];

	/* Only our own: a newer daemon may have taken the name over. */
	if (!run_path(dev, "pid", path, sizeof(path)) &&
	    daemon_pid(dev) == getpid())
		unlink(path);
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

int daemon_run(const char *dev)
{
	struct signalfd_siginfo si;
	struct tunctl_config cfg;
	sigset_t mask;
	int sfd, ret;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
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
	logmsg(dev, "running");

	for (;;) {
		struct pollfd pfd = { .fd = sfd, .events = POLLIN };
		int wait_ms;

		/* Re-read every round: confirm and reload write the map. */
		if (dp_config_read(dev, &cfg)) {
			logmsg(dev, "datapath gone (detached elsewhere); exiting");
			break;
		}
		wait_ms = rollback_wait_ms(&cfg);
		if (wait_ms == 0) {
			logmsg(dev, "rollback: attach not confirmed in time; detaching");
			ret = dp_detach(dev);
			if (ret)
				logmsg(dev, "rollback: detach: %s",
				       strerror(-ret));
			break;
		}
		/* Poll in slices so a changed deadline is noticed soon. */
		if (wait_ms > 1000 || wait_ms < 0)
			wait_ms = wait_ms < 0 ? -1 : 1000;
		if (poll(&pfd, 1, wait_ms) <= 0)
			continue;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			logmsg(dev, "stopping on signal %u", si.ssi_signo);
			break;
		}
	}
	remove_pidfile(dev);
	close(sfd);
	return 0;
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

int daemon_spawn(const char *dev)
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
		/* Double fork: the daemon is nobody's child but init's. */
		close(pipefd[0]);
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		if (redirect_stdio(dev))
			_exit(1);
		/* Ready once the pid file exists: daemon_run writes it first. */
		if (write_pidfile(dev) == 0) {
			ready = 1;
			if (write(pipefd[1], &ready, 1) != 1)
				_exit(1);
		}
		close(pipefd[1]);
		_exit(daemon_run(dev) ? 1 : 0);
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

int daemon_stop(const char *dev)
{
	pid_t pid = daemon_pid(dev);
	int waited;

	if (!pid)
		return 0;
	kill(pid, SIGTERM);
	for (waited = 0; waited < STOP_WAIT_MS; waited += 20) {
		if (!pid_is_tunctl(pid))
			return 0;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	return 0;
}

void daemon_kick(const char *dev)
{
	pid_t pid = daemon_pid(dev);

	if (pid)
		kill(pid, SIGUSR1);
}
