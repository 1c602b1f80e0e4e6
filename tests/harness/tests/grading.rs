//! The harness under grading: `IPC_KIT_SANDBOX` runs every program as an
//! unprivileged user, and `IPC_KIT_REQUIRE_BIN` refuses any program not given
//! through its override. Both are process-wide variables, so this file is a
//! test binary of its own with one test, which sets them.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::panic::{catch_unwind, AssertUnwindSafe};

use harness::{Client, Program, Server};

/// `nobody` on Debian.
const UID: u32 = 65534;

#[test]
fn programs_run_as_the_sandbox_user_and_must_be_provided() {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("skipped: only root can run programs as another user");
        return;
    }
    std::env::set_var(harness::SANDBOX_VAR, format!("{UID}:{UID}"));

    // What the tests hand over is the sandbox user's, and private.
    let scratch = harness::scratch_dir("ipc-kit-grading-");
    let meta = std::fs::metadata(scratch.path()).unwrap();
    assert_eq!((meta.uid(), meta.mode() & 0o777), (UID, 0o700));

    // Something of root's it must not read, a process it must not signal.
    let private = tempfile_dir();
    std::fs::write(private.join("solution.rs"), "fn main() {}").unwrap();
    let code = format!(
        "import os, resource\n\
         print(os.getuid(), os.getgid(), os.getgroups())\n\
         print(resource.getrlimit(resource.RLIMIT_NPROC))\n\
         try:\n    open('{}/solution.rs').read(); print('read the kit')\n\
         except PermissionError: print('kit unreadable')\n\
         try:\n    os.kill({}, 0); print('signalled the grader')\n\
         except PermissionError: print('grader out of reach')\n\
         open('{}/mine', 'w').write('ok'); print('scratch writable')",
        private.display(),
        std::process::id(),
        scratch.path().display(),
    );
    let run = Client::new(Program::new("sandboxed-python", "/usr/bin/python3"))
        .args(["-c", &code])
        .run();
    run.expect_code(0, "the probe exits 0");
    assert_eq!(
        run.stdout(),
        format!(
            "{UID} {UID} []\n(8192, 8192)\nkit unreadable\ngrader out of reach\nscratch writable\n"
        ),
        "{}",
        run.stderr()
    );
    std::fs::remove_dir_all(&private).unwrap();

    // A program the submission did not provide fails by name.
    std::env::set_var(harness::REQUIRE_BIN_VAR, "1");
    let err = catch_unwind(AssertUnwindSafe(|| {
        Server::start(Program::new("latency-server", "/bin/true"), &[]);
    }))
    .expect_err("a missing program must fail the test");
    let report = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        report.contains("program latency-server not provided"),
        "{report}"
    );
}

/// A directory only root may enter.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ipc-kit-private-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}
