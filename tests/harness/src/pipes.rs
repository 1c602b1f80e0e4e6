//! Exercise 07, pipes: the harness's own π oracle, scripted workers that a
//! coordinator under test can be given, and the checks a test makes on its
//! worker processes (none alive, none a zombie, the pipe deadlock).
//!
//! **Scripted workers.** A coordinator takes `--worker PATH`; the tests give it
//! a worker that the harness plays: a small shell script that runs the test
//! binary itself with `IPC_KIT_PIPES_RECORDER` set, which
//! [`scripted_worker_if_asked`] (run before `main`) sees and turns into a
//! worker. Each worker reports to the test over a Unix socket (its pid and
//! start time, each task it reads) and is told its [`Role`] by the order it
//! reported in: the first worker to start gets the first role, and so on
//! (the last role goes to all the rest). So "the first worker dies after 3
//! answers" happens by events, on every run, whatever the scheduler does.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::piped::{proc_state, reap_if_ours, wchans};
use crate::sandbox::{self, hand_over, scratch_dir, ScratchDir};
use crate::{Process, Program};

/// The variable that makes the test binary a scripted worker.
pub const RECORDER_VAR: &str = "IPC_KIT_PIPES_RECORDER";

/// The harness's SplitMix64 π oracle, written apart from any solution: how
/// many of `samples` points drawn from `seed` fall inside the quarter circle.
pub fn inside(seed: u64, samples: u64) -> u64 {
    let mut state = seed;
    let mut draw = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    // 2^-53: the top 53 bits of a draw, as a number in [0, 1).
    let unit = |bits: u64| (bits >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0);
    (0..samples)
        .filter(|_| {
            let x = unit(draw());
            let y = unit(draw());
            x * x + y * y < 1.0
        })
        .count() as u64
}

/// The oracle's answer line to task `<id> <seed> <samples>`.
pub fn answer(id: u64, seed: u64, samples: u64) -> String {
    format!("{id} {} {samples}", inside(seed, samples))
}

/// The coordinator's summary line for these arguments, from the oracle.
pub fn summary(workers: u64, samples: u64, chunk: u64, seed: u64) -> String {
    let mut total = 0;
    let mut done = 0;
    let mut id = 0u64;
    while done < samples {
        let size = chunk.min(samples - done);
        total += inside(seed.wrapping_add(id), size);
        done += size;
        id += 1;
    }
    let pi = 4.0 * total as f64 / samples as f64;
    format!("pi={pi:.6} inside={total} samples={samples} workers={workers}")
}

/// What a scripted worker does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Answers every task at once; exits 0 at EOF.
    Good,
    /// Answers `k` tasks, then exits (status 1) on reading the next.
    DieAfter(u32),
    /// Answers `k` tasks, then answers the next with `garbage`, and goes on reading.
    GarbageAfter(u32),
    /// Reads its `k`th task, closes its stdin, answers that task, then stays
    /// alive and silent: the coordinator's next write gets `EPIPE`.
    CloseStdinAfter(u32),
    /// Reads tasks and never answers; never exits by itself.
    Silent,
    /// Answers `k` tasks, then goes silent and never exits by itself (not even
    /// at EOF): a worker stuck in a long computation.
    StallAfter(u32),
    /// Answers every task, but does not exit at EOF: only a kill ends it.
    Linger,
    /// Answers `k` tasks, then answers the next with a well-formed lie: three
    /// numbers that are not an answer to any of its tasks ([`Lie`]), and goes
    /// on reading.
    LieAfter(u32, Lie),
    /// Answers every task; at EOF takes a moment ([`SLOW_EXIT`]) to finish,
    /// reports that it exits by itself, and exits 0.
    SlowExit,
    /// Answers every task, each after a pause of [`PACE`]: a worker that is
    /// busy for a known time without using the CPU; exits 0 at EOF.
    Paced,
}

/// A well-formed answer line that a coordinator must still call garbage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lie {
    /// `<an id it was never given> 0 <samples>`.
    UnknownId,
    /// `<id> 0 <samples + 1>`: not that task's samples.
    WrongSamples,
    /// `<id> <samples + 1> <samples>`: more points inside than were drawn.
    InsideOverSamples,
}

