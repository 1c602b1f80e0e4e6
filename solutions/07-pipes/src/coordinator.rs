//! The coordinator's side: N worker processes, two pipes each.
//!
//! **Why not write every task, then read every answer?** A pipe holds about
//! 64 KiB. Write 200,000 tasks to a worker before reading anything, and the
//! worker soon fills *its* stdout pipe with answers nobody reads: it blocks
//! writing, stops reading its stdin, which fills up too, and the coordinator
//! blocks writing. Both wait for the other for ever: the pipe deadlock.
//!
//! So the coordinator reads and writes at once: a reader thread per worker
//! turns its stdout into [`Event`]s on one channel, and the main thread hands
//! out tasks as answers come in, keeping at most [`WINDOW`] tasks outstanding
//! per worker. A window of tasks is a few KiB, far less than a pipe holds, so a
//! write to a worker never blocks, whatever that worker does.
//!
//! **Workers fail.** A dead worker shows as EOF on its stdout (its reader
//! thread says [`Event::Closed`]) or as `EPIPE` when we write to its stdin (Rust
//! ignores SIGPIPE, so the write returns an error instead of killing us). A
//! worker that answers garbage, or nothing for too long, is no better. Each is
//! killed, waited for, and its unanswered tasks go back to the pile for the
//! others: the result is the same as if it had lived.
//!
//! **Children must be waited for.** A child that exits stays a zombie until
//! its parent collects its status (`wait`); a child whose parent exits
//! without stopping it goes on running, an orphan. On every way out (done, all
//! failed, SIGINT, SIGTERM) [`Coordinator::shutdown`] closes every stdin (EOF:
//! "no more work"), gives the workers [`GRACE`] to exit, kills what is left
//! and waits for all of them.

