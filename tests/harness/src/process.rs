//! Running the programs under test: servers that stay up for a test, and
//! clients that run to completion. Both under deadlines, both cleaned up.
//!
//! Every program starts in its own process group and is registered with
//! [`crate::contain`], which finds and kills everything it started however it
//! detached. It also gets `PR_SET_PDEATHSIG`: if the test thread that started
//! it ends without cleaning up (a killed test run), the kernel kills it. That
//! signal fires when the spawning *thread* ends, which is why servers are
//! started by the test that uses them, never kept in a static.
//!
//! Its output is read by [`crate::capture`], capped; its memory is watched; a
//! server's ready line must name a socket it holds; a server that exits while
//! its test still needs it fails that test.

use std::ffi::OsString;
use std::io::Write;
use std::net::SocketAddr;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::busy::Patience;
use crate::capture::{self, flood_verdict, Next};
use crate::contain::{self, Contained};
use crate::report::{escape, Context, Failure};
use crate::{sandbox, PATIENCE};

/// How much of a server's stderr a report can quote.
const STDERR_KEPT: usize = 16 * 1024;

/// How much of a client's stderr a test can read (the last of it).
const CLIENT_STDERR_KEPT: usize = 1 << 20;

/// CPU seconds a program may use: far more than any test lasts, so only a
/// program spinning in a loop that nobody stops ever meets it.
const CPU_SECONDS: u64 = 120;

/// How long a program gets to exit after SIGTERM before it gets SIGKILL.
const GRACE: Duration = Duration::from_secs(1);

/// A binary under test: the one cargo built, or the one named by the
/// `IPC_KIT_BIN_<NAME>` environment variable. Use [`crate::program!`].
#[derive(Clone, Debug)]
pub struct Program {
    name: String,
    /// `None` under grading when the submission did not provide it.
    path: Option<PathBuf>,
    /// Given through `IPC_KIT_BIN_<NAME>` rather than built by cargo.
    overridden: bool,
}

impl Program {
    /// `name` is the binary's name (`latency-server`), `built` the path cargo
    /// gave it. The override variable wins when it is set; under grading
    /// (`IPC_KIT_REQUIRE_BIN`) it is the only way a program is found.
    pub fn new(name: &str, built: &str) -> Program {
        let var = Program::override_var(name);
        let (path, overridden) = match std::env::var_os(&var) {
            Some(path) if !path.is_empty() => {
                eprintln!("harness: {name} is {} (from {var})", path.to_string_lossy());
                (Some(PathBuf::from(path)), true)
            }
            _ if sandbox::overrides_required() => (None, false),
            _ => (Some(PathBuf::from(built)), false),
        };
        Program {
            name: name.to_string(),
            path,
            overridden,
        }
    }

    /// A program of the system that a test runs as a tool (`script`, `sh`),
    /// not a program under test: never replaced, never required from a
    /// submission. Under grading it still runs as the sandbox user.
    pub fn system(name: &str, path: &str) -> Program {
        Program {
            name: name.to_string(),
            path: Some(PathBuf::from(path)),
            overridden: false,
        }
    }

    /// The path of the program under test (the override's, or cargo's build),
    /// for a test that hands it to a tool; fails the test when grading did not
    /// get it from the submission.
    pub fn path(&self) -> PathBuf {
        self.path_or_fail(&self.path_text())
    }

    /// The same program, copied into `dir` under its own file name, to run
    /// from there: for a test of what a program finds next to itself (the
    /// coordinator's default worker). The copy is the sandbox user's.
    pub fn copied_into(&self, dir: &Path) -> Program {
        let path = self.path();
        let copy = dir.join(path.file_name().unwrap_or(self.name.as_ref()));
        if let Err(err) = contain::without_spawning(|| std::fs::copy(&path, &copy)) {
            panic!(
                "harness: could not copy {} to {}: {err}",
                path.display(),
                copy.display()
            );
        }
        sandbox::hand_over(&copy);
        Program {
            name: self.name.clone(),
            path: Some(copy),
            overridden: self.overridden,
        }
    }

    /// The variable that replaces this program: `IPC_KIT_BIN_LATENCY_SERVER`.
    pub fn override_var(name: &str) -> String {
        format!("IPC_KIT_BIN_{}", name.to_uppercase().replace('-', "_"))
    }

