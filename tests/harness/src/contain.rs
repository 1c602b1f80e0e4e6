//! Containment: whatever a program under test does, its test ends with a true
//! verdict and nothing it started outlives the test.
//!
//! A program may fork, double-fork, call `setsid` or `setpgid`, ignore SIGTERM:
//! killing its process group is not enough. So the test process makes itself a
//! *child subreaper* (`PR_SET_CHILD_SUBREAPER`): every orphan in the tree below
//! it is re-parented to it instead of to init, so every descendant of every
//! program under test stays somewhere in the tree rooted at the test process,
//! and can be found in `/proc`.
//!
//! Each program the harness spawns is registered here with a token put in its
//! environment (`IPC_KIT_OWNER`), which its descendants inherit. A *family* is
//! the program, everything below it in the process tree, everything in its
//! process group, and every orphan that carries its token. An orphan that
//! carries no live program's token is an escapee nobody may keep (a program
//! under test never daemonizes) and is killed.
//!
//! Exit statuses are only ever collected for known pids (`waitpid(pid)`), never
//! with `waitpid(-1)`: that would steal the statuses `Child::wait` relies on.
//! Tests run as threads of one process, so nothing here kills another test's
//! live programs.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::Duration;

/// The environment variable that marks a program's descendants as its own.
pub(crate) const OWNER_VAR: &str = "IPC_KIT_OWNER";

/// The memory a program and all its processes may use together (resident set,
/// summed). Far above what any correct program of the kit needs, in any language.
pub const MEMORY_CEILING: u64 = 1 << 30;

/// How often the watcher samples the families' memory.
const SAMPLE_EVERY: Duration = Duration::from_millis(200);

/// What the harness saw a program do that fails its test whatever else
/// happens (a flood on stdout, the memory ceiling, a server that exited).
/// Reports quote these, and dropping the program fails the test if any.
pub type Seen = Arc<Mutex<Vec<String>>>;

/// A program the harness spawned and has not yet cleaned up.
struct Entry {
    pid: u32,
    token: String,
    seen: Seen,
}

static LIVE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
static NEXT: AtomicU64 = AtomicU64::new(1);
static INIT: Once = Once::new();

/// Makes the test process a subreaper, lets it open as many files as its hard
/// limit allows (2,000 chat clients need them), and starts the memory watcher.
fn init() {
    INIT.call_once(|| {
        // SAFETY: prctl and setrlimit with plain integer arguments.
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
            let mut files: libc::rlimit = std::mem::zeroed();
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut files) == 0 {
                files.rlim_cur = files.rlim_max;
                libc::setrlimit(libc::RLIMIT_NOFILE, &files);
            }
        }
        thread::Builder::new()
            .name("harness-watcher".into())
            .spawn(watch_memory)
            .expect("start the harness's memory watcher");
    });
}

/// A program, registered: dropping it kills its whole family and forgets it.
pub(crate) struct Contained {
    pub pid: u32,
    token: String,
    pub seen: Seen,
}

