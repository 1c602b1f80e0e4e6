//! Running test binaries straight, several at once, the longest first.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::cargo::{self, TestRun};

/// How many test binaries run at once. Most of a fault's run is waiting on a
/// socket or a deadline (a hostile fixture's 4 s of silence), so eight share
/// two cores well: on a loaded 2-core machine, 01-latency took 9.6 s with
/// three and 8.0 s with five, 06-calculator 13.4 s and 10.0 s.
const POOL: usize = 8;

/// Runs `work` on every job, [`POOL`] at a time, and returns the results in
/// the jobs' order, each with how long it took. The jobs start in the order
/// of `expected` (the seconds each is expected to take), the longest first:
/// a 4 s job started last would keep the pool open 4 s after everything
/// else is done.
pub fn in_pool<J: Sync, R: Send>(
    jobs: &[J],
    expected: &[f64],
    work: impl Fn(&J) -> R + Sync,
) -> Vec<(R, Duration)> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by(|a, b| expected[*b].total_cmp(&expected[*a]));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<(R, Duration)>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..POOL.min(jobs.len()) {
            scope.spawn(|| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let started = Instant::now();
                    let result = work(&jobs[i]);
                    results.lock().unwrap()[i] = Some((result, started.elapsed()));
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect()
}

/// Runs a test binary with libtest's `args`, in `cwd`, with `env` set and
/// every other `IPC_KIT_*` override cleared (cargo would hold its build lock
/// for the whole run, one run at a time).
pub fn run_tests(
    binary: &Path,
    cwd: &Path,
    env: &[(String, String)],
    args: &[&str],
) -> Result<TestRun, String> {
    let mut command = Command::new(binary);
    command.current_dir(cwd);
    cargo::scrub(&mut command);
    command
        .env("PATH", path_with_python_first())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args)
        .args(["--color", "never"])
        .stdin(Stdio::null());
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let mut run = cargo::parse(&text);
    run.elapsed = started.elapsed();
    run.build_failed = !output.status.success() && run.results.is_empty();
    run.output = text;
    Ok(run)
}

/// `PATH`, with the directory of the interpreter `python3` stands for put
/// first. A version manager's `python3` on `PATH` (pyenv's shim, asdf's)
/// is a script that looks up the version, then starts the interpreter: on
/// the kit's machine 0.1 s of CPU for every start, against 0.01 s, and the
/// faults and foreign programs of 07 and 08 start Python hundreds of times
/// (the Python group-chat peer's suite: 10.0 s of CPU through the shim,
/// 7.4 s without). It is the same interpreter, asked once where it lives.
fn path_with_python_first() -> &'static std::ffi::OsString {
    static PATH: OnceLock<std::ffi::OsString> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let found = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        let Some(exe) = found
            .ok()
            .filter(|out| out.status.success())
            .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
            .filter(|exe| exe.is_absolute())
        else {
            return path;
        };
        // Already the first `python3` on PATH: nothing to change.
        let first = std::env::split_paths(&path)
            .map(|dir| dir.join("python3"))
            .find(|candidate| candidate.is_file());
        let same = |a: &Path, b: &Path| a.canonicalize().ok() == b.canonicalize().ok();
        if first.is_none_or(|first| same(&first, &exe)) {
            return path;
        }
        let Some(dir) = exe.parent() else {
            return path;
        };
        let mut dirs = vec![dir.to_path_buf()];
        dirs.extend(std::env::split_paths(&path));
        std::env::join_paths(dirs).unwrap_or(path)
    })
}