    /// The binary's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn path_text(&self) -> String {
        match &self.path {
            Some(path) => path.to_string_lossy().into_owned(),
            None => format!("({} not provided)", self.name),
        }
    }

    /// The command line, for reports.
    pub(crate) fn command_line(&self, args: &[OsString]) -> String {
        let mut line = self.path_text();
        for arg in args {
            line.push(' ');
            line.push_str(&shell_quote(&arg.to_string_lossy()));
        }
        line
    }

    /// How a student runs this program by hand with these arguments: through
    /// cargo when cargo built it, by its own path when it was given through
    /// `IPC_KIT_BIN_<NAME>` (a Python script, a C program).
    pub fn cargo_run_line(&self, args: &[String]) -> String {
        let mut line = match (&self.path, self.overridden) {
            (Some(path), true) => shell_quote(&path.to_string_lossy()),
            _ => format!("cargo run -q --bin {} --", self.name),
        };
        for arg in args {
            line.push(' ');
            line.push_str(&shell_quote(arg));
        }
        line
    }

    /// Fails the test when grading did not get this program from the submission.
    fn path_or_fail(&self, command: &str) -> PathBuf {
        match &self.path {
            Some(path) => path.clone(),
            None => Failure::new(format!(
                "program {} not provided: the submission has no build of it and no executable \
                 `bin/{}`, so every test that runs it fails",
                self.name, self.name
            ))
            .with("program", command)
            .raise(),
        }
    }

    /// A command for this program that starts in its own process group, dies
    /// with the thread that spawns it, and runs as grading's sandbox user when
    /// there is one.
    pub(crate) fn command(&self, args: &[OsString]) -> Command {
        let mut command = Command::new(self.path_or_fail(&self.command_line(args)));
        // A backtrace in the stderr tail of a report buries the panic message.
        command
            .args(args)
            .process_group(0)
            .env("RUST_BACKTRACE", "0");
        let sandboxed = sandbox::user();
        if let Some((uid, gid)) = sandboxed {
            // std drops the supplementary groups when root sets a uid, and runs
            // the closure below after the switch, so PR_SET_PDEATHSIG (which a
            // change of credentials clears) is set last.
            command
                .uid(uid)
                .gid(gid)
                .env("PATH", "/usr/local/bin:/usr/bin:/bin")
                .env("HOME", "/tmp");
        }
        // SAFETY: prctl, setrlimit and getppid are async-signal-safe, as
        // pre_exec requires.
        let parent = std::process::id() as libc::pid_t;
        unsafe {
            command.pre_exec(move || {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                let cpu = libc::rlimit {
                    rlim_cur: CPU_SECONDS,
                    rlim_max: CPU_SECONDS + 10,
                };
                libc::setrlimit(libc::RLIMIT_CPU, &cpu);
                // Only for the sandbox user: as root it is ignored, and on a
                // laptop it would count every thread the student owns.
                if sandboxed.is_some() {
                    let procs = libc::rlimit {
                        rlim_cur: sandbox::SANDBOX_NPROC,
                        rlim_max: sandbox::SANDBOX_NPROC,
                    };
                    libc::setrlimit(libc::RLIMIT_NPROC, &procs);
                }
                // The parent may have died before prctl: then nobody would kill us.
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
        command
    }
}

/// Quotes an argument for a shell command line shown in a report.
fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+[]".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// Sends `signal` to the process group led by `pid`.
fn signal_group(pid: u32, signal: libc::c_int) {
    // SAFETY: kill has no memory-safety preconditions; a dead group gives ESRCH.
    unsafe {
        libc::kill(-(pid as libc::pid_t), signal);
    }
}

/// Waits for `child` to exit, until `deadline`.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || !exited_within(child.id(), left) {
            return child.try_wait().ok().flatten();
        }
    }
}

/// Waits for `child` to exit within `waiting`'s patience, longer only while
/// it, or what it started, is still busy ([`crate::busy`]).
fn wait_patiently(
    child: &mut Child,
    contained: &Contained,
    waiting: &mut Patience,
) -> Option<ExitStatus> {
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        let Some(wait) = waiting.next_wait(|| contained.family()) else {
            return child.try_wait().ok().flatten();
        };
        exited_within(child.id(), wait);
    }
}