impl Lie {
    fn text(self) -> &'static str {
        match self {
            Lie::UnknownId => "unknown-id",
            Lie::WrongSamples => "wrong-samples",
            Lie::InsideOverSamples => "inside-over-samples",
        }
    }

    /// The lie told in answer to task `<id> <seed> <samples>`.
    pub fn answer(self, id: u64, samples: u64) -> String {
        match self {
            Lie::UnknownId => format!("{} 0 {samples}", id.wrapping_add(1 << 40)),
            Lie::WrongSamples => format!("{id} 0 {}", samples + 1),
            Lie::InsideOverSamples => format!("{id} {} {samples}", samples + 1),
        }
    }
}

/// How long a [`Role::Paced`] worker takes over each task.
pub const PACE: Duration = Duration::from_millis(5);

/// How long a [`Role::SlowExit`] worker takes to exit after EOF: well under
/// the coordinator's 500 ms of grace.
pub const SLOW_EXIT: Duration = Duration::from_millis(100);

impl Role {
    fn text(self) -> String {
        match self {
            Role::Good => "good".into(),
            Role::DieAfter(k) => format!("die-after {k}"),
            Role::GarbageAfter(k) => format!("garbage-after {k}"),
            Role::CloseStdinAfter(k) => format!("close-stdin-after {k}"),
            Role::Silent => "silent".into(),
            Role::StallAfter(k) => format!("stall-after {k}"),
            Role::Linger => "linger".into(),
            Role::LieAfter(k, lie) => format!("lie-after {k} {}", lie.text()),
            Role::SlowExit => "slow-exit".into(),
            Role::Paced => "paced".into(),
        }
    }

    fn parse(text: &str) -> Option<Role> {
        let mut words = text.split_whitespace();
        let name = words.next()?;
        let k = words.next().and_then(|k| k.parse().ok()).unwrap_or(0);
        let third = words.next();
        Some(match name {
            "good" => Role::Good,
            "die-after" => Role::DieAfter(k),
            "garbage-after" => Role::GarbageAfter(k),
            "close-stdin-after" => Role::CloseStdinAfter(k),
            "silent" => Role::Silent,
            "stall-after" => Role::StallAfter(k),
            "linger" => Role::Linger,
            "lie-after" => Role::LieAfter(
                k,
                [Lie::UnknownId, Lie::WrongSamples, Lie::InsideOverSamples]
                    .into_iter()
                    .find(|lie| third == Some(lie.text()))?,
            ),
            "slow-exit" => Role::SlowExit,
            "paced" => Role::Paced,
            _ => return None,
        })
    }
}

/// One scripted worker, as it reported itself.
#[derive(Clone, Debug)]
pub struct WorkerRecord {
    pub pid: u32,
    /// Its start time (`/proc/PID/stat`), so that a reused pid is not taken for it.
    pub start_time: u64,
    pub role: Role,
    /// The ids of the tasks it read, in order.
    pub tasks: Vec<u64>,
    /// The same tasks whole: `[id, seed, samples]`.
    pub task_lines: Vec<[u64; 3]>,
    /// It reported that it exits by itself, after EOF ([`Role::SlowExit`]).
    pub exited: bool,
}

#[derive(Default)]
struct Records {
    workers: Vec<WorkerRecord>,
}

/// Workers the harness plays, for a coordinator's `--worker`.
pub struct ScriptedWorkers {
    dir: ScratchDir,
    script: PathBuf,
    records: Arc<(Mutex<Records>, Condvar)>,
    stop: Arc<AtomicBool>,
    roles: String,
}

impl ScriptedWorkers {
    /// Workers with these roles, by order of start (the last role for all
    /// the rest).
    pub fn start(roles: &[Role]) -> ScriptedWorkers {
        assert!(!roles.is_empty(), "at least one role");
        let dir = scratch_dir("pipes-workers-");
        let socket = dir.path().join("recorder.sock");
        let listener = UnixListener::bind(&socket).expect("bind the recorder's socket");
        hand_over(&socket);
        let exe = std::env::current_exe().expect("the test binary's path");
        // Under grading the worker runs as the sandbox user, who cannot read
        // the kit's builds: it gets a copy of its own.
        let exe = if sandbox::user().is_some() {
            let copy = dir.path().join("scripted-worker");
            fs::copy(&exe, &copy).expect("copy the test binary for the sandbox user");
            hand_over(&copy);
            copy
        } else {
            exe
        };
        let script = dir.path().join("worker");
        let quote =
            |p: &std::path::Path| format!("'{}'", p.to_string_lossy().replace('\'', r"'\''"));
        fs::write(
            &script,
            format!(
                "#!/bin/sh\n# A worker played by the ipc-kit harness (see harness/src/pipes.rs).\n\
                 {RECORDER_VAR}={} exec {}\n",
                quote(&socket),
                quote(&exe)
            ),
        )
        .expect("write the scripted worker");
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod the worker");
        hand_over(&script);
        let records: Arc<(Mutex<Records>, Condvar)> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let described = roles
            .iter()
            .map(|r| r.text())
            .collect::<Vec<_>>()
            .join(", then ");
        let roles = roles.to_vec();
        {
            let records = Arc::clone(&records);
            let stop = Arc::clone(&stop);
            thread::spawn(move || accept_workers(listener, roles, records, stop));
        }
        ScriptedWorkers {
            dir,
            script,
            records,
            stop,
            roles: described,
        }
    }