/// Spawns `command` and registers it, under the registry's lock, so that the
/// sweep never mistakes a child being born for an escapee.
pub(crate) fn spawn(command: &mut Command) -> std::io::Result<(Child, Contained)> {
    init();
    let token = format!(
        "{}.{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    command.env(OWNER_VAR, &token);
    let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    let child = command.spawn()?;
    let seen: Seen = Arc::default();
    live.push(Entry {
        pid: child.id(),
        token: token.clone(),
        seen: Arc::clone(&seen),
    });
    let contained = Contained {
        pid: child.id(),
        token,
        seen,
    };
    Ok((child, contained))
}

/// Runs `write` while no program can be started: for writing a program
/// file that a test will run. A program started by another test's thread
/// meanwhile would inherit the open file until its own `exec` (the
/// descriptor closes on exec, not on fork), and the kernel refuses to run a
/// file open for writing: "Text file busy". Every start takes this lock.
pub(crate) fn without_spawning<T>(write: impl FnOnce() -> T) -> T {
    let _live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    write()
}

impl Contained {
    /// The live processes of this program's family, the program itself
    /// included while it runs (zombies have exited and are left out).
    pub fn family(&self) -> Vec<u32> {
        let table = Table::read();
        table.family(self.pid, &self.token)
    }

    /// The family, less the program itself: what it left running.
    pub fn leftovers(&self) -> Vec<u32> {
        let mut family = self.family();
        family.retain(|&pid| pid != self.pid);
        family
    }

    /// A handle for another thread to stop the family with.
    pub fn family_ref(&self) -> FamilyRef {
        FamilyRef {
            pid: self.pid,
            token: self.token.clone(),
        }
    }

    /// SIGKILLs the whole family, the program included.
    pub fn kill_all(&self) {
        kill_family(self.pid, &self.token, true);
    }
}

impl Drop for Contained {
    /// Forgets the program (its owner has killed its family already) and
    /// kills any orphan nobody owns now.
    fn drop(&mut self) {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        live.retain(|entry| entry.token != self.token);
        drop(live);
        sweep();
    }
}

/// A program's family, named for a thread that does not own the program.
#[derive(Clone)]
pub(crate) struct FamilyRef {
    pid: u32,
    token: String,
}

impl FamilyRef {
    /// The program and every live process it started ([`Contained::family`]).
    pub fn family(&self) -> Vec<u32> {
        Table::read().family(self.pid, &self.token)
    }

    /// SIGKILLs the whole family but the program itself (whose status its
    /// `Child` collects), until none is left, and reaps the orphans.
    pub fn kill_descendants(&self) {
        kill_family(self.pid, &self.token, false);
    }
}

fn note(seen: &Seen, what: String) {
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    if !seen.contains(&what) {
        seen.push(what);
    }
}

fn owners() -> HashSet<String> {
    let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    live.iter().map(|entry| entry.token.clone()).collect()
}

fn kill_family(pid: u32, token: &str, including_itself: bool) {
    for _round in 0..50 {
        let table = Table::read();
        let mut family = table.family(pid, token);
        if !including_itself {
            family.retain(|&p| p != pid);
        }
        if family.is_empty() {
            break;
        }
        for &member in &family {
            // SAFETY: kill has no memory-safety preconditions.
            unsafe { libc::kill(member as libc::pid_t, libc::SIGKILL) };
        }
        reap_orphans(&table, &family);
        // SIGKILL is not instant: let each die before looking again.
        for &member in &family {
            crate::process::exited_within(member, Duration::from_millis(200));
        }
    }
}

/// Kills every orphan that belongs to no live program: a descendant whose
/// program has been cleaned up, or one that hid its owner's token.
pub(crate) fn sweep() {
    let table = Table::read();
    let owners = owners();
    let live: HashSet<u32> = {
        let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        live.iter().map(|entry| entry.pid).collect()
    };
    let me = std::process::id();
    let mut strays = Vec::new();
    for (&pid, info) in &table.procs {
        if info.ppid == me && !live.contains(&pid) {
            let owned = token_of(pid).is_some_and(|token| owners.contains(&token));
            if !owned {
                strays.extend(table.subtree(pid));
            }
        }
    }
    for &pid in &strays {
        // SAFETY: kill has no memory-safety preconditions.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    }
    reap_orphans(&table, &strays);
}

/// Collects the exit status of those of `pids` that are orphans re-parented to
/// the test process (its own children that the harness never spawned), so no
/// zombie is left. Waits a little for each: SIGKILL is not instant.
fn reap_orphans(table: &Table, pids: &[u32]) {
    let me = std::process::id();
    let live: HashSet<u32> = {
        let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        live.iter().map(|entry| entry.pid).collect()
    };
    for &pid in pids {
        let ours = table.procs.get(&pid).is_some_and(|p| p.ppid == me);
        if ours && !live.contains(&pid) {
            crate::process::exited_within(pid, Duration::from_millis(500));
            let mut status = 0;
            // SAFETY: waitpid on one known pid, never -1.
            unsafe { libc::waitpid(pid as libc::pid_t, &mut status, libc::WNOHANG) };
        }
    }
}

/// The token in a process's environment, if it has one.
fn token_of(pid: u32) -> Option<String> {
    let environ = fs::read(format!("/proc/{pid}/environ")).ok()?;
    let prefix = format!("{OWNER_VAR}=");
    environ
        .split(|&b| b == 0)
        .find_map(|var| var.strip_prefix(prefix.as_bytes()))
        .map(|token| String::from_utf8_lossy(token).into_owned())
}

/// One process, as `/proc/PID/stat` shows it.
struct Proc {
    ppid: u32,
    pgid: u32,
    zombie: bool,
    /// Resident pages.
    rss_pages: u64,
}

/// A snapshot of every process on the machine.
struct Table {
    procs: HashMap<u32, Proc>,
}

impl Table {
    /// Every process below the test process: the only ones a program under
    /// test can have started, since orphans come back to the subreaper. Walks
    /// `/proc/PID/task/TID/children` down from the test process (cheap: a few
    /// files per process of the test), or reads all of `/proc` on a kernel
    /// without that file.
    fn read() -> Table {
        let me = std::process::id();
        let mut procs = HashMap::new();
        let mut todo = vec![me];
        let mut walked = false;
        while let Some(pid) = todo.pop() {
            let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
                continue;
            };
            for task in tasks.flatten() {
                let Ok(children) = fs::read_to_string(task.path().join("children")) else {
                    continue;
                };
                walked = true;
                for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                    if let Some(proc) = read_stat(child) {
                        procs.insert(child, proc);
                        todo.push(child);
                    }
                }
            }
        }
        if !walked {
            return Table::read_all();
        }
        Table { procs }
    }

    fn read_all() -> Table {
        let mut procs = HashMap::new();
        if let Ok(dir) = fs::read_dir("/proc") {
            for entry in dir.flatten() {
                let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
                    continue;
                };
                if let Some(proc) = read_stat(pid) {
                    procs.insert(pid, proc);
                }
            }
        }
        Table { procs }
    }

    /// `pid` and everything below it, zombies left out.
    fn subtree(&self, pid: u32) -> Vec<u32> {
        let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
        for (&p, info) in &self.procs {
            children.entry(info.ppid).or_default().push(p);
        }
        let mut found = Vec::new();
        let mut todo = vec![pid];
        let mut visited = HashSet::new();
        while let Some(p) = todo.pop() {
            if !visited.insert(p) {
                continue;
            }
            if self.procs.get(&p).is_some_and(|info| !info.zombie) {
                found.push(p);
            }
            todo.extend(children.get(&p).into_iter().flatten());
        }
        found
    }

    /// The family of the program `pid` with `token` (see the module's doc).
    fn family(&self, pid: u32, token: &str) -> Vec<u32> {
        let me = std::process::id();
        let mut family: HashSet<u32> = self.subtree(pid).into_iter().collect();
        for (&p, info) in &self.procs {
            if info.zombie || p == me {
                continue;
            }
            if info.pgid == pid {
                family.extend(self.subtree(p));
            } else if info.ppid == me && p != pid {
                // An orphan: whose is it?
                if token_of(p).as_deref() == Some(token) {
                    family.extend(self.subtree(p));
                }
            }
        }
        let mut family: Vec<u32> = family.into_iter().collect();
        family.sort_unstable();
        family
    }

    /// Resident bytes over `pids`.
    fn rss(&self, pids: &[u32]) -> u64 {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
        pids.iter()
            .filter_map(|p| self.procs.get(p))
            .map(|info| info.rss_pages * page)
            .sum()
    }
}