/// Waits until process `pid` has exited (any process, not only a child), for
/// at most `patience`; true if it has. A pidfd becomes readable when its
/// process exits, so this needs neither a signal handler nor a polling loop.
pub fn exited_within(pid: u32, patience: Duration) -> bool {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) } as libc::c_int;
    if fd < 0 {
        // ESRCH: no such process any more. Anything else (a kernel before
        // 5.3): ask whether it still exists.
        // SAFETY: kill with signal 0 only checks for existence.
        return unsafe { libc::kill(pid as libc::pid_t, 0) } != 0;
    }
    let deadline = Instant::now() + patience;
    let exited = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut poll = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let millis = left.as_millis().min(i32::MAX as u128) as libc::c_int;
        // SAFETY: one valid pollfd, for the length of the call.
        match unsafe { libc::poll(&mut poll, 1, millis) } {
            ready if ready > 0 => break true,
            0 => break false,
            _ if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {
                continue
            }
            _ => break false,
        }
    };
    // SAFETY: fd is ours and closed once.
    unsafe { libc::close(fd) };
    exited
}

/// Describes an exit status for a report: `exit code 101 (a panic)`.
pub fn describe_status(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(101), _) => "exit code 101 (a panic: a todo!() not yet done, or an unwrap)".into(),
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(libc::SIGXCPU)) => format!(
            "killed by SIGXCPU: it used more than {CPU_SECONDS} s of CPU time (a loop that never waits?)"
        ),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => "no exit code".into(),
    }
}

/// Spawns `command` contained, failing the test if it cannot start.
fn spawn(program: &Program, command: &mut Command, line: &str) -> (Child, Contained) {
    match contain::spawn(command) {
        Ok(spawned) => spawned,
        Err(err) => Failure::new(format!("could not start {}: {err}", program.name))
            .with("program", line)
            .raise(),
    }
}

/// A program running in the background for the length of a test: a server, or
/// a long-running program such as the shm writer. Dropping it stops it and
/// everything it started: SIGTERM to its process group, then SIGKILL to its
/// whole family after a grace period. Dropping it also fails the test if the
/// harness saw it break a rule of containment (a flood on stdout, the memory
/// ceiling, a server that exited while its test needed it).
pub struct Process {
    program: Program,
    command: String,
    args: Vec<String>,
    child: Child,
    contained: Contained,
    stdout: capture::Lines,
    stderr: capture::Capture,
    repro: Vec<String>,
    /// Set once the test (or the harness's cleanup) waits for it to end: its
    /// exit is then expected, not a server walking out on its test.
    waited: Arc<AtomicBool>,
}

impl Process {
    /// Starts `program` with `args`, stdout and stderr captured.
    pub fn spawn(program: Program, args: &[&str]) -> Process {
        Process::spawn_with(program, args, Stdio::null())
    }

    /// [`Process::spawn`] with stdin a pipe the test holds, for a program
    /// that reads what a user types while it serves: take it with
    /// [`Process::take_stdin`] (dropping it is the user's Ctrl-D).
    pub fn spawn_with_stdin(program: Program, args: &[&str]) -> Process {
        Process::spawn_with(program, args, Stdio::piped())
    }

    /// The write end of its stdin, once, when it was started with
    /// [`Process::spawn_with_stdin`] or [`Server::start_with_stdin`].
    pub fn take_stdin(&mut self) -> Option<std::process::ChildStdin> {
        self.child.stdin.take()
    }