    /// The `--worker` to give the coordinator.
    pub fn path(&self) -> String {
        self.script.to_string_lossy().into_owned()
    }

    /// A copy of `coordinator` in these workers' directory, where they are
    /// also called `pi-worker`: run without `--worker`, it must start them
    /// (the default is the `pi-worker` in the coordinator's own directory).
    pub fn beside(&self, coordinator: &Program) -> Program {
        let worker = self.dir.path().join("pi-worker");
        fs::copy(&self.script, &worker).expect("copy the scripted worker as pi-worker");
        hand_over(&worker);
        coordinator.copied_into(self.dir.path())
    }

    /// What the workers reported so far.
    pub fn records(&self) -> Vec<WorkerRecord> {
        self.records.0.lock().unwrap().workers.clone()
    }

    /// Waits (at most `patience`) until `done` holds for the records; false if
    /// it never did.
    pub fn wait_for(&self, patience: Duration, done: impl Fn(&[WorkerRecord]) -> bool) -> bool {
        let (lock, changed) = &*self.records;
        let deadline = Instant::now() + patience;
        let mut records = lock.lock().unwrap();
        loop {
            if done(&records.workers) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            records = changed.wait_timeout(records, left).unwrap().0;
        }
    }

    /// What a report says about this `--worker`, whose path dies with the test.
    pub fn by_hand_note(&self) -> String {
        format!(
            "{} is a worker the harness played (its roles: {}); it is gone with the test. By \
             hand, give --worker your own pi-worker (target/debug/pi-worker), or a small script \
             that misbehaves the same way",
            self.path(),
            self.roles
        )
    }

    /// The scratch directory the workers live in.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Drop for ScriptedWorkers {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn accept_workers(
    listener: UnixListener,
    roles: Vec<Role>,
    records: Arc<(Mutex<Records>, Condvar)>,
    stop: Arc<AtomicBool>,
) {
    while !stop.load(Ordering::SeqCst) {
        let mut poll = libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // Readiness with a short timeout, to look at `stop` between waits.
        // SAFETY: one valid pollfd, for the length of the call.
        if unsafe { libc::poll(&mut poll, 1, 50) } <= 0 {
            continue;
        }
        let Ok((stream, _)) = listener.accept() else {
            continue;
        };
        let records = Arc::clone(&records);
        let roles = roles.clone();
        thread::spawn(move || record_worker(stream, &roles, &records));
    }
}

/// Reads one worker's reports: `start <pid> <start time>`, then `task <id>`s.
fn record_worker(stream: UnixStream, roles: &[Role], records: &(Mutex<Records>, Condvar)) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut lines = BufReader::new(stream).lines();
    let Some(Ok(first)) = lines.next() else {
        return;
    };
    let mut words = first
        .split_whitespace()
        .skip(1)
        .filter_map(|w| w.parse::<u64>().ok());
    let (Some(pid), Some(start_time)) = (words.next(), words.next()) else {
        return;
    };
    let (lock, changed) = records;
    let (index, role) = {
        let mut records = lock.lock().unwrap();
        let index = records.workers.len();
        let role = roles[index.min(roles.len() - 1)];
        records.workers.push(WorkerRecord {
            pid: pid as u32,
            start_time,
            role,
            tasks: Vec::new(),
            task_lines: Vec::new(),
            exited: false,
        });
        changed.notify_all();
        (index, role)
    };
    if writeln!(writer, "{}", role.text()).is_err() {
        return;
    }
    for line in lines.map_while(Result::ok) {
        if line == "exit" {
            lock.lock().unwrap().workers[index].exited = true;
            changed.notify_all();
            continue;
        }
        let numbers: Vec<u64> = line
            .strip_prefix("task ")
            .unwrap_or_default()
            .split(' ')
            .filter_map(|n| n.parse().ok())
            .collect();
        if let [id, seed, samples] = numbers[..] {
            let mut records = lock.lock().unwrap();
            records.workers[index].tasks.push(id);
            records.workers[index].task_lines.push([id, seed, samples]);
            changed.notify_all();
        }
    }
}