fn read_stat(pid: u32) -> Option<Proc> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name (field 2) is in parentheses and may hold spaces: split after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // After the name: state(3) ppid(4) pgrp(5) … rss(24), counted from 1.
    Some(Proc {
        zombie: fields.first()? == &"Z" || fields.first()? == &"X",
        ppid: fields.get(1)?.parse().ok()?,
        pgid: fields.get(2)?.parse().ok()?,
        rss_pages: fields.get(21)?.parse().ok()?,
    })
}

/// Samples every live family's memory; a family over [`MEMORY_CEILING`] is
/// killed and its test told why. Kills orphans nobody owns as it goes.
fn watch_memory() {
    loop {
        thread::sleep(SAMPLE_EVERY); // pace: a sampling period, not a wait for readiness
        sweep();
        let entries: Vec<(u32, String, Seen)> = {
            let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
            live.iter()
                .map(|e| (e.pid, e.token.clone(), Arc::clone(&e.seen)))
                .collect()
        };
        if entries.is_empty() {
            continue;
        }
        let table = Table::read();
        for (pid, token, seen) in entries {
            let family = table.family(pid, &token);
            let rss = table.rss(&family);
            if rss > MEMORY_CEILING {
                note(
                    &seen,
                    format!(
                        "it used more than {} MiB of memory ({} MiB resident over its {} \
                         process(es)): the harness stopped it. Does it keep everything it \
                         reads, or read a whole line before checking its length?",
                        MEMORY_CEILING >> 20,
                        rss >> 20,
                        family.len()
                    ),
                );
                kill_family(pid, &token, true);
            }
        }
    }
}