    fn spawn_with(program: Program, args: &[&str], stdin: Stdio) -> Process {
        let os_args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let command = program.command_line(&os_args);
        let mut cmd = program.command(&os_args);
        cmd.stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let (mut child, contained) = spawn(&program, &mut cmd, &command);
        let pid = child.id();
        let seen = Arc::clone(&contained.seen);
        let stdout = capture::lines(child.stdout.take().unwrap(), move || {
            seen.lock().unwrap().push(flood_verdict());
            signal_group(pid, libc::SIGKILL);
        });
        let stderr = capture::tail(child.stderr.take().unwrap(), STDERR_KEPT);
        Process {
            repro: vec![
                program.cargo_run_line(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
            ],
            program,
            command,
            args: args.iter().map(|a| a.to_string()).collect(),
            child,
            contained,
            stdout,
            stderr,
            waited: Arc::default(),
        }
    }

    /// The context for failure reports about this program.
    pub fn context(&self) -> Context {
        Context {
            command: Some(self.command.clone()),
            name: Some(self.program.name.clone()),
            stderr: Some(Arc::clone(&self.stderr.bytes)),
            repro: self.repro.clone(),
            seen: Some(Arc::clone(&self.contained.seen)),
            family: Some(self.contained.family_ref()),
        }
    }

    /// Replaces the lines shown under "try it by hand".
    pub fn set_repro(&mut self, lines: Vec<String>) {
        self.repro = lines;
    }

    /// The process id (also the id of its process group).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The arguments it was started with.
    pub fn args(&self) -> &[String] {
        &self.args
    }

    /// The program it runs.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// It and every live process it started, however they detached.
    pub fn family(&self) -> Vec<u32> {
        self.contained.family()
    }

    /// The processes it started that are still running, however they
    /// detached (its own pid left out). Ask after it exited and before it is
    /// dropped: "its workers are still running".
    pub fn leftovers(&self) -> Vec<u32> {
        self.contained.leftovers()
    }

    /// Waits until the program is waiting for something (every thread of it
    /// asleep, next to no CPU used for a tenth of a second), or has exited:
    /// it is up, and looking for what the test will change next. Returns
    /// false if it was still busy after `at_most` (the test goes on then; it
    /// cannot fail a program for being slow to start).
    pub fn until_waiting(&self, at_most: Duration) -> bool {
        crate::busy::until_waiting(|| self.contained.family(), None, at_most)
    }

    /// Waits as [`Process::until_waiting`] does, but only once the program
    /// has woken up at least once from now: it has had a look at what the
    /// test just changed, and gone back to waiting (or exited).
    pub fn until_it_looked_again(&self, at_most: Duration) -> bool {
        let mark = crate::busy::runs(&self.contained.family());
        crate::busy::until_waiting(|| self.contained.family(), Some(mark), at_most)
    }

    /// The next line the program prints on stdout, without its line end.
    /// Fails the test if none comes within `patience` (longer only while it is
    /// still busy, as a cold interpreter starting up is: [`crate::busy`];
    /// `what` says what the test was waiting for), or if the program exits first.
    pub fn expect_stdout_line(&mut self, what: &str, patience: Duration) -> String {
        let mut waiting = Patience::new(patience);
        let mut wait = waiting
            .next_wait(|| self.contained.family())
            .unwrap_or_default();
        loop {
            match self.stdout.next(wait) {
                Next::Line(line) => {
                    let text = String::from_utf8_lossy(&line);
                    return text.trim_end_matches(['\n', '\r']).to_string();
                }
                Next::Flooded => self.fail(flood_verdict()),
                Next::Overrun(dropped) => self.fail(format!(
                    "it printed lines faster than the test read them while it waited for {what}: \
                     {dropped} unread lines (over {} MiB) were dropped, so the next line would \
                     not be what came next (is it printing the same message again and again?)",
                    capture::QUEUED_LIMIT >> 20
                )),
                Next::Nothing => {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        // It exited: take whatever it printed just before. The
                        // reader thread may not have reached it yet (under load it
                        // can lag well behind), so wait for the pipe to close, not
                        // for a fixed while; a child it left holding the pipe open
                        // bounds this at 2 s.
                        if let Next::Line(line) = self.stdout.next(Duration::from_secs(2)) {
                            let text = String::from_utf8_lossy(&line);
                            return text.trim_end_matches(['\n', '\r']).to_string();
                        }
                        self.fail(format!(
                            "it exited ({}) before printing {what}",
                            describe_status(status)
                        ));
                    }
                    match waiting.next_wait(|| self.contained.family()) {
                        Some(next) => wait = next,
                        None => self.fail(format!(
                            "no {what} on stdout within {} (is it flushed? `println!` is, \
                             a `print!` without a newline is not)",
                            waiting.describe()
                        )),
                    }
                }
                Next::Closed => match wait_until(&mut self.child, Instant::now() + PATIENCE) {
                    Some(status) => self.fail(format!(
                        "it exited ({}) before printing {what}",
                        describe_status(status)
                    )),
                    None => self.fail(format!("it closed its stdout before printing {what}")),
                },
            }
        }
    }