/// Run first thing in a test binary that plays workers (from a function in
/// `.init_array`, before libtest's `main`): when `IPC_KIT_PIPES_RECORDER` is
/// set, this process is a scripted worker; it plays its role and exits.
pub fn scripted_worker_if_asked() {
    let Some(socket) = std::env::var_os(RECORDER_VAR) else {
        return;
    };
    let code = match UnixStream::connect(&socket) {
        Ok(stream) => play(stream),
        Err(_) => 3,
    };
    std::process::exit(code);
}

/// A worker's life in its role. Returns its exit code.
fn play(recorder: UnixStream) -> i32 {
    let pid = std::process::id();
    let start = proc_state(pid).map_or(0, |p| p.start_time);
    let mut report = match recorder.try_clone() {
        Ok(report) => report,
        Err(_) => return 3,
    };
    if writeln!(report, "start {pid} {start}").is_err() {
        return 3;
    }
    let mut role_line = String::new();
    if BufReader::new(recorder).read_line(&mut role_line).is_err() {
        return 3;
    }
    let Some(role) = Role::parse(&role_line) else {
        return 3;
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut stdout = std::io::stdout().lock();
    let mut answered = 0u32;
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => break, // EOF
            Ok(_) => {}
        }
        let task = line.trim_end();
        let numbers: Vec<u64> = task.split(' ').filter_map(|n| n.parse().ok()).collect();
        let [id, seed, samples] = numbers[..] else {
            let _ = writeln!(stdout, "ERR bad task: {task}");
            let _ = stdout.flush();
            continue;
        };
        let _ = writeln!(report, "task {id} {seed} {samples}");
        let reply = match role {
            Role::DieAfter(k) if answered >= k => return 1,
            Role::GarbageAfter(k) if answered >= k => "garbage".to_string(),
            Role::LieAfter(k, lie) if answered >= k => lie.answer(id, samples),
            Role::Silent => continue,
            Role::StallAfter(k) if answered >= k => continue,
            Role::CloseStdinAfter(k) if answered + 1 >= k => {
                // SAFETY: closing our own stdin; it is not read again.
                unsafe { libc::close(0) };
                let _ = writeln!(stdout, "{}", answer(id, seed, samples));
                let _ = stdout.flush();
                stay_alive();
                return 0;
            }
            Role::Paced => {
                thread::sleep(PACE); // injected delay: a worker busy with each task
                answer(id, seed, samples)
            }
            _ => answer(id, seed, samples),
        };
        answered += 1;
        if writeln!(stdout, "{reply}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return 1; // the coordinator is gone
        }
    }
    match role {
        Role::Good
        | Role::DieAfter(_)
        | Role::GarbageAfter(_)
        | Role::LieAfter(..)
        | Role::Paced => 0,
        Role::SlowExit => {
            thread::sleep(SLOW_EXIT); // injected delay: a worker that takes a moment to finish
            let _ = writeln!(report, "exit");
            0
        }
        _ => {
            stay_alive();
            0
        }
    }
}

/// A worker that does not exit by itself: only a kill ends it (or, should
/// everything else fail, this bound).
fn stay_alive() {
    thread::sleep(Duration::from_secs(30)); // injected delay: a worker that never exits by itself
}

/// What is wrong if any worker outlived its coordinator: still running
/// (`leftovers`, from the harness, or a recorded pid alive) or a zombie (a
/// recorded pid whose process exited and was never waited for). Zombies found
/// are reaped afterwards, so none outlives the test either.
pub fn workers_left(records: &[WorkerRecord], leftovers: &[u32]) -> Option<String> {
    let mut running: Vec<u32> = leftovers.to_vec();
    let mut zombies = Vec::new();
    for record in records {
        match proc_state(record.pid) {
            Some(state) if state.start_time == record.start_time => {
                if state.state == 'Z' || state.state == 'X' {
                    zombies.push(record.pid);
                } else if !running.contains(&record.pid) {
                    running.push(record.pid);
                }
            }
            _ => {} // gone: waited for
        }
    }
    for &pid in &zombies {
        reap_if_ours(pid);
    }
    if !running.is_empty() {
        return Some(format!(
            "its workers are still running after it exited: pid(s) {running:?}. On every way \
             out, close each worker's stdin, kill (SIGKILL) any still alive 500 ms later, and \
             wait for each one"
        ));
    }
    if !zombies.is_empty() {
        return Some(format!(
            "its workers are zombies: pid(s) {zombies:?} exited but were never waited for \
             (a zombie stays until its parent collects its exit status): `child.wait()` \
             for every worker you started, also the ones you killed"
        ));
    }
    None
}

