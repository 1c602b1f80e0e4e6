//! Grading's sandbox, as the harness sees it. Only `cargo xtask grade` sets
//! these variables; a student's `cargo test` has neither.
//!
//! - `IPC_KIT_SANDBOX=<uid>:<gid>`: every program under test runs as that
//!   unprivileged user (no supplementary groups, a process cap), so it cannot
//!   write or read the kit, the test binaries or the report, nor signal the test
//!   process. What the tests hand over to a program (scratch directories, shm
//!   blocks) is made that user's.
//! - `IPC_KIT_REQUIRE_BIN=1`: every program must come through its
//!   `IPC_KIT_BIN_<NAME>` override; one that does not fails its tests with
//!   "program X not provided", never falling back to a binary of the kit.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The variable naming the sandbox user.
pub const SANDBOX_VAR: &str = "IPC_KIT_SANDBOX";

/// The variable that makes every program's override required.
pub const REQUIRE_BIN_VAR: &str = "IPC_KIT_REQUIRE_BIN";

/// How many processes (threads count) the sandbox user may have at once: far
/// more than a thread-per-client server with 2,000 clients needs, far fewer than
/// a fork bomb wants.
pub const SANDBOX_NPROC: u64 = 8192;

/// The user and group programs run as under grading, if any.
pub fn user() -> Option<(u32, u32)> {
    let value = std::env::var(SANDBOX_VAR).ok()?;
    let (uid, gid) = value.split_once(':')?;
    let ids = (uid.trim().parse().ok()?, gid.trim().parse().ok()?);
    // Root is no sandbox: refuse to pretend.
    (ids.0 != 0).then_some(ids)
}

/// Whether every program must be given through its override.
pub fn overrides_required() -> bool {
    std::env::var_os(REQUIRE_BIN_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Hands `path` (a file, a shm block's file or a directory) to the sandbox
/// user, if there is one: its owner becomes that user, so the program under
/// test can use it and nobody else of its kind can.
pub fn hand_over(path: &Path) {
    if let Some((uid, gid)) = user() {
        if let Err(err) = std::os::unix::fs::chown(path, Some(uid), Some(gid)) {
            panic!(
                "harness: could not hand {} to the sandbox user {uid}: {err}",
                path.display()
            );
        }
    }
}

/// Hands an open descriptor (a shm block) to the sandbox user, if any.
pub(crate) fn hand_over_fd(fd: libc::c_int) {
    if let Some((uid, gid)) = user() {
        // SAFETY: fchown on a descriptor the caller owns.
        if unsafe { libc::fchown(fd, uid, gid) } != 0 {
            panic!(
                "harness: could not hand a shared-memory block to the sandbox user {uid}: {}",
                std::io::Error::last_os_error()
            );
        }
    }
}

/// A directory of a test's, removed when dropped.
pub type ScratchDir = tempfile::TempDir;

/// A fresh scratch directory for a test (`/tmp/<prefix>XXXX`, mode 0700),
/// removed when dropped, owned by the sandbox user under grading. Every
/// directory a test hands to a program under test comes from here.
pub fn scratch_dir(prefix: &str) -> ScratchDir {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("a temporary directory");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
        .expect("make the scratch directory private");
    hand_over(dir.path());
    dir
}
