/*
 * pyro-init: PID 1 of a Pyro guest. Modes (docs/protocol.md, "Guest init"):
 *
 *   stage 1 (PID 1 in the initramfs; automatic, or --stage1): mount devtmpfs and the root disk
 *     (pyro.root=/dev/vda, pyro.rootfstype=ext4) at /newroot, mount a tmpfs at /newroot/run,
 *     copy pyro-init and pyro-agent to /newroot/run/pyro/bin, switch root, exec stage 2.
 *   stage 2 (--stage2, or PID 1 booted straight from the disk): mount proc, sys, dev, devpts,
 *     /dev/shm, /run, /tmp, cgroup2; hostname; lo, eth0 from pyro.ip/pyro.gw/pyro.dns, eth1 from pyro.ip1;
 *     /workspace; run the agent on the virtio-serial port (pyro.agent=PATH), restart it if it
 *     dies, reap zombies; SIGTERM (or the agent's shutdown request): stop everything, sync,
 *     reboot(RB_AUTOBOOT) (QEMU runs with -no-reboot, so that ends the VM).
 *   container (--container): gVisor or any container runtime. No kernel setup; only mounts
 *     missing proc/devpts/shm when PID 1; agent with --listen SOCKET (or --connect PATH);
 *     reap; SIGTERM: stop everything, sync, exit 0.
 */
#include "common.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#define DEFAULT_PORT "/dev/virtio-ports/pyro.agent"
#define DEFAULT_SOCKET "/run/pyro/agent.sock"
#define RUN_BIN "/run/pyro/bin"
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

enum mode { M_AUTO, M_STAGE1, M_STAGE2, M_CONTAINER };

static struct {
    enum mode mode;
    bool pid1;
    const char *agent_path;
    const char *socket_path;
    const char *connect_path;
    const char *serial_path;
    const char *workspace;
    const char *hostname;
    const char *pids_max;   /* --pids-max: a pids cgroup of gVisor's own for the commands (rootless) */
    char self_dir[4096];
    /* kernel command line, split */
    char cmdline[8192];
    char *keys[256];
    char *vals[256];
    int nparams;
} I = {.workspace = "/workspace"};

/* ------------------------------------------------------------------ helpers */

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fatal(const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    LOG("fatal: %s", msg);
    if (I.pid1 && I.mode != M_CONTAINER) {
        sync();
        LOG("rebooting (the VM exits)");
        reboot(RB_AUTOBOOT);
    }
    _exit(1);
}

static const char *param(const char *key) {
    for (int i = I.nparams - 1; i >= 0; i--)
        if (strcmp(I.keys[i], key) == 0) return I.vals[i] ? I.vals[i] : "";
    return NULL;
}

static void read_cmdline(void) {
    int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, I.cmdline, sizeof I.cmdline - 1);
    close(fd);
    if (n <= 0) return;
    I.cmdline[n] = 0;
    char *p = I.cmdline;
    while (*p && I.nparams < (int)ARRAY_LEN(I.keys)) {
        while (*p == ' ' || *p == '\n' || *p == '\t') p++;
        if (!*p) break;
        char *key = p, *val = NULL;
        bool quoted = false;
        /* key=value, value may be "quoted" as the kernel allows */
        while (*p && (quoted || (*p != ' ' && *p != '\n' && *p != '\t'))) {
            if (*p == '"') quoted = !quoted;
            if (*p == '=' && !val && !quoted) {
                *p = 0;
                val = p + 1;
            }
            p++;
        }
        if (*p) *p++ = 0;
        if (val && val[0] == '"') {
            val++;
            size_t l = strlen(val);
            if (l && val[l - 1] == '"') val[l - 1] = 0;
        }
        I.keys[I.nparams] = key;
        I.vals[I.nparams] = val;
        I.nparams++;
    }
}

static bool is_mountpoint(const char *path) {
    struct stat a, b;
    char parent[4096];
    if (stat(path, &a) < 0) return false;
    snprintf(parent, sizeof parent, "%s/..", path);
    if (stat(parent, &b) < 0) return false;
    return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}