/// What the processes of a family were doing at one moment.
struct Sample {
    /// (pid, name, wchans of its threads, CPU ticks)
    procs: Vec<(u32, String, Vec<String>, u64)>,
}

impl Sample {
    fn take(pids: &[u32]) -> Sample {
        let procs = pids
            .iter()
            .map(|&pid| {
                let name = fs::read_to_string(format!("/proc/{pid}/comm"))
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let cpu = proc_state(pid).map_or(0, |p| p.cpu_ticks);
                (pid, name, wchans(pid), cpu)
            })
            .collect();
        Sample { procs }
    }

    fn cpu(&self) -> u64 {
        self.procs.iter().map(|p| p.3).sum()
    }

    fn writing(&self, pid: u32) -> bool {
        self.procs
            .iter()
            .any(|p| p.0 == pid && p.2.iter().any(|w| w.contains("pipe_write")))
    }

    fn describe(&self) -> String {
        self.procs
            .iter()
            .map(|(pid, name, wchans, _)| {
                let mut blocked: Vec<&str> = wchans
                    .iter()
                    .map(|w| {
                        if w.is_empty() || w == "0" {
                            "running"
                        } else {
                            w.as_str()
                        }
                    })
                    .collect();
                blocked.dedup();
                format!("{name} (pid {pid}): {}", blocked.join(", "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// How a run watched by [`finish_or_pipe_deadlock`] ended badly.
pub enum Stuck {
    /// The coordinator and a worker were both blocked writing to a pipe, and
    /// nothing moved: what each was doing, for the report.
    PipeDeadlock {
        coordinator: u32,
        workers: Vec<u32>,
        seen: String,
    },
    /// Not finished within the patience (longer while it was still busy:
    /// [`crate::busy`]): what each process was doing, and how long it was
    /// waited for, as a report says it.
    TooSlow { seen: String, waited: String },
}

/// Waits for the coordinator `process` to exit, for at most `patience` (and
/// up to [`crate::busy::BUSY_GRACE`] more while it is still working, as a
/// Python coordinator on a busy machine may be), looking at its family every
/// 300 ms: when the coordinator and at least one
/// of its workers are both blocked in `pipe_write` (each waiting for the
/// other to read) twice in a row with no CPU time spent in between, that is
/// the pipe deadlock, reported at once from what the kernel shows, not from
/// a timeout.
pub fn finish_or_pipe_deadlock(process: &mut Process, patience: Duration) -> Result<(), Stuck> {
    let coordinator = process.pid();
    let mut patience = crate::busy::Patience::new(patience);
    let mut before: Option<Sample> = None;
    loop {
        if crate::exited_within(coordinator, Duration::from_millis(300)) {
            return Ok(());
        }
        let family = process.family();
        let now = Sample::take(&family);
        let workers: Vec<u32> = family
            .iter()
            .copied()
            .filter(|&pid| pid != coordinator && now.writing(pid))
            .collect();
        let deadlocked = now.writing(coordinator) && !workers.is_empty();
        if deadlocked {
            if let Some(before) = &before {
                if before.writing(coordinator) && before.cpu() == now.cpu() {
                    return Err(Stuck::PipeDeadlock {
                        coordinator,
                        workers,
                        seen: now.describe(),
                    });
                }
            }
        }
        if patience.next_wait(|| family.clone()).is_none() {
            return Err(Stuck::TooSlow {
                seen: now.describe(),
                waited: patience.describe(),
            });
        }
        before = Some(now);
    }
}

/// Sends `signal` (`2` SIGINT, `15` SIGTERM) to process `pid` alone.
pub fn send_signal(pid: u32, signal: i32) {
    // SAFETY: kill has no memory-safety preconditions.
    unsafe { libc::kill(pid as libc::pid_t, signal) };
}
