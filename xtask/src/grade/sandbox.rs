//! The sandbox user: who the programs under test run as when grade runs as
//! root, and how grade checks and cleans up after that user.
//!
//! grade itself never drops its rights: it hands the harness the user's
//! uid:gid (`IPC_KIT_SANDBOX`), and the harness spawns every program under
//! test as that user. Here grade checks, as that user, that the kit is out of
//! its reach, and kills every process of that user after each test. A lock
//! file per user keeps two grades from killing each other's programs: the
//! second waits for the first.

use std::ffi::CString;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The unprivileged user the programs under test run as.
pub const USER: &str = "ipc-kit-student";

/// The command that creates it (what `.ci/sandbox-user` runs).
pub const CREATE: &str =
    "useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ipc-kit-student";

pub enum Sandbox {
    /// Not root: the programs run as the person grading.
    None,
    User {
        uid: libc::uid_t,
        gid: libc::gid_t,
        /// Held while grading: flock(2) on a file of this user.
        _lock: File,
    },
}

impl Sandbox {
    /// The sandbox grading uses: the user when grade runs as root (which must
    /// then exist), none otherwise.
    pub fn choose() -> Result<Sandbox, String> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Ok(Sandbox::None);
        }
        let name = CString::new(USER).expect("no NUL");
        // SAFETY: getpwnam reads the user database; the entry is copied out at once.
        let entry = unsafe { libc::getpwnam(name.as_ptr()) };
        if entry.is_null() {
            return Err(format!(
                "grade runs as root, and runs the programs it grades as the user {USER}, which does not \
                 exist: create it with `{CREATE}` (or run .ci/sandbox-user), then grade again"
            ));
        }
        // SAFETY: a non-null entry from getpwnam.
        let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
        let dir = if Path::new("/run").is_dir() {
            "/run"
        } else {
            "/tmp"
        };
        let path = format!("{dir}/ipc-kit-sandbox-{uid}.lock");
        let lock = File::create(&path).map_err(|e| format!("{path}: {e}"))?;
        use std::os::fd::AsRawFd;
        // SAFETY: flock on a descriptor we own; it blocks until the other grade is done.
        if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(format!("{path}: {}", std::io::Error::last_os_error()));
        }
        Ok(Sandbox::User {
            uid,
            gid,
            _lock: lock,
        })
    }

    /// The report's line about it.
    pub fn line(&self) -> String {
        match self {
            Sandbox::None => {
                "sandbox: none (not root: fine for checking your own work, not for grading others')"
                    .to_string()
            }
            Sandbox::User { uid, .. } => format!("sandbox: user {USER} (uid {uid})"),
        }
    }

    /// `IPC_KIT_SANDBOX`'s value for the harness.
    pub fn env(&self) -> Option<String> {
        match self {
            Sandbox::None => None,
            Sandbox::User { uid, gid, .. } => Some(format!("{uid}:{gid}")),
        }
    }

    /// Which of `paths` (that exist) the user can open: each one a gap.
    pub fn readable(&self, paths: &[&Path]) -> Vec<String> {
        let Sandbox::User { uid, gid, .. } = self else {
            return Vec::new();
        };
        paths
            .iter()
            .filter(|path| path.exists())
            .filter(|path| {
                let c = CString::new(path.as_os_str().as_bytes()).expect("no NUL in a path");
                as_user(*uid, *gid, || {
                    // SAFETY: open/close are async-signal-safe; `c` was made before fork.
                    let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDONLY) };
                    i32::from(fd >= 0)
                }) != 0
            })
            .map(|path| format!("{USER} can read {}", path.display()))
            .collect()
    }

    /// Kills every process of the user until none is left; how many there were.
    pub fn kill_all(&self) -> usize {
        let Sandbox::User { uid, gid, .. } = self else {
            return 0;
        };
        let first = of_user(*uid);
        for _ in 0..100 {
            if of_user(*uid) == 0 {
                break;
            }
            // kill(-1) as the user reaches exactly the user's processes.
            // SAFETY: kill is async-signal-safe.
            as_user(*uid, *gid, || unsafe { libc::kill(-1, libc::SIGKILL) });
        }
        first
    }
}

/// How many processes `uid` owns now.
fn of_user(uid: libc::uid_t) -> usize {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter(|e| e.metadata().is_ok_and(|m| m.uid() == uid))
        .count()
}

/// Runs `f` in a child process that has become `uid`:`gid` with no other
/// groups; its result (0..=255), or 255 when the child could not get there.
/// `f` runs after fork in a threaded process: async-signal-safe calls only.
fn as_user(uid: libc::uid_t, gid: libc::gid_t, f: impl FnOnce() -> i32) -> i32 {
    // SAFETY: the child calls only async-signal-safe functions, then _exit.
    unsafe {
        let pid = libc::fork();
        if pid == 0 {
            let dropped = libc::setgroups(0, std::ptr::null()) == 0
                && libc::setgid(gid) == 0
                && libc::setuid(uid) == 0;
            libc::_exit(if dropped { f() & 0xff } else { 255 });
        }
        if pid < 0 {
            return 255;
        }
        let mut status = 0;
        libc::waitpid(pid, &mut status, 0);
        if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            255
        }
    }
}