static void mount_if_missing(const char *src, const char *target, const char *type, unsigned long flags,
                             const char *data) {
    mkdirs(target, 0755);
    if (is_mountpoint(target)) return;
    if (mount(src, target, type, flags, data) < 0) LOG("mount %s on %s: %s", type, target, strerror(errno));
}

static int copy_file(const char *from, const char *to, mode_t mode) {
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (out < 0) {
        int e = errno;
        close(in);
        errno = e;
        return -1;
    }
    char buf[65536];
    ssize_t r;
    int rc = 0;
    while ((r = read(in, buf, sizeof buf)) != 0) {
        if (r < 0) {
            if (errno == EINTR) continue;
            rc = -1;
            break;
        }
        if (write_all(out, buf, (size_t)r) < 0) {
            rc = -1;
            break;
        }
    }
    int e = errno;
    close(in);
    if (close(out) < 0) rc = -1;
    if (rc == 0) chmod(to, mode);
    errno = e;
    return rc;
}

/* Without /dev/console in the initramfs the kernel starts init with fds 0-2 closed: attach them
 * (0 to /dev/null, 1 and 2 to the console) once devtmpfs is mounted. */
static void attach_console(void) {
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
        int c = fd == 0 ? open("/dev/null", O_RDONLY) : open("/dev/console", O_WRONLY | O_NOCTTY);
        if (c < 0 && fd > 0) c = open("/dev/null", O_WRONLY);
        if (c >= 0 && c != fd) {
            dup2(c, fd);
            close(c);
        }
    }
}

/* ------------------------------------------------------------------ stage 1 */

static void stage1(void) {
    mkdir("/dev", 0755);
    mkdir("/proc", 0555);
    mkdir("/newroot", 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") < 0 && errno != EBUSY)
        LOG("mount devtmpfs: %s", strerror(errno));
    attach_console();
    LOG("stage 1: preparing the root disk");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 && errno != EBUSY)
        LOG("mount proc: %s", strerror(errno));
    read_cmdline();
    const char *root = param("pyro.root");
    const char *fstype = param("pyro.rootfstype");
    const char *flags = param("pyro.rootflags");
    if (!root || !*root) root = "/dev/vda";
    if (!fstype || !*fstype) fstype = "ext4";

    struct stat st;
    int64_t until = mono_ms() + 10000;
    while (stat(root, &st) < 0) {
        if (mono_ms() > until) fatal("root device %s did not appear", root);
        usleep(10000);
    }
    if (mount(root, "/newroot", fstype, MS_NOATIME, flags) < 0)
        fatal("mount %s (%s) on /newroot: %s", root, fstype, strerror(errno));
    mkdir("/newroot/run", 0755);
    if (mount("tmpfs", "/newroot/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        fatal("mount tmpfs on /newroot/run: %s", strerror(errno));
    if (mkdirs("/newroot" RUN_BIN, 0755) < 0) fatal("mkdir /newroot" RUN_BIN ": %s", strerror(errno));
    const char *agent = access("/pyro-agent", X_OK) == 0 ? "/pyro-agent" : NULL;
    if (!agent) fatal("/pyro-agent is missing from the initramfs");
    if (copy_file("/proc/self/exe", "/newroot" RUN_BIN "/pyro-init", 0755) < 0)
        fatal("copy pyro-init: %s", strerror(errno));
    if (copy_file(agent, "/newroot" RUN_BIN "/pyro-agent", 0755) < 0)
        fatal("copy pyro-agent: %s", strerror(errno));
    /* free the initramfs copies; the rootfs itself cannot be unmounted */
    unlink("/pyro-agent");
    unlink("/init");
    umount2("/proc", MNT_DETACH);
    umount2("/dev", MNT_DETACH);
    if (chdir("/newroot") < 0) fatal("chdir /newroot: %s", strerror(errno));
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0) fatal("move /newroot to /: %s", strerror(errno));
    if (chroot(".") < 0) fatal("chroot: %s", strerror(errno));
    if (chdir("/") < 0) fatal("chdir /: %s", strerror(errno));
    char *argv[] = {"pyro-init", "--stage2", NULL};
    execv(RUN_BIN "/pyro-init", argv);
    fatal("exec " RUN_BIN "/pyro-init: %s", strerror(errno));
}

/* ------------------------------------------------------------------ network (ioctl only) */

static int parse_cidr(const char *s, struct in_addr *addr, struct in_addr *mask) {
    char ip[64];
    snprintf(ip, sizeof ip, "%s", s);
    int prefix = 24;
    char *slash = strchr(ip, '/');
    if (slash) {
        *slash = 0;
        char *end;
        long p = strtol(slash + 1, &end, 10);
        if (*end || p < 0 || p > 32) return -1;
        prefix = (int)p;
    }
    if (inet_pton(AF_INET, ip, addr) != 1) return -1;
    mask->s_addr = prefix ? htonl(0xFFFFFFFFu << (32 - prefix)) : 0;
    return 0;
}

static int if_up(int s, const char *name) {
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) return -1;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    return ioctl(s, SIOCSIFFLAGS, &ifr);
}