/// The inodes of the sockets bound to local `port`, TCP or UDP, v4 or v6.
fn sockets_on_port(port: u16) -> HashSet<u64> {
    let mut inodes = HashSet::new();
    for table in ["tcp", "tcp6", "udp", "udp6"] {
        let Ok(text) = fs::read_to_string(format!("/proc/net/{table}")) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(inode)) = (fields.get(1), fields.get(9)) else {
                continue;
            };
            let local_port = local
                .rsplit(':')
                .next()
                .and_then(|hex| u16::from_str_radix(hex, 16).ok());
            if local_port == Some(port) {
                if let Ok(inode) = inode.parse() {
                    inodes.insert(inode);
                }
            }
        }
    }
    inodes
}

/// Whether any process of the family holds a socket bound to `port`. A
/// snapshot of `/proc` is not atomic: a program that hands its socket to a
/// child and exits can be between the two as it is read. So a "no" is looked
/// at again for a moment; a program that holds its socket throughout is seen
/// at once, and one that never held it fails within [`RECHECK`].
pub(crate) fn family_holds_port(contained: &Contained, port: u16) -> bool {
    let until = std::time::Instant::now() + RECHECK;
    loop {
        if holds_port_now(contained, port) {
            return true;
        }
        if std::time::Instant::now() >= until {
            return false;
        }
        thread::sleep(Duration::from_millis(20)); // pace: a second look, not a wait for readiness
    }
}

/// How long a ready line's port is looked for before the program is called a liar.
const RECHECK: Duration = Duration::from_millis(300);

fn holds_port_now(contained: &Contained, port: u16) -> bool {
    let mut unknown = false;
    for pid in contained.family() {
        match socket_ports(pid) {
            Some(ports) if ports.contains(&port) => return true,
            Some(_) => {}
            None => unknown = true,
        }
    }
    // A kernel without pidfd_getfd (before 5.6): ask /proc/net instead, which
    // is slower (it lists every socket of the machine).
    unknown && holds_port_by_inode(contained, port)
}

/// The local ports of the sockets process `pid` holds, read by borrowing each
/// socket (`pidfd_getfd`) and asking it (`getsockname`); `None` if the kernel
/// will not lend them.
fn socket_ports(pid: u32) -> Option<Vec<u16>> {
    let fds = fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) } as i32;
    if pidfd < 0 {
        return Some(Vec::new()); // gone: it holds nothing
    }
    let mut ports = Vec::new();
    let mut lent = true;
    for fd in fds.flatten() {
        let is_socket = fs::read_link(fd.path())
            .is_ok_and(|target| target.to_string_lossy().starts_with("socket:["));
        let Some(number) = fd.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        if !is_socket {
            continue;
        }
        // SAFETY: pidfd_getfd duplicates descriptor `number` of the process
        // behind `pidfd` into this one; we close the copy below.
        let ours = unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd, number, 0) } as i32;
        if ours < 0 {
            lent = false;
            continue;
        }
        if let Some(port) = local_port(ours) {
            ports.push(port);
        }
        // SAFETY: our own copy, closed once.
        unsafe { libc::close(ours) };
    }
    // SAFETY: our own descriptor, closed once.
    unsafe { libc::close(pidfd) };
    lent.then_some(ports)
}

/// The local port of socket `fd` (IPv4 or IPv6), if it is bound to one.
fn local_port(fd: i32) -> Option<u16> {
    // SAFETY: getsockname writes at most `len` bytes into storage we own.
    unsafe {
        let mut storage: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        if libc::getsockname(fd, &mut storage as *mut _ as *mut libc::sockaddr, &mut len) != 0 {
            return None;
        }
        match storage.ss_family as i32 {
            libc::AF_INET => {
                let addr = &*(&storage as *const _ as *const libc::sockaddr_in);
                Some(u16::from_be(addr.sin_port))
            }
            libc::AF_INET6 => {
                let addr = &*(&storage as *const _ as *const libc::sockaddr_in6);
                Some(u16::from_be(addr.sin6_port))
            }
            _ => None,
        }
    }
}

/// The same question through `/proc/net`: the inodes of the sockets bound to
/// `port`, against the family's socket descriptors.
fn holds_port_by_inode(contained: &Contained, port: u16) -> bool {
    let inodes = sockets_on_port(port);
    if inodes.is_empty() {
        return false;
    }
    contained.family().into_iter().any(|pid| {
        let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
            return false;
        };
        fds.flatten().any(|fd| {
            fs::read_link(fd.path())
                .ok()
                .and_then(|target| {
                    let target = target.to_string_lossy().into_owned();
                    target
                        .strip_prefix("socket:[")
                        .and_then(|rest| rest.strip_suffix(']'))
                        .and_then(|inode| inode.parse::<u64>().ok())
                })
                .is_some_and(|inode| inodes.contains(&inode))
        })
    })
}