    /// Every line it has still to print, until it closes its stdout (it
    /// exits): what a test reads once the program is done, to check that
    /// nothing came that should not. Fails the test if stdout is still open
    /// after `patience` (`what` says why it should end).
    pub fn rest_of_stdout(&mut self, what: &str, patience: Duration) -> Vec<String> {
        let deadline = Instant::now() + patience;
        let mut lines = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.next(left.min(Duration::from_millis(50))) {
                Next::Line(line) => {
                    let text = String::from_utf8_lossy(&line);
                    lines.push(text.trim_end_matches(['\n', '\r']).to_string());
                }
                Next::Closed => return lines,
                Next::Flooded => self.fail(flood_verdict()),
                Next::Overrun(dropped) => self.fail(format!(
                    "it printed lines faster than the test read them: {dropped} unread lines \
                     were dropped"
                )),
                Next::Nothing if left.is_zero() => self.fail(format!(
                    "its stdout was still open after {:.1} s: {what}",
                    patience.as_secs_f64()
                )),
                Next::Nothing => {}
            }
        }
    }

    /// Waits for the program to exit by itself, until `patience` runs out.
    pub fn wait(&mut self, patience: Duration) -> Option<ExitStatus> {
        self.waited.store(true, Ordering::SeqCst);
        wait_until(&mut self.child, Instant::now() + patience)
    }

    /// Waits for the program to exit by itself, failing the test if it does
    /// not within `patience`; `what` says why it should have.
    pub fn expect_exit(&mut self, what: &str, patience: Duration) -> ExitStatus {
        match self.wait(patience) {
            Some(status) => status,
            None => self.fail(format!(
                "still running {:.1} s later: expected it to exit ({what})",
                patience.as_secs_f64()
            )),
        }
    }

    /// Sends SIGTERM to the program alone (not its group) and waits for it to
    /// exit, failing the test if it does not within `patience`.
    pub fn terminate(&mut self, patience: Duration) -> ExitStatus {
        self.waited.store(true, Ordering::SeqCst);
        // SAFETY: kill has no memory-safety preconditions.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        self.expect_exit("it was sent SIGTERM", patience)
    }

    /// Everything it wrote to stderr so far (the last 16 KiB).
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.bytes.lock().unwrap()).into_owned()
    }

    /// Everything it wrote to stderr (the last 16 KiB), once its stderr is
    /// closed (at most `patience`): after it exited, its last line may still be
    /// on its way from the pipe, which [`Process::stderr`] would miss.
    pub fn stderr_when_closed(&self, patience: Duration) -> String {
        self.stderr.wait_eof(Instant::now() + patience);
        self.stderr()
    }

    /// Fails the test with a report about this program.
    #[track_caller]
    pub fn fail(&mut self, headline: String) -> ! {
        // A program that has exited may still have its last words (a panic
        // message) in the pipe: let the capture thread read them first.
        if let Ok(Some(_)) = self.child.try_wait() {
            self.stderr
                .wait_eof(Instant::now() + Duration::from_secs(1));
        }
        Failure::new(headline).context(&self.context()).raise()
    }

    /// What the harness saw it do that fails its test, if anything.
    fn violations(&self) -> Vec<String> {
        self.contained.seen.lock().unwrap().clone()
    }

    fn stop(&mut self) {
        self.waited.store(true, Ordering::SeqCst);
        let pid = self.child.id();
        if let Ok(None) = self.child.try_wait() {
            signal_group(pid, libc::SIGTERM);
            let _ = wait_until(&mut self.child, Instant::now() + GRACE);
        }
        // Whatever else it started goes too, however it detached, and so does
        // the program if SIGTERM did not end it; then its own exit status is
        // collected (no zombie left).
        self.contained.kill_all();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.stop();
        let violations = self.violations();
        if !violations.is_empty() && !thread::panicking() {
            Failure::new(violations.join("; "))
                .context(&self.context())
                .raise();
        }
    }
}