static void set_sin(struct sockaddr *sa, struct in_addr a) {
    struct sockaddr_in *sin = (struct sockaddr_in *)sa;
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_addr = a;
}

static void write_resolv_conf(const char *dns) {
    char content[1024] = "";
    char list[512];
    snprintf(list, sizeof list, "%s", dns);
    size_t n = 0;
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        struct in_addr a;
        if (inet_pton(AF_INET, tok, &a) != 1) {
            LOG("ignoring invalid pyro.dns entry %s", tok);
            continue;
        }
        n += (size_t)snprintf(content + n, sizeof content - n, "nameserver %s\n", tok);
        if (n >= sizeof content) break;
    }
    if (!content[0]) return;
    mkdir("/etc", 0755);
    int fd = open("/etc/.resolv.conf.pyro", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, content, strlen(content)) < 0 || close(fd) < 0 ||
        rename("/etc/.resolv.conf.pyro", "/etc/resolv.conf") < 0)
        LOG("write /etc/resolv.conf: %s", strerror(errno));
}

/* Gives NIC `name` the address `ip` (ADDR/PREFIX), brings it up and, with `gw`, routes by it. */
static void configure_if(int s, const char *name, const char *ip, const char *gw) {
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    bool present = ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
    if (!present) {
        if (ip && *ip) LOG("%s: no such device for %s", name, ip);
        return;
    }
    if (!ip || !*ip) {
        LOG("%s present but no address for it: left down", name);
        return;
    }
    struct in_addr addr, mask, gwa;
    if (parse_cidr(ip, &addr, &mask) < 0) {
        LOG("invalid address %s for %s", ip, name);
        return;
    }
    set_sin(&ifr.ifr_addr, addr);
    if (ioctl(s, SIOCSIFADDR, &ifr) < 0) LOG("set %s address: %s", name, strerror(errno));
    set_sin(&ifr.ifr_netmask, mask);
    if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0) LOG("set %s netmask: %s", name, strerror(errno));
    if (if_up(s, name) < 0) LOG("bring up %s: %s", name, strerror(errno));
    if (gw && *gw) {
        if (inet_pton(AF_INET, gw, &gwa) != 1) {
            LOG("invalid pyro.gw=%s", gw);
        } else {
            struct rtentry rt = {0};
            struct in_addr any = {0};
            set_sin(&rt.rt_dst, any);
            set_sin(&rt.rt_genmask, any);
            set_sin(&rt.rt_gateway, gwa);
            rt.rt_flags = RTF_UP | RTF_GATEWAY;
            rt.rt_dev = (char *)name;
            if (ioctl(s, SIOCADDRT, &rt) < 0 && errno != EEXIST)
                LOG("add default route: %s", strerror(errno));
        }
    }
    LOG("%s %s gateway %s", name, ip, gw && *gw ? gw : "(none)");
}

/*
 * eth0 from pyro.ip/pyro.gw; eth1 from pyro.ip1 (rootless hosts: the NIC that only carries
 * published ports, never a route out); resolv.conf from pyro.dns.
 */