use std::collections::VecDeque;
use std::io::{BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use crate::lines::{read_line, Line};
use crate::protocol::{parse_answer, tasks, Task};
use crate::CoordinatorArgs;

/// Tasks outstanding per worker at most: 32 lines of at most 63 bytes, a few
/// KiB, far under a pipe's 64 KiB, so writing them never blocks.
pub const WINDOW: usize = 32;

/// How long workers get to exit after their stdin closes, before SIGKILL.
pub const GRACE: Duration = Duration::from_millis(500);

/// What the main thread waits for.
pub enum Event {
    /// Worker `i` wrote a line.
    Line(usize, Line),
    /// Worker `i`'s stdout reached EOF (it exited, or closed it).
    Closed(usize),
    /// SIGINT or SIGTERM arrived.
    Signal(i32),
}

/// How a run ended.
pub enum Outcome {
    /// Every task answered.
    Done,
    /// No worker left: why the first one failed.
    AllFailed(String),
    /// Stopped by this signal.
    Signalled(i32),
}

/// One worker process and what it owes us.
pub struct Worker {
    pub child: Child,
    /// `None` once closed.
    pub stdin: Option<ChildStdin>,
    /// The tasks it has been sent and not yet answered, oldest first.
    pub outstanding: VecDeque<Task>,
    /// Since when it has owed an answer without giving one.
    pub waiting_since: Instant,
    pub alive: bool,
}

/// Starts `path` with its stdin and stdout piped, and a reader thread that
/// turns its stdout into events for worker `index`.
pub fn spawn_worker(path: &Path, index: usize, events: Sender<Event>) -> std::io::Result<Worker> {
    let mut child = Command::new(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().expect("stdout is piped");
    thread::spawn(move || {
        let mut stdout = BufReader::new(stdout);
        loop {
            match read_line(&mut stdout) {
                Ok(Line::Eof) | Err(_) => break,
                Ok(line) => {
                    if events.send(Event::Line(index, line)).is_err() {
                        return;
                    }
                }
            }
        }
        let _ = events.send(Event::Closed(index));
    });
    Ok(Worker {
        stdin: child.stdin.take(),
        child,
        outstanding: VecDeque::new(),
        waiting_since: Instant::now(),
        alive: true,
    })
}

/// Turns SIGINT and SIGTERM into [`Event::Signal`]s. Call it first, before any
/// other thread starts: the two signals are blocked in this thread, and so in
/// every thread started after it, and one thread takes them with `sigwait`.
/// (Children start with no signal blocked: `Command` resets the mask.)
pub fn forward_signals(events: Sender<Event>) {
    // SAFETY: plain libc calls on a sigset_t we own.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    };
    thread::spawn(move || loop {
        let mut signal = 0;
        // SAFETY: sigwait reads the set and writes the signal number.
        if unsafe { libc::sigwait(&set, &mut signal) } == 0
            && events.send(Event::Signal(signal)).is_err()
        {
            return;
        }
    });
}

/// The coordinator's state: its workers, the tasks not yet handed out, and
/// the sum so far.
pub struct Coordinator {
    pub workers: Vec<Worker>,
    /// Tasks waiting for a worker (taken from the end).
    pub pending: Vec<Task>,
    pub tasks: usize,
    pub answered: usize,
    pub inside: u64,
    pub first_failure: Option<String>,
    pub events: Receiver<Event>,
    pub task_timeout: Duration,
}

impl Coordinator {
    /// Spawns `args.workers` workers. One that cannot start counts as failed.
    pub fn start(args: &CoordinatorArgs, events: (Sender<Event>, Receiver<Event>)) -> Coordinator {
        let (sender, receiver) = events;
        let path = args.worker_path();
        let mut first_failure = None;
        let mut workers = Vec::new();
        for _ in 0..args.workers {
            match spawn_worker(&path, workers.len(), sender.clone()) {
                Ok(worker) => workers.push(worker),
                Err(err) => {
                    eprintln!("cannot start worker {}: {err}", path.display());
                    first_failure.get_or_insert(format!("cannot start {}: {err}", path.display()));
                }
            }
        }
        let mut pending = tasks(args.samples, args.chunk, args.seed);
        pending.reverse(); // so that pop() hands out task 0 first
        Coordinator {
            workers,
            tasks: pending.len(),
            pending,
            answered: 0,
            inside: 0,
            first_failure,
            events: receiver,
            task_timeout: Duration::from_millis(args.task_timeout_ms),
        }
    }

    /// Hands out tasks and takes in answers until every task is answered, no
    /// worker is left, or a signal comes.
    pub fn run(&mut self) -> Outcome {
        loop {
            self.hand_out();
            if let Some(outcome) = self.finished() {
                return outcome;
            }
            match self.next_event() {
                Some(Event::Signal(signal)) => return Outcome::Signalled(signal),
                Some(event) => self.on_event(event),
                None => self.expire_overdue(),
            }
        }
    }

    /// Done when every task is answered; failed when no worker is left.
    pub fn finished(&self) -> Option<Outcome> {
        if self.answered == self.tasks {
            return Some(Outcome::Done);
        }
        if !self.workers.iter().any(|w| w.alive) {
            let why = self.first_failure.clone().unwrap_or_default();
            return Some(Outcome::AllFailed(why));
        }
        None
    }

    /// The next event, or `None` when a worker's task became overdue first.
    /// Some live worker owes an answer (`hand_out` saw to that), so the wait
    /// is never longer than the task timeout.
    pub fn next_event(&self) -> Option<Event> {
        let wait = self
            .next_deadline()
            .saturating_duration_since(Instant::now());
        match self.events.recv_timeout(wait) {
            Ok(event) => Some(event),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => unreachable!("the signal thread keeps a sender"),
        }
    }

    /// An answer is counted (or its worker dropped); a closed stdout drops its worker.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Line(i, line) => self.on_line(i, line),
            Event::Closed(i) => self.fail(i, "closed its stdout (it exited?)".into()),
            Event::Signal(_) => {}
        }
    }

    /// Tops every live worker up to [`WINDOW`] outstanding tasks, one write each.
    pub fn hand_out(&mut self) {
        for i in 0..self.workers.len() {
            let worker = &mut self.workers[i];
            if !worker.alive || self.pending.is_empty() || worker.outstanding.len() >= WINDOW {
                continue;
            }
            if worker.outstanding.is_empty() {
                worker.waiting_since = Instant::now();
            }
            let mut batch = String::new();
            while worker.outstanding.len() < WINDOW {
                let Some(task) = self.pending.pop() else {
                    break;
                };
                batch.push_str(&format!("{task}\n"));
                worker.outstanding.push_back(task);
            }
            let stdin = worker.stdin.as_mut().expect("a live worker has its stdin");
            // EPIPE: the worker has exited, or closed its stdin.
            if let Err(err) = stdin.write_all(batch.as_bytes()) {
                self.fail(i, format!("writing its tasks failed: {err}"));
            }
        }
    }

    /// An answer must be `<id> <inside> <samples>` for one of the worker's
    /// outstanding tasks, with that task's samples and `inside <= samples`.
    pub fn on_line(&mut self, i: usize, line: Line) {
        let worker = &mut self.workers[i];
        if !worker.alive {
            return; // a line it wrote before we dropped it
        }
        let text = match &line {
            Line::Text(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            _ => String::from("(a line over 4096 bytes)"),
        };
        let found = parse_answer(&text).and_then(|answer| {
            let at = worker.outstanding.iter().position(|task| {
                task.id == answer.id
                    && task.samples == answer.samples
                    && answer.inside <= task.samples
            })?;
            Some((at, answer.inside))
        });
        match found {
            Some((at, inside)) => {
                worker.outstanding.remove(at);
                worker.waiting_since = Instant::now();
                self.inside += inside;
                self.answered += 1;
            }
            None => self.fail(i, format!("answered garbage: {text:?}")),
        }
    }

    /// When the first live worker that owes an answer will be overdue.
    pub fn next_deadline(&self) -> Instant {
        self.workers
            .iter()
            .filter(|w| w.alive && !w.outstanding.is_empty())
            .map(|w| w.waiting_since + self.task_timeout)
            .min()
            .unwrap_or_else(|| Instant::now() + self.task_timeout)
    }

    /// Drops every worker that has owed an answer for longer than the timeout.
    pub fn expire_overdue(&mut self) {
        let now = Instant::now();
        for i in 0..self.workers.len() {
            let worker = &self.workers[i];
            if worker.alive
                && !worker.outstanding.is_empty()
                && now >= worker.waiting_since + self.task_timeout
            {
                let id = worker.outstanding[0].id;
                let ms = self.task_timeout.as_millis();
                self.fail(i, format!("left task {id} unanswered for {ms} ms"));
            }
        }
    }

    /// Kills worker `i`, waits for it (no zombie), and puts its unanswered
    /// tasks back on the pile for the others.
    pub fn fail(&mut self, i: usize, why: String) {
        let worker = &mut self.workers[i];
        if !worker.alive {
            return;
        }
        let pid = worker.child.id();
        let owed = worker.outstanding.len();
        eprintln!(
            "worker {i} (pid {pid}) {why}: dropped, its {owed} unanswered task(s) go to the others"
        );
        worker.alive = false;
        worker.stdin = None;
        let _ = worker.child.kill();
        let _ = worker.child.wait();
        self.pending.extend(worker.outstanding.drain(..));
        self.first_failure.get_or_insert(why);
    }

    /// Closes every worker's stdin, gives them [`GRACE`] to exit (their
    /// stdout closes as they do), then kills the rest and waits for every one.
    pub fn shutdown(&mut self) {
        let mut running: Vec<usize> = Vec::new();
        for (i, worker) in self.workers.iter_mut().enumerate() {
            worker.stdin = None; // EOF: no more work
            if worker.alive {
                running.push(i);
            }
        }
        let deadline = Instant::now() + GRACE;
        while !running.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(Event::Closed(i)) => running.retain(|&r| r != i),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        for worker in &mut self.workers {
            if worker.alive {
                worker.alive = false;
                if let Ok(None) = worker.child.try_wait() {
                    let _ = worker.child.kill();
                }
                let _ = worker.child.wait();
            }
        }
    }
}

/// The whole program: start, run, shut down, report.
pub fn main(args: &CoordinatorArgs) -> ExitCode {
    let (sender, receiver) = mpsc::channel();
    forward_signals(sender.clone());
    let mut coordinator = Coordinator::start(args, (sender, receiver));
    let outcome = coordinator.run();
    coordinator.shutdown();
    report(args, &coordinator, outcome)
}

/// Prints the summary line (or the error) and gives the exit code.
pub fn report(args: &CoordinatorArgs, coordinator: &Coordinator, outcome: Outcome) -> ExitCode {
    match outcome {
        Outcome::Done => {
            let pi = 4.0 * coordinator.inside as f64 / args.samples as f64;
            println!(
                "pi={pi:.6} inside={} samples={} workers={}",
                coordinator.inside, args.samples, args.workers
            );
            ExitCode::SUCCESS
        }
        Outcome::AllFailed(why) => {
            eprintln!("error: all {} workers failed (first: {why})", args.workers);
            ExitCode::from(1)
        }
        // 128 + the signal's number: what a shell shows for a program the
        // signal ended, so scripts see the same either way.
        Outcome::Signalled(signal) => ExitCode::from(128 + signal as u8),
    }
}