/// A server under test, listening on a port the OS picked.
pub struct Server {
    process: Process,
    addr: SocketAddr,
}

impl Server {
    /// Starts `program` with `args` plus `--port 0` and waits (at most
    /// [`PATIENCE`]) for its `listening on <addr>` line. Fails the test at once,
    /// with its exit status and stderr, if it exits first, and if the address
    /// is not a socket the program (or a process it started) holds.
    pub fn start(program: Program, args: &[&str]) -> Server {
        Server::start_with(program, args, Stdio::null())
    }

    /// [`Server::start`] with stdin a pipe the test holds (see
    /// [`Process::take_stdin`]): a peer that listens and reads what its user
    /// types.
    pub fn start_with_stdin(program: Program, args: &[&str]) -> Server {
        Server::start_with(program, args, Stdio::piped())
    }

    fn start_with(program: Program, args: &[&str], stdin: Stdio) -> Server {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--port", "0"]);
        let mut process = Process::spawn_with(program, &all, stdin);
        let line = process.expect_stdout_line("`listening on <addr>` line", PATIENCE);
        let addr = line
            .strip_prefix("listening on ")
            .and_then(|addr| addr.trim().parse::<SocketAddr>().ok());
        let Some(addr) = addr else {
            Failure::new("the first line on stdout is not `listening on <addr>`")
                .got(line.as_bytes())
                .with(
                    "expected",
                    "\"listening on 127.0.0.1:40123\" (the address actually bound)",
                )
                .context(&process.context())
                .raise()
        };
        if addr.port() == 0 {
            process.fail(format!(
                "it printed port 0 (`{line}`): print the address the socket is bound to \
                 (`socket.local_addr()`), not the one asked for"
            ));
        }
        if !contain::family_holds_port(&process.contained, addr.port()) {
            process.fail(format!(
                "`{line}` names a port this program does not hold: no socket of it or of \
                 the processes it started is bound to port {}. Print the address of the \
                 socket you bound (`socket.local_addr()`), after binding it",
                addr.port()
            ));
        }
        watch_for_exit(&process);
        // Reproduce on the same port the test used.
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.extend(["--port".into(), addr.port().to_string()]);
        let start = process.program().cargo_run_line(&args);
        process.set_repro(vec![start]);
        Server { process, addr }
    }

    /// The address it printed.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The process, to wait for it, signal it or read its stderr.
    pub fn process(&mut self) -> &mut Process {
        &mut self.process
    }

    /// The context for failure reports, with a second repro line (`nc …`).
    pub fn context_with(&self, repro: &str) -> Context {
        let mut context = self.process.context();
        context
            .repro
            .push(format!("{repro}    # in a second terminal"));
        context
    }

    /// Fails the test unless the server is still running: a server lives on
    /// whatever a client sends.
    pub fn expect_alive(&mut self, after: &str) {
        if let Ok(Some(status)) = self.process.child.try_wait() {
            self.process.fail(format!(
                "the server exited ({}) after {after}: bad input must never end a server",
                describe_status(status)
            ));
        }
    }
}

/// A server lives for its whole test: when its own process exits by itself
/// (not by the harness's or the test's signal), everything it left behind is
/// stopped (a daemon it forked must not go on answering for it) and the test
/// fails, saying so. A test that expects the server to end says so by waiting
/// for it ([`Process::wait`], [`Process::terminate`]), which the harness sees
/// as the exit it asked for.
fn watch_for_exit(process: &Process) {
    let pid = process.pid();
    let seen = Arc::clone(&process.contained.seen);
    let waited = Arc::clone(&process.waited);
    let family = process.contained.family_ref();
    thread::spawn(move || {
        // Bounded: a server outliving an hour-long test has no test left.
        while !exited_within(pid, Duration::from_secs(3600)) {}
        if !waited.load(Ordering::SeqCst) {
            left_its_test(&seen, None);
            family.kill_descendants();
        }
    });
}