static void setup_network(void) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        LOG("socket: %s", strerror(errno));
        return;
    }
    if (if_up(s, "lo") < 0) LOG("bring up lo: %s", strerror(errno));
    const char *dns = param("pyro.dns");
    configure_if(s, "eth0", param("pyro.ip"), param("pyro.gw"));
    const char *ip1 = param("pyro.ip1");
    if (ip1 && *ip1) configure_if(s, "eth1", ip1, NULL);
    close(s);
    /* QEMU's user network learns the guest's MAC only from the guest's own packets; until then a
     * published port's first connection waits for slirp's TCP retransmit (a 5 s GET timed out in
     * every try). One datagram to its host address (dropped there: restrict=on) makes the guest
     * ARP for it, and slirp learns the MAC from the request. */
    const char *hello = param("pyro.hello1");
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
    if (hello && *hello && inet_pton(AF_INET, hello, &to.sin_addr) == 1) {
        int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (u < 0 || sendto(u, "", 0, 0, (struct sockaddr *)&to, sizeof to) < 0)
            LOG("hello to %s: %s", hello, strerror(errno));
        if (u >= 0) close(u);
    }
    if (dns && *dns) write_resolv_conf(dns);
}

/* ------------------------------------------------------------------ stage 2 / container setup */

static void link_if_missing(const char *target, const char *path) {
    if (symlink(target, path) < 0 && errno != EEXIST) LOG("symlink %s: %s", path, strerror(errno));
}

static void dev_links(void) {
    struct stat st;
    if (lstat("/dev/ptmx", &st) == 0 && !S_ISLNK(st.st_mode)) unlink("/dev/ptmx");
    link_if_missing("pts/ptmx", "/dev/ptmx");
    link_if_missing("/proc/self/fd", "/dev/fd");
    link_if_missing("/proc/self/fd/0", "/dev/stdin");
    link_if_missing("/proc/self/fd/1", "/dev/stdout");
    link_if_missing("/proc/self/fd/2", "/dev/stderr");
}

/* devtmpfs has /dev/vportNpM but no /dev/virtio-ports/NAME links (udev makes those): make them */
static void virtio_port_links(void) {
    DIR *d = opendir("/sys/class/virtio-ports");
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char path[512], name[256], link[512], target[300];
        snprintf(path, sizeof path, "/sys/class/virtio-ports/%s/name", de->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t n = read(fd, name, sizeof name - 1);
        close(fd);
        if (n <= 0) continue;
        name[n] = 0;
        name[strcspn(name, "\n")] = 0;
        if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
        mkdir("/dev/virtio-ports", 0755);
        snprintf(link, sizeof link, "/dev/virtio-ports/%s", name);
        snprintf(target, sizeof target, "../%s", de->d_name);
        unlink(link);
        if (symlink(target, link) < 0) LOG("symlink %s: %s", link, strerror(errno));
    }
    closedir(d);
}

static void base_env(bool clear) {
    if (clear) {
        clearenv();
        setenv("HOME", "/root", 1);
        setenv("USER", "root", 1);
        setenv("LOGNAME", "root", 1);
        setenv("LANG", "C.UTF-8", 1);
    }
    if (clear || !getenv("PATH")) setenv("PATH", DEFAULT_PATH, 1);
}

/* The pids limit for commands (see WORKLOAD_CGROUP); without it a fork bomb fills the guest's
 * process table and memory until the kernel's OOM killer picks at random. */
static void workload_cgroup(void) {
    const char *max = param("pyro.pids_max");
    if (!max || !*max) max = "1024";
    if (write_control("/sys/fs/cgroup/cgroup.subtree_control", "+pids") < 0) {
        LOG("enable the pids controller: %s", strerror(errno));
        return;
    }
    if (mkdir(WORKLOAD_CGROUP, 0755) < 0 && errno != EEXIST) {
        LOG("mkdir %s: %s", WORKLOAD_CGROUP, strerror(errno));
        return;
    }
    if (write_control(WORKLOAD_CGROUP "/pids.max", max) < 0) LOG("pids.max=%s: %s", max, strerror(errno));
}

static void stage2_setup(void) {
    base_env(true);
    umask(022);
    mount_if_missing("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    read_cmdline();
    mount_if_missing("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_if_missing("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
    attach_console();
    mount_if_missing("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=620,ptmxmode=666");
    dev_links();
    virtio_port_links();
    mount_if_missing("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    mount_if_missing("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
    const char *tmp = param("pyro.tmp");
    if (!tmp || strcmp(tmp, "disk") != 0) mount_if_missing("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    /* favordynmods: moving each new command into the workload cgroup costs ~1 ms instead of an RCU
     * grace period (~11 ms under TCG); forks pay a little instead. Kernels before 6.0 lack it. */
    if (!is_mountpoint("/sys/fs/cgroup") &&
        mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, "favordynmods") < 0)
        mount_if_missing("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    workload_cgroup();
    mkdirs("/run/pyro", 0755);
    mkdirs("/run/lock", 01777);
    const char *h = param("pyro.hostname");
    if (!h || !*h) h = "pyro";
    if (sethostname(h, strlen(h)) < 0) LOG("sethostname: %s", strerror(errno));
    setup_network();
    if (mkdirs(I.workspace, 0755) < 0) LOG("mkdir %s: %s", I.workspace, strerror(errno));
    const char *port = param("pyro.agent");
    if (!I.serial_path) I.serial_path = port && *port ? port : DEFAULT_PORT;
}

/* gVisor without host cgroups (an ordinary user's runsc runs with --ignore-cgroups): the sentry's
 * own pids controller (cgroup v1, enforced by gVisor itself; its memory controller only counts)
 * bounds the commands' tasks, as the guest cgroup does in a VM: forks fail, the agent keeps answering. */
static void container_pids_limit(const char *max) {
    if (!is_mountpoint("/sys/fs/cgroup") &&
        mount("none", "/sys/fs/cgroup", "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, "pids") < 0) {
        LOG("mount the pids cgroup: %s", strerror(errno));
        return;
    }
    if (mkdir(WORKLOAD_CGROUP, 0755) < 0 && errno != EEXIST) {
        LOG("mkdir %s: %s", WORKLOAD_CGROUP, strerror(errno));
        return;
    }
    if (write_control(WORKLOAD_CGROUP "/pids.max", max) < 0) LOG("pids.max=%s: %s", max, strerror(errno));
}

static void container_setup(void) {
    base_env(false);
    if (I.pids_max && I.pid1) container_pids_limit(I.pids_max);
    if (I.pid1) {
        mount_if_missing("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        struct stat st;
        if (stat("/dev/pts/ptmx", &st) < 0)
            mount_if_missing("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                             "newinstance,gid=5,mode=620,ptmxmode=666");
        if (lstat("/dev/ptmx", &st) < 0) link_if_missing("pts/ptmx", "/dev/ptmx");
        if (stat("/dev/shm", &st) < 0 || !is_mountpoint("/dev/shm"))
            mount_if_missing("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    } else {
        /* not PID 1 (tests, or a runtime with its own init): adopt orphans, touch no mounts */
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
    if (I.hostname && sethostname(I.hostname, strlen(I.hostname)) < 0) LOG("sethostname: %s", strerror(errno));
    if (mkdirs(I.workspace, 0755) < 0) LOG("mkdir %s: %s", I.workspace, strerror(errno));
    if (!I.connect_path && !I.socket_path) I.socket_path = DEFAULT_SOCKET;
    if (I.socket_path) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", I.socket_path);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = 0;
            mkdirs(dir, 0755);
        }
    }
}

/* ------------------------------------------------------------------ agent supervision */

static pid_t agent_pid = -1;
static int64_t agent_started, restart_at = -1, backoff_ms = 100;

static void start_agent(void) {
    const char *argv[6] = {"pyro-agent", NULL, NULL, "--under-init", NULL};
    if (I.mode == M_CONTAINER) {
        argv[1] = I.connect_path ? "--connect" : "--listen";
        argv[2] = I.connect_path ? I.connect_path : I.socket_path;
    } else {
        argv[1] = "--serial";
        argv[2] = I.serial_path;
    }
    pid_t pid = fork();
    if (pid < 0) {
        LOG("fork: %s", strerror(errno));
        restart_at = mono_ms() + 1000;
        return;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
        sigprocmask(SIG_SETMASK, &none, NULL);
        setsid();
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0 && null != 0) {
            dup2(null, 0);
            close(null);
        }
        if (chdir("/") < 0) _exit(127);
        /* the guest's OOM killer takes a command, never the agent (its commands reset this) */
        write_control("/proc/self/oom_score_adj", "-1000");
        execv(I.agent_path, (char *const *)argv);
        LOG("exec %s: %s", I.agent_path, strerror(errno));
        _exit(127);
    }
    agent_pid = pid;
    agent_started = mono_ms();
    restart_at = -1;
}

/* kill every descendant of this process (used when we are not PID 1) */
static int kill_descendants(int sig) {
    pid_t self = getpid();
    int count = 0;
    /* walk until no new descendants are found (a few passes cover deep trees) */
    pid_t known[4096];
    int nk = 1;
    known[0] = self;
    for (int pass = 0; pass < 8; pass++) {
        bool grew = false;
        DIR *d = opendir("/proc");
        if (!d) return count;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            char *end;
            long pid = strtol(de->d_name, &end, 10);
            if (*end || pid <= 0 || pid == self) continue;
            char path[64], sbuf[512];
            snprintf(path, sizeof path, "/proc/%ld/stat", pid);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            ssize_t n = read(fd, sbuf, sizeof sbuf - 1);
            close(fd);
            if (n <= 0) continue;
            sbuf[n] = 0;
            char *rp = strrchr(sbuf, ')');
            if (!rp) continue;
            long ppid = 0;
            char st;
            if (sscanf(rp + 1, " %c %ld", &st, &ppid) != 2) continue;
            bool parent_known = false, already = false;
            for (int i = 0; i < nk; i++) {
                if (known[i] == ppid) parent_known = true;
                if (known[i] == pid) already = true;
            }
            if (parent_known && !already && nk < (int)ARRAY_LEN(known)) {
                known[nk++] = (pid_t)pid;
                grew = true;
            }
        }
        closedir(d);
        if (!grew) break;
    }
    for (int i = 1; i < nk; i++)
        if (kill(known[i], sig) == 0) count++;
    return count;
}

static void reap_all(void) {
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (pid == agent_pid) {
            int64_t lived = mono_ms() - agent_started;
            if (WIFEXITED(st)) LOG("agent exited with status %d", WEXITSTATUS(st));
            else if (WIFSIGNALED(st)) LOG("agent killed by signal %d", WTERMSIG(st));
            agent_pid = -1;
            backoff_ms = lived > 5000 ? 100 : (backoff_ms * 2 > 5000 ? 5000 : backoff_ms * 2);
            restart_at = mono_ms() + backoff_ms;
        }
    }
}

static void shutdown_now(const char *why) {
    LOG("shutting down (%s)", why);
    if (I.pid1) kill(-1, SIGTERM);
    else kill_descendants(SIGTERM);
    int64_t until = mono_ms() + 1500;
    while (mono_ms() < until) {
        int st;
        pid_t r = waitpid(-1, &st, WNOHANG);
        if (r < 0 && errno == ECHILD) break;
        if (r <= 0) usleep(10000);
    }
    if (I.pid1) kill(-1, SIGKILL);
    else kill_descendants(SIGKILL);
    until = mono_ms() + 1000;
    while (mono_ms() < until) {
        int st;
        pid_t r = waitpid(-1, &st, WNOHANG);
        if (r < 0 && errno == ECHILD) break;
        if (r <= 0) usleep(5000);
    }
    sync();
    if (I.mode == M_CONTAINER || !I.pid1) {
        LOG("stopped");
        _exit(0);
    }
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0) LOG("remount / read-only: %s", strerror(errno));
    sync();
    LOG("rebooting (the VM exits)");
    reboot(RB_AUTOBOOT);
    _exit(0);
}

static void noop_handler(int sig) { (void)sig; }

static void supervise(void) {
    /* PID 1 ignores signals whose action is the default: install handlers, then block them
     * and read them from a signalfd */
    int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGPWR, SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT};
    sigset_t mask;
    sigemptyset(&mask);
    struct sigaction sa = {.sa_handler = noop_handler};
    for (size_t i = 0; i < ARRAY_LEN(sigs); i++) {
        sigaction(sigs[i], &sa, NULL);
        sigaddset(&mask, sigs[i]);
    }
    signal(SIGPIPE, SIG_IGN);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (sfd < 0) fatal("signalfd: %s", strerror(errno));
    start_agent();
    for (;;) {
        int timeout = -1;
        if (restart_at >= 0) {
            int64_t left = restart_at - mono_ms();
            timeout = left < 0 ? 0 : (int)left;
        }
        struct pollfd pf = {.fd = sfd, .events = POLLIN};
        int n = poll(&pf, 1, timeout);
        if (n > 0) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                switch (si.ssi_signo) {
                case SIGCHLD: reap_all(); break;
                case SIGTERM: shutdown_now("SIGTERM"); break;
                case SIGINT: shutdown_now("SIGINT"); break;
                case SIGPWR: shutdown_now("SIGPWR"); break;
                default: break;
                }
            }
        }
        reap_all();   /* coalesced SIGCHLDs */
        if (agent_pid < 0 && restart_at >= 0 && mono_ms() >= restart_at) start_agent();
    }
}