/// Records that a server exited by itself while its test still needed it.
fn left_its_test(seen: &contain::Seen, status: Option<ExitStatus>) {
    let mut seen = seen.lock().unwrap();
    if !seen.is_empty() {
        return; // the harness stopped it itself, and said why
    }
    let how = status
        .map(|s| format!(" ({})", describe_status(s)))
        .unwrap_or_default();
    seen.push(format!(
        "the server exited{how} while its test still needed it (a server runs until it is \
         stopped; one that forks into the background and exits has left its test)"
    ));
}

impl Drop for Server {
    /// The watcher may not have run yet: look once more before the cleanup.
    fn drop(&mut self) {
        let process = &mut self.process;
        if !process.waited.load(Ordering::SeqCst) {
            if let Ok(Some(status)) = process.child.try_wait() {
                left_its_test(&process.contained.seen, Some(status));
            }
        }
    }
}

/// A client run to completion: `Client::new(program!("latency-client"))
/// .args([...]).run()`.
pub struct Client {
    program: Program,
    args: Vec<OsString>,
    stdin: Vec<u8>,
    deadline: Duration,
    hold_stdin: bool,
}

impl Client {
    /// A run of `program` with no arguments, empty stdin and a 10 s deadline.
    pub fn new(program: Program) -> Client {
        Client {
            program,
            args: Vec::new(),
            stdin: Vec::new(),
            deadline: Duration::from_secs(10),
            hold_stdin: false,
        }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Client
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// What the client reads on stdin (then EOF).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Client {
        self.stdin = input.into();
        self
    }

    /// Keeps stdin open after writing it, until the client exits: the client
    /// never reads EOF there (a user who has not finished typing).
    pub fn hold_stdin_open(mut self) -> Client {
        self.hold_stdin = true;
        self
    }

    /// How long the run may take before the harness kills it.
    pub fn deadline(mut self, deadline: Duration) -> Client {
        self.deadline = deadline;
        self
    }

    /// Runs the client until it exits or its deadline passes (then everything
    /// it started is killed). Never hangs: stdin is written, and stdout and
    /// stderr read, by threads of their own. What it left running when it
    /// exited is kept for [`Run::leftovers`], then killed. A client that
    /// floods stdout or breaks the memory ceiling fails the test here.
    pub fn run(self) -> Run {
        let command = self.program.command_line(&self.args);
        let started = Instant::now();
        let mut cmd = self.program.command(&self.args);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let (mut child, contained) = spawn(&self.program, &mut cmd, &command);
        let mut stdin = child.stdin.take().unwrap();
        let input = self.stdin.clone();
        // A client that never reads stdin must not block the harness: the
        // write happens on its own thread and fails with EPIPE when it exits.
        let (release_stdin, held) = mpsc::channel::<()>();
        let hold = self.hold_stdin;
        thread::spawn(move || {
            let _ = stdin.write_all(&input);
            if hold {
                // Returns when `release_stdin` is dropped, as `run` returns.
                let _ = held.recv();
            }
        });
        let pid = child.id();
        let stdout = capture::whole(child.stdout.take().unwrap(), move || {
            signal_group(pid, libc::SIGKILL);
        });
        let stderr = capture::tail(child.stderr.take().unwrap(), CLIENT_STDERR_KEPT);
        let mut waiting = Patience::new(self.deadline);
        let status = wait_patiently(&mut child, &contained, &mut waiting);
        let timed_out = status.is_none();
        let elapsed = started.elapsed();
        let leftovers = if timed_out {
            Vec::new()
        } else {
            contained.leftovers()
        };
        // Everything it started goes too, however it detached; then the pipes close.
        contained.kill_all();
        let status = match status {
            Some(status) => status,
            None => child.wait().expect("wait for a killed client"),
        };
        drop(release_stdin);
        let drained = Instant::now() + Duration::from_secs(2);
        stdout.wait_eof(drained);
        stderr.wait_eof(drained);
        let output = std::process::Output {
            status,
            stdout: stdout.bytes.lock().unwrap().clone(),
            stderr: stderr.bytes.lock().unwrap().clone(),
        };
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let mut repro = self.program.cargo_run_line(&args);
        if self.stdin.len() > 512 {
            repro = format!(
                "{repro}    # then type or paste its input: the test gave it {} bytes on stdin",
                self.stdin.len()
            );
        } else if !self.stdin.is_empty() {
            repro = format!(
                "printf '{}' | {repro}",
                escape(&self.stdin).replace('\'', r"'\''")
            );
        }
        let mut seen = contained.seen.lock().unwrap().clone();
        if stdout.flooded.load(Ordering::Relaxed) {
            seen.insert(0, flood_verdict());
        }
        let run = Run {
            name: self.program.name.clone(),
            command,
            output,
            timed_out,
            waited: waiting.describe(),
            elapsed,
            repro,
            leftovers,
        };
        if !seen.is_empty() {
            run.failure(seen.join("; ")).raise();
        }
        run
    }
}