/* ------------------------------------------------------------------ main */

static void usage(void) {
    fprintf(stderr,
            "usage: pyro-init                      (PID 1: stage 1 from an initramfs, else stage 2)\n"
            "       pyro-init --stage1 | --stage2  [--agent PATH] [--serial PATH]\n"
            "       pyro-init --container [--socket PATH | --connect PATH] [--agent PATH]\n"
            "                 [--workspace DIR] [--hostname NAME] [--pids-max N]\n"
            "       pyro-init --version\n");
}

int main(int argc, char **argv) {
    log_init("pyro-init");
    I.pid1 = getpid() == 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--version") == 0) {
            printf("pyro-init %s\n", PYRO_VERSION);
            return 0;
        } else if (strcmp(a, "--help") == 0) {
            usage();
            return 0;
        } else if (strcmp(a, "--stage1") == 0) I.mode = M_STAGE1;
        else if (strcmp(a, "--stage2") == 0) I.mode = M_STAGE2;
        else if (strcmp(a, "--container") == 0) I.mode = M_CONTAINER;
        else if (next && strcmp(a, "--agent") == 0) { I.agent_path = next; i++; }
        else if (next && strcmp(a, "--socket") == 0) { I.socket_path = next; i++; }
        else if (next && strcmp(a, "--connect") == 0) { I.connect_path = next; i++; }
        else if (next && strcmp(a, "--serial") == 0) { I.serial_path = next; i++; }
        else if (next && strcmp(a, "--workspace") == 0) { I.workspace = next; i++; }
        else if (next && strcmp(a, "--hostname") == 0) { I.hostname = next; i++; }
        else if (next && strcmp(a, "--pids-max") == 0) { I.pids_max = next; i++; }
        else {
            /* the kernel passes unknown parameters as arguments: ignore them as PID 1 */
            if (I.pid1) continue;
            usage();
            return 2;
        }
    }
    ensure_std_fds();
    if (I.mode == M_AUTO) {
        if (!I.pid1) {
            LOG("not PID 1: use --container (or --stage1/--stage2 inside a VM)");
            usage();
            return 2;
        }
        struct statfs sf;
        bool initramfs = statfs("/", &sf) == 0 && (sf.f_type == RAMFS_MAGIC || sf.f_type == TMPFS_MAGIC) &&
                         access("/pyro-agent", X_OK) == 0;
        I.mode = initramfs ? M_STAGE1 : M_STAGE2;
    }
    if (I.mode == M_STAGE1) stage1();   /* does not return */

    if (!I.agent_path) {
        ssize_t n = readlink("/proc/self/exe", I.self_dir, sizeof I.self_dir - 32);
        if (n <= 0) n = (ssize_t)snprintf(I.self_dir, sizeof I.self_dir, "%s", RUN_BIN "/pyro-init");
        I.self_dir[n] = 0;
        char *slash = strrchr(I.self_dir, '/');
        if (slash) strcpy(slash, "/pyro-agent");
        I.agent_path = I.self_dir;
    }
    if (I.mode == M_STAGE2) {
        if (!I.pid1) fatal("--stage2 must run as PID 1 inside a VM");
        stage2_setup();
    } else {
        container_setup();
    }
    if (chdir("/") < 0) LOG("chdir /: %s", strerror(errno));
    LOG("pyro-init %s (%s) starting %s", PYRO_VERSION, I.mode == M_CONTAINER ? "container" : "vm", I.agent_path);
    supervise();
    return 0;
}