/// A finished client run: its exit status and everything it printed.
pub struct Run {
    name: String,
    command: String,
    output: std::process::Output,
    timed_out: bool,
    /// How long it was waited for, as the report says it.
    waited: String,
    elapsed: Duration,
    repro: String,
    leftovers: Vec<u32>,
}

impl Run {
    /// Its exit code (`None` when killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    /// Whether the harness had to kill it at its deadline.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }

    /// How long it ran.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The processes it started that were still running when it exited (by
    /// pid; they have been killed since): a coordinator's workers, say.
    pub fn leftovers(&self) -> &[u32] {
        &self.leftovers
    }

    /// Its stdout, as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Its stderr, as text (the last MiB of it).
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// The context for failure reports about this run.
    pub fn context(&self) -> Context {
        Context {
            command: Some(self.command.clone()),
            name: Some(self.name.clone()),
            stderr: Some(Arc::new(Mutex::new(self.output.stderr.clone()))),
            repro: vec![self.repro.clone()],
            seen: None,
            family: None,
        }
    }

    /// A report about this run, with its exit status and stdout filled in.
    pub fn failure(&self, headline: impl Into<String>) -> Failure {
        let status = if self.timed_out {
            format!(
                "did not exit within {}: the harness killed it (does it wait without a timeout?)",
                self.waited
            )
        } else {
            describe_status(self.output.status)
        };
        Failure::new(headline)
            .with("exit", status)
            .with("stdout", clipped(&self.output.stdout))
            .context(&self.context())
    }

    /// Fails the test unless the client exited with `code` by itself; `why`
    /// says what that code means here.
    #[track_caller]
    pub fn expect_code(&self, code: i32, why: &str) -> &Run {
        if self.timed_out || self.code() != Some(code) {
            self.failure(format!("expected exit code {code} ({why})"))
                .raise();
        }
        self
    }

    /// The one line it printed on stdout, failing the test if it printed none
    /// or more than one.
    #[track_caller]
    pub fn stdout_line(&self) -> String {
        let stdout = self.stdout();
        let lines: Vec<&str> = stdout.lines().collect();
        if lines.len() != 1 || !stdout.ends_with('\n') {
            self.failure(format!(
                "expected exactly one line on stdout, ending in \\n; got {} line(s)",
                lines.len()
            ))
            .raise();
        }
        lines[0].to_string()
    }

    /// The run as an [`assert_cmd`] assertion, for checks with [`predicates`]:
    /// `run.assert().code(1).stderr(predicates::str::contains("error:"))`.
    pub fn assert(&self) -> assert_cmd::assert::Assert {
        let mut assert = assert_cmd::assert::Assert::new(self.output.clone())
            .append_context("program", self.command.clone())
            .append_context("step", crate::report::current_step_text())
            .append_context("try it by hand", self.repro.clone());
        if self.timed_out {
            assert = assert.append_context("killed", "it did not exit before its deadline");
        }
        assert
    }
}

/// Stdout for a report: all of it when short, its beginning and end otherwise
/// (a report quotes what went wrong, never megabytes).
fn clipped(bytes: &[u8]) -> String {
    const HEAD: usize = 2048;
    const TAIL: usize = 512;
    if bytes.len() <= HEAD + TAIL {
        return format!("\"{}\"", escape(bytes));
    }
    format!(
        "\"{}\" … \"{}\" ({} bytes)",
        escape(&bytes[..HEAD]),
        escape(&bytes[bytes.len() - TAIL..]),
        bytes.len()
    )
}
