//! Exercise 07, pipes: the tests of `pi-worker` and `pi-coordinator`.
//!
//! Each test is named after the README step it checks. The worker is talked
//! to over its own stdin and stdout ([`PipedProcess`]); every answer is checked
//! against the harness's own SplitMix64 oracle (`harness::pipes::inside`),
//! written apart from the reference solution. The coordinator is given either
//! the `pi-worker` under test or workers that the harness plays
//! ([`ScriptedWorkers`]: this very test binary, run as a worker, which reports
//! its pid and each task it reads, and dies, answers garbage, closes its stdin
//! or goes silent exactly when its role says). Every fault is made to happen
//! by events (after k answers), never by racing a clock.

use std::thread;
use std::time::Duration;

use harness::piped::PipedProcess;
use harness::pipes::{
    self, finish_or_pipe_deadlock, workers_left, Lie, Role, ScriptedWorkers, Stuck, SLOW_EXIT,
};
use harness::shm::cpu_seconds;
use harness::{expect_stdout, program, step, Client, Failure, Process, Run, PATIENCE};

// The scripted workers are this binary, started again by the coordinator
// under test: this runs before libtest's `main` and, when the harness asked
// for a worker, plays it and exits.
#[used]
#[link_section = ".init_array"]
static SCRIPTED_WORKER: extern "C" fn() = {
    extern "C" fn run() {
        pipes::scripted_worker_if_asked();
    }
    run
};

/// How long one answer may take: a task of the tests takes milliseconds.
const ANSWER: Duration = Duration::from_secs(3);

/// How long a coordinator run of the tests may take (they take well under 1 s).
const RUN: Duration = Duration::from_millis(3500);

fn worker() -> PipedProcess {
    PipedProcess::spawn(program!("pi-worker"), &[])
}

/// The path of the `pi-worker` under test, for `--worker`.
fn worker_path() -> String {
    program!("pi-worker").path().to_string_lossy().into_owned()
}

/// Runs the coordinator with `args` (strings) to completion.
fn coordinator(args: &[String], deadline: Duration) -> Run {
    Client::new(program!("pi-coordinator"))
        .args(args)
        .deadline(deadline)
        .run()
}

/// `--workers N --samples S --chunk C --seed SEED --worker PATH`, and `extra`.
fn args(n: u64, s: u64, c: u64, seed: u64, worker: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--workers",
        &n.to_string(),
        "--samples",
        &s.to_string(),
        "--chunk",
        &c.to_string(),
        "--seed",
        &seed.to_string(),
        "--worker",
        worker,
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

/// Fails the test unless `run` exited 0 printing exactly the oracle's summary.
#[track_caller]
fn expect_summary(run: &Run, n: u64, s: u64, c: u64, seed: u64, why: &str) {
    run.expect_code(0, why);
    let expected = format!("{}\n", pipes::summary(n, s, c, seed));
    expect_stdout(run, &expected, why, None);
    if let Some(problem) = workers_left(&[], run.leftovers()) {
        run.failure(problem).raise();
    }
}

/// The same, for a run with the harness's workers: the report says that
/// their `--worker` path is gone with the test.
#[track_caller]
fn expect_summary_with(
    workers: &ScriptedWorkers,
    run: &Run,
    n: u64,
    s: u64,
    c: u64,
    seed: u64,
    why: &str,
) {
    expect_code_with(workers, run, 0, why);
    let expected = format!("{}\n", pipes::summary(n, s, c, seed));
    if run.stdout() != expected {
        run.failure(format!("wrong output on stdout: {why}"))
            .got_vs_expected(run.stdout().as_bytes(), expected.as_bytes())
            .with("note", workers.by_hand_note())
            .raise();
    }
}

/// Fails the test unless `run` (with the harness's workers) exited with `code`.
#[track_caller]
fn expect_code_with(workers: &ScriptedWorkers, run: &Run, code: i32, why: &str) {
    if run.timed_out() || run.code() != Some(code) {
        run.failure(format!("expected exit code {code} ({why})"))
            .with("note", workers.by_hand_note())
            .raise();
    }
}

/// Fails the test if any of the scripted workers, or any process the run
/// started, is still alive or a zombie now that the coordinator has exited.
#[track_caller]
fn expect_no_worker_left(workers: &ScriptedWorkers, run: &Run) {
    if let Some(problem) = workers_left(&workers.records(), run.leftovers()) {
        run.failure(problem)
            .with("note", workers.by_hand_note())
            .raise();
    }
}

/// Fails unless the workers reported `n` starts within [`PATIENCE`].
#[track_caller]
fn expect_started(workers: &ScriptedWorkers, run: &Run, n: usize) {
    if !workers.wait_for(PATIENCE, |r| {
        r.len() >= n && r.iter().all(|w| !w.tasks.is_empty())
    }) {
        run.failure(format!(
            "expected {n} worker processes that each got tasks; the harness's workers saw: {:?}",
            workers.records()
        ))
        .with("note", workers.by_hand_note())
        .raise();
    }
}

// ---------------------------------------------------------------- step 1

#[test]
fn step1_worker_answers_every_task_exactly_in_order() {
    step(1, "the worker answers each task `<id> <seed> <samples>` with `<id> <inside> <samples>`, in order, and exits 0 at EOF");
    let tasks: [(u64, u64, u64); 7] = [
        (0, 1, 100_000),
        (1, 2, 10),
        (7, 0, 1),
        (3, u64::MAX, 1000),
        (18_446_744_073_709_551_615, 42, 0),
        (5, 123_456_789, 54_321),
        (2, 1, 50_000),
    ];
    let mut worker = worker();
    let mut all = String::new();
    for (id, seed, samples) in tasks {
        all.push_str(&format!("{id} {seed} {samples}\n"));
    }
    worker.send(all.as_bytes(), ANSWER);
    for (id, seed, samples) in tasks {
        let expected = pipes::answer(id, seed, samples);
        let got = worker.expect_line(&format!("`{expected}`"), ANSWER);
        if got != expected {
            worker
                .failure(format!(
                    "wrong answer to `{id} {seed} {samples}`: expected `{expected}`"
                ))
                .raise();
        }
    }
    worker.close_stdin();
    let status = worker.expect_exit("its stdin reached EOF", ANSWER);
    if status.code() != Some(0) {
        worker
            .failure(format!(
                "at EOF it must exit 0; it ended with {}",
                harness::describe_status(status)
            ))
            .raise();
    }
}

#[test]
fn step1_worker_answers_while_stdin_is_open() {
    step(1, "the worker answers each task as soon as it is computed, and flushes whenever it has no more input waiting");
    let mut worker = worker();
    // One task, its answer, then the next: stdin stays open all along, so a
    // worker that answers only at EOF, or whose answer waits in a buffer
    // while it reads on, never answers.
    for (id, seed, samples) in [(0, 11, 1000), (1, 12, 1), (2, 13, 20_000), (3, 14, 5)] {
        worker.send_line(&format!("{id} {seed} {samples}"), ANSWER);
        let expected = pipes::answer(id, seed, samples);
        let got = worker.expect_line(
            &format!("`{expected}` while its stdin is still open"),
            ANSWER,
        );
        if got != expected {
            worker
                .failure(format!("wrong answer: expected `{expected}`"))
                .raise();
        }
    }
}

#[test]
fn step1_worker_answers_bad_lines_with_err_and_goes_on() {
    step(1, "a line that is not a task gets `ERR bad task: <the line>` (over 4096 bytes: `ERR line too long`), and the worker goes on");
    let mut worker = worker();
    let bad = [
        "",
        "hello",
        "1 2",
        "1 2 3 4",
        "+1 2 3",
        "1  2 3",
        " 1 2 3",
        "1 2 3 ",
        "-1 2 3",
        "1 2 0x10",
        "18446744073709551616 1 1",
        "1\t2\t3",
    ];
    for (n, line) in bad.iter().enumerate() {
        worker.send_line(line, ANSWER);
        let expected = format!("ERR bad task: {line}");
        let got = worker.expect_line(&format!("`{expected}`"), ANSWER);
        if got != expected {
            worker
                .failure(format!(
                    "bad line {n} `{line}`: expected `{expected}` (a task is exactly three plain \
                     decimal numbers 0-9 separated by single spaces)"
                ))
                .raise();
        }
        // And it goes on.
        worker.send_line(&format!("{n} {n} 100"), ANSWER);
        let expected = pipes::answer(n as u64, n as u64, 100);
        if worker.expect_line(&format!("`{expected}` after a bad line"), ANSWER) != expected {
            worker
                .failure(format!("after a bad line, expected `{expected}`"))
                .raise();
        }
    }
    // A line may end in \r\n.
    worker.send(b"9 9 9\r\n", ANSWER);
    let expected = pipes::answer(9, 9, 9);
    if worker.expect_line(&format!("`{expected}` (the task ended in \\r\\n)"), ANSWER) != expected {
        worker
            .failure(format!(
                "a trailing \\r is tolerated: expected `{expected}`"
            ))
            .raise();
    }
    // A line over 4096 bytes, then a task.
    let long = format!("{}\n", "1".repeat(5000));
    worker.send(long.as_bytes(), ANSWER);
    if worker.expect_line("`ERR line too long`", ANSWER) != "ERR line too long" {
        worker
            .failure("a line over 4096 bytes gets exactly `ERR line too long`")
            .raise();
    }
    worker.send_line("4 4 4", ANSWER);
    let expected = pipes::answer(4, 4, 4);
    if worker.expect_line(&format!("`{expected}` after the long line"), ANSWER) != expected {
        worker
            .failure(format!(
                "after a long line the worker goes on with the next: expected `{expected}`"
            ))
            .raise();
    }
    worker.close_stdin();
    let status = worker.expect_exit("its stdin reached EOF", ANSWER);
    if status.code() != Some(0) {
        worker.failure("at EOF it must exit 0").raise();
    }
}

#[test]
fn step1_a_line_of_4096_bytes_is_not_too_long() {
    step(1, "a line of up to 4096 bytes, not counting its `\\n` or `\\r\\n`, is a line like any other; 4097 bytes or more get `ERR line too long`");
    let mut worker = worker();
    for (size, end) in [
        (4095, "\n"),
        (4096, "\n"),
        (4096, "\r\n"),
        (4097, "\n"),
        (4097, "\r\n"),
    ] {
        let line = "1".repeat(size);
        worker.send(format!("{line}{end}").as_bytes(), ANSWER);
        let (expected, why) = if size <= 4096 {
            (
                format!("ERR bad task: {line}"),
                "not too long (the limit is 4096 bytes, its line end not counted), so a bad task",
            )
        } else {
            ("ERR line too long".to_string(), "over 4096 bytes")
        };
        let shown = format!("{size} bytes of `1`, then {end:?}");
        let got = worker.expect_line(&format!("the answer to {shown}"), ANSWER);
        if got != expected {
            worker
                .failure(format!(
                    "a line of {shown} is {why}: expected `{}`",
                    if size <= 4096 {
                        "ERR bad task: 111…"
                    } else {
                        "ERR line too long"
                    }
                ))
                .raise();
        }
        // And it goes on.
        worker.send_line(&format!("{size} 1 10"), ANSWER);
        let expected = pipes::answer(size as u64, 1, 10);
        if worker.expect_line(&format!("`{expected}`"), ANSWER) != expected {
            worker
                .failure(format!("after that line, expected `{expected}`"))
                .raise();
        }
    }
}

#[test]
fn step1_a_long_line_never_sits_in_memory() {
    step(
        1,
        "a line over 4096 bytes gets `ERR line too long` without the worker ever holding it",
    );
    let mut worker = worker();
    worker.send_line("1 1 1", ANSWER);
    let expected = pipes::answer(1, 1, 1);
    if worker.expect_line(&format!("`{expected}`"), ANSWER) != expected {
        worker.failure(format!("expected `{expected}`")).raise();
    }
    let before = worker.peak_rss_mib();
    // 32 MiB without a line end, in pieces, then the end.
    let piece = vec![b'7'; 1 << 20];
    for _ in 0..32 {
        worker.send(&piece, ANSWER);
    }
    worker.send(b"\n", ANSWER);
    if worker.expect_line("`ERR line too long`", ANSWER) != "ERR line too long" {
        worker
            .failure("a 32 MiB line gets exactly `ERR line too long`")
            .raise();
    }
    let peak = worker.peak_rss_mib();
    if peak > before + 16.0 {
        worker
            .failure(format!(
                "its peak resident memory (VmHWM) grew from {before:.1} MiB to {peak:.1} MiB \
                 while it read one 32 MiB line: keep at most 4097 bytes of a line, and skip the \
                 rest up to its `\\n` (`fill_buf` and `consume`, not `read_line`)"
            ))
            .raise();
    }
}

// ---------------------------------------------------------------- step 2

#[test]
fn step2_coordinator_prints_the_exact_result() {
    step(2, "the coordinator splits S samples into tasks of C, sums the answers and prints `pi=… inside=… samples=S workers=N`");
    // The README's example first: the defaults with --samples 1000000. The
    // harness's workers compute it, and record the tasks they were given.
    let workers = ScriptedWorkers::start(&[Role::Good]);
    let run = coordinator(
        &[
            "--samples".into(),
            "1000000".into(),
            "--worker".into(),
            workers.path(),
        ],
        RUN,
    );
    let readme = "pi=3.138764 inside=784691 samples=1000000 workers=2";
    assert_eq!(
        pipes::summary(2, 1_000_000, 1_000_000, 1),
        readme,
        "the oracle"
    );
    expect_summary_with(
        &workers,
        &run,
        2,
        1_000_000,
        1_000_000,
        1,
        "the README's example",
    );
    // The defaults again, with three tasks of the default chunk.
    let workers = ScriptedWorkers::start(&[Role::Good]);
    let run = coordinator(
        &[
            "--samples".into(),
            "2500000".into(),
            "--worker".into(),
            workers.path(),
        ],
        RUN,
    );
    expect_summary_with(
        &workers,
        &run,
        2,
        2_500_000,
        1_000_000,
        1,
        "the defaults: N = 2, C = 1,000,000, SEED = 1",
    );
    let mut given: Vec<[u64; 3]> = workers
        .records()
        .iter()
        .flat_map(|w| w.task_lines.clone())
        .collect();
    given.sort_unstable();
    let expected = [[0, 1, 1_000_000], [1, 2, 1_000_000], [2, 3, 500_000]];
    if given != expected {
        run.failure(format!(
            "with --samples 2500000 and the defaults, the tasks must be `0 1 1000000`, \
             `1 2 1000000` and `2 3 500000`; the harness's workers were given {given:?}"
        ))
        .with("note", workers.by_hand_note())
        .raise();
    }
    let worker = worker_path();
    for (n, s, c, seed, why) in [
        (
            1,
            25,
            10,
            7,
            "S not a multiple of C: the last task is smaller",
        ),
        (1, 1, 1, 0, "one sample"),
        (3, 100_001, 7_000, u64::MAX - 3, "seeds wrap at 2^64"),
        (2, 5, 1_000_000, 42, "fewer samples than one chunk"),
        (4, 2000, 1, 9, "one sample per task, 4 workers"),
    ] {
        let run = coordinator(&args(n, s, c, seed, &worker, &[]), RUN);
        expect_summary(&run, n, s, c, seed, why);
    }
}

#[test]
fn step2_without_worker_it_starts_the_pi_worker_in_its_own_directory() {
    step(2, "`--worker` names the worker program; without it, the coordinator starts the `pi-worker` in its own directory");
    // A copy of the coordinator, in a directory whose `pi-worker` is the
    // harness's: so the workers it starts say whether it found them there.
    let workers = ScriptedWorkers::start(&[Role::Good]);
    let run = Client::new(workers.beside(&program!("pi-coordinator")))
        .args(["--workers", "2", "--samples", "20000", "--chunk", "1000"])
        .deadline(RUN)
        .run();
    let started = workers.records().len();
    if started != 2 {
        run.failure(format!(
            "run without --worker from {}, it must start the pi-worker next to it there, twice \
             (--workers 2); {started} of them started (does it look for `pi-worker` in its own \
             directory, `std::env::current_exe()`'s parent, rather than on the PATH or in the \
             current directory?)",
            workers.dir().display()
        ))
        .with("note", workers.by_hand_note())
        .raise();
    }
    expect_summary_with(
        &workers,
        &run,
        2,
        20_000,
        1_000,
        1,
        "with the default --worker",
    );
}

#[test]
fn step2_coordinator_checks_its_arguments() {
    step(
        2,
        "N, S and C must be at least 1, else a usage error (exit 2)",
    );
    let worker = worker_path();
    let run = coordinator(&args(1, 10, 3, 5, &worker, &[]), RUN);
    expect_summary(&run, 1, 10, 3, 5, "a valid command line");
    for (flag, why) in [
        ("--workers", "no workers"),
        ("--samples", "no samples"),
        ("--chunk", "empty tasks"),
    ] {
        let mut line = args(1, 10, 3, 5, &worker, &[]);
        let at = line.iter().position(|a| a == flag).unwrap();
        line[at + 1] = "0".into();
        let run = coordinator(&line, RUN);
        run.expect_code(2, &format!("`{flag} 0` is a usage error ({why})"));
    }
}

// ---------------------------------------------------------------- step 3

#[test]
fn step3_200000_tasks_through_2_workers_finish() {
    step(
        3,
        "read answers while writing tasks: 200,000 small tasks through 2 workers never deadlock",
    );
    let worker = worker_path();
    let line = args(2, 200_000, 1, 1, &worker, &[]);
    let line: Vec<&str> = line.iter().map(String::as_str).collect();
    let mut process = Process::spawn(program!("pi-coordinator"), &line);
    match finish_or_pipe_deadlock(&mut process, Duration::from_secs(12)) {
        Ok(()) => {}
        Err(Stuck::PipeDeadlock {
            coordinator,
            workers,
            seen,
        }) => Failure::new(format!(
            "pipe deadlock: the coordinator (pid {coordinator}) is blocked writing tasks into a \
             worker's stdin (pipe_write) while worker(s) {workers:?} are blocked writing answers \
             into their stdout (pipe_write), which nobody reads. Both pipe buffers (about \
             64 KiB each) are full and each side waits for the other for ever: write a few \
             tasks, then read answers as they come (a reader thread per worker), never all \
             the tasks first"
        ))
        .with(
            "kernel",
            format!("where each process is blocked (/proc/PID/task/*/wchan):\n{seen}"),
        )
        .context(&process.context())
        .raise(),
        Err(Stuck::TooSlow { seen, waited }) => Failure::new(format!(
            "200,000 tasks of 1 sample did not finish within {waited} (the reference takes \
             about 1 s in a debug build)"
        ))
        .with(
            "kernel",
            format!("where each process is blocked (/proc/PID/task/*/wchan):\n{seen}"),
        )
        .context(&process.context())
        .raise(),
    }
    let got = process.expect_stdout_line("the summary line", PATIENCE);
    let expected = pipes::summary(2, 200_000, 1, 1);
    if got != expected {
        process.fail(format!("wrong summary: got `{got}`, expected `{expected}`"));
    }
    let status = process.expect_exit("it printed its summary", PATIENCE);
    if status.code() != Some(0) {
        process.fail(format!(
            "expected exit 0, got {}",
            harness::describe_status(status)
        ));
    }
}

// ---------------------------------------------------------------- step 4

#[test]
fn step4_n_workers_each_get_tasks() {
    step(
        4,
        "the coordinator starts N worker processes and hands tasks to each as it becomes free",
    );
    let workers = ScriptedWorkers::start(&[Role::Good]);
    let run = coordinator(&args(3, 600, 1, 5, &workers.path(), &[]), RUN);
    expect_summary_with(&workers, &run, 3, 600, 1, 5, "3 workers, 600 tasks");
    let records = workers.records();
    let pids: std::collections::HashSet<u32> = records.iter().map(|w| w.pid).collect();
    let counts: Vec<usize> = records.iter().map(|w| w.tasks.len()).collect();
    if pids.len() != 3 || counts.iter().any(|&c| c == 0 || c == 600) {
        run.failure(format!(
            "with --workers 3 and 600 tasks, expected 3 worker processes that each got some \
             of the tasks; the harness's workers saw {} process(es) getting {counts:?} tasks",
            pids.len()
        ))
        .raise();
    }
    expect_no_worker_left(&workers, &run);
}

// ---------------------------------------------------------------- step 5

/// Runs 2 workers, the first with `role`, the second good, over 300 tasks,
/// and expects the exact result anyway.
#[track_caller]
fn survives(role: Role, what: &str, extra: &[&str]) -> (ScriptedWorkers, Run) {
    let workers = ScriptedWorkers::start(&[role, Role::Good]);
    let run = coordinator(&args(2, 30_000, 10, 77, &workers.path(), extra), RUN);
    expect_summary_with(&workers, &run, 2, 30_000, 10, 77, &format!(
        "a worker that {what} is killed and dropped, its unanswered tasks go to the other, and the result is the same"
    ));
    expect_started(&workers, &run, 2);
    expect_no_worker_left(&workers, &run);
    (workers, run)
}

#[test]
fn step5_a_worker_that_dies_after_3_answers() {
    step(5, "a worker that dies (EOF on its stdout) is dropped and its tasks go to the others: same result, exit 0");
    survives(Role::DieAfter(3), "exits after 3 answers", &[]);
}

#[test]
fn step5_a_worker_that_answers_garbage() {
    step(5, "a worker that answers garbage is killed and dropped, its tasks go to the others: same result, exit 0");
    survives(
        Role::GarbageAfter(2),
        "answers `garbage` after 2 good answers",
        &[],
    );
}

#[test]
fn step5_a_worker_that_answers_a_well_formed_lie() {
    step(5, "garbage is any line that is not `<id> <inside> <samples>` for one of the worker's outstanding ids, with that task's samples and `inside <= samples`, however well formed: killed and dropped, same result");
    // Each lie claims 0 points inside, or more than were drawn: counted, it
    // would change the sum, so a coordinator that checks only that the line
    // is three numbers prints a wrong result.
    for (lie, what) in [
        (
            Lie::UnknownId,
            "answers `<an id it was never given> 0 10` after 2 good answers",
        ),
        (
            Lie::WrongSamples,
            "answers `<id> 0 11` to a task of 10 samples after 2 good answers",
        ),
        (
            Lie::InsideOverSamples,
            "answers `<id> 11 10` (more points inside than drawn) after 2 good answers",
        ),
    ] {
        survives(Role::LieAfter(2, lie), what, &[]);
    }
}

#[test]
fn step5_a_worker_that_closes_its_stdin_early() {
    step(5, "a worker whose stdin is closed (EPIPE on write, which must not kill or panic the coordinator) is dropped: same result, exit 0");
    survives(
        Role::CloseStdinAfter(3),
        "closes its stdin after 3 tasks (EPIPE on the next write)",
        &[],
    );
}

#[test]
fn step5_a_silent_worker_is_dropped_after_the_task_timeout() {
    step(5, "a worker that leaves a task unanswered for T ms (--task-timeout-ms) is killed and dropped: same result, exit 0");
    let (workers, run) = survives(
        Role::Silent,
        "never answers (with --task-timeout-ms 300)",
        &["--task-timeout-ms", "300"],
    );
    // The silent worker read every task it was sent: that many were outstanding at once.
    let sent = workers.records()[0].tasks.len();
    if sent > 1000 {
        run.failure(format!(
            "the silent worker was sent {sent} of the 3,000 tasks without answering one: keep a \
             bounded number of tasks outstanding per worker (a few, not all it can take)"
        ))
        .with("note", workers.by_hand_note())
        .raise();
    }
}

#[test]
fn step5_the_coordinator_waits_without_burning_a_core() {
    step(
        5,
        "wait for answers with a timeout (`recv_timeout`), up to the next deadline: never spin",
    );
    // One worker that never answers, and T = 3 s: for 3 s the coordinator
    // has nothing to do but wait. Its CPU time over one second of that wait
    // is what it burns waiting.
    let workers = ScriptedWorkers::start(&[Role::Silent]);
    let line = args(
        1,
        10,
        10,
        1,
        &workers.path(),
        &["--task-timeout-ms", "3000"],
    );
    let line: Vec<&str> = line.iter().map(String::as_str).collect();
    let mut process = Process::spawn(program!("pi-coordinator"), &line);
    // The wait starts once the worker has read its task.
    if !workers.wait_for(PATIENCE, |r| r.len() == 1 && !r[0].tasks.is_empty()) {
        Failure::new("the coordinator never sent its one worker a task")
            .with("note", workers.by_hand_note())
            .context(&process.context())
            .raise();
    }
    let before = cpu_seconds(&process);
    thread::sleep(Duration::from_secs(1)); // injected delay: one second of the coordinator's wait, to measure
    let after = cpu_seconds(&process);
    if let (Some(before), Some(after)) = (before, after) {
        // A waiter sleeping in recv_timeout uses a few milliseconds; a
        // spinning one all the CPU it gets, a good share of a second even
        // with both cores busy.
        if after - before > 0.1 {
            Failure::new(format!(
                "while its one worker owed an answer (T = 3 s), the coordinator used {:.2} s of \
                     CPU in one second",
                after - before
            ))
            .with(
                "expected",
                "under 0.1 s: block in `rx.recv_timeout(until the next deadline)`, never a loop \
                     of `try_recv` or a zero timeout",
            )
            .with("note", workers.by_hand_note())
            .context(&process.context())
            .raise();
        }
    }
    process.expect_exit(
        "its only worker was dropped at T: exit 1",
        Duration::from_secs(8),
    );
}

#[test]
fn step5_a_silent_worker_is_dropped_while_the_others_still_work() {
    step(5, "a worker that leaves a task unanswered for T ms is dropped T ms after it began to owe it, however busy the other workers are");
    let workers = ScriptedWorkers::start(&[Role::Silent, Role::Paced]);
    // The paced worker answers a task every 5 ms for about 2 s: it answers
    // all the time, and still has fresh tasks long after the silent one's
    // T = 1 s is up.
    let (s, c) = (4_000, 10);
    let run = coordinator(
        &args(2, s, c, 5, &workers.path(), &["--task-timeout-ms", "1000"]),
        Duration::from_secs(15),
    );
    expect_summary_with(
        &workers,
        &run,
        2,
        s,
        c,
        5,
        "a silent worker is dropped and its tasks go to the other",
    );
    expect_started(&workers, &run, 2);
    let records = workers.records();
    let silent: std::collections::HashSet<u64> = records
        .iter()
        .filter(|w| w.role == Role::Silent)
        .flat_map(|w| w.tasks.iter().copied())
        .collect();
    let good: Vec<u64> = records
        .iter()
        .filter(|w| w.role == Role::Paced)
        .flat_map(|w| w.tasks.iter().copied())
        .collect();
    // Once the silent worker is dropped, its tasks go to the good one: after
    // the first of them, the good one must still get tasks of its own.
    let taken_over = good.iter().position(|id| silent.contains(id));
    if !taken_over.is_some_and(|at| good[at..].iter().any(|id| !silent.contains(id))) {
        run.failure(format!(
            "the silent worker's {} tasks went to the other worker only once it had no other \
             task left ({} tasks in all): the silent one was dropped when the others ran out of \
             work, not 1 s (T) after it began to owe an answer. A `recv_timeout(T)` after each \
             event is reset by every answer of any worker; wait instead until the earliest \
             moment some worker's oldest unanswered task becomes overdue",
            silent.len(),
            good.len()
        ))
        .with("note", workers.by_hand_note())
        .raise();
    }
    expect_no_worker_left(&workers, &run);
}

#[test]
fn step5_all_workers_failing_exits_1() {
    step(5, "when no worker is left: `error: all N workers failed (first: <why>)` on stderr, exit 1, at once");
    let workers = ScriptedWorkers::start(&[Role::DieAfter(2)]);
    let run = coordinator(&args(3, 3000, 10, 1, &workers.path(), &[]), RUN);
    expect_code_with(&workers, &run, 1, "every worker died: a runtime failure");
    expect_started(&workers, &run, 3);
    let stderr = run.stderr();
    if !stderr
        .lines()
        .any(|l| l.starts_with("error: all 3 workers failed (first: "))
    {
        run.failure("expected the line `error: all 3 workers failed (first: <why>)` on stderr")
            .raise();
    }
    expect_no_worker_left(&workers, &run);
    // A worker program that cannot even start fails the same way.
    let run = coordinator(&args(2, 10, 1, 1, "/nonexistent/pi-worker", &[]), RUN);
    run.expect_code(1, "no worker could start: a runtime failure, not a panic");
    if !run
        .stderr()
        .lines()
        .any(|l| l.starts_with("error: all 2 workers failed (first: "))
    {
        run.failure("expected the line `error: all 2 workers failed (first: <why>)` on stderr")
            .raise();
    }
}

// ---------------------------------------------------------------- step 6

#[test]
fn step6_no_worker_left_after_it_exits() {
    step(6, "on its own exit the coordinator closes its workers' stdin, kills (SIGKILL) any still alive 500 ms later, and waits for every one");
    // The second worker does not exit at EOF: only a kill ends it.
    let workers = ScriptedWorkers::start(&[Role::Good, Role::Linger]);
    let run = coordinator(&args(2, 2000, 10, 3, &workers.path(), &[]), RUN);
    expect_summary_with(&workers, &run, 2, 2000, 10, 3, "every task answered");
    expect_started(&workers, &run, 2);
    expect_no_worker_left(&workers, &run);
}

#[test]
fn step6_workers_get_500_ms_to_exit_after_eof() {
    step(6, "on its own exit the coordinator closes its workers' stdin and gives them 500 ms to exit by themselves: it kills only the ones still alive then");
    // Two workers exit at EOF at once; the third takes a moment first, so
    // its EOF comes last, and it must be waited for, not killed.
    let workers = ScriptedWorkers::start(&[Role::Good, Role::Good, Role::SlowExit]);
    let run = coordinator(&args(3, 3000, 10, 4, &workers.path(), &[]), RUN);
    expect_summary_with(&workers, &run, 3, 3000, 10, 4, "every task answered");
    expect_started(&workers, &run, 3);
    expect_no_worker_left(&workers, &run);
    let slow = |r: &[pipes::WorkerRecord]| {
        r.iter()
            .filter(|w| w.role == Role::SlowExit)
            .all(|w| w.exited)
    };
    if !workers.wait_for(PATIENCE, |r| r.len() == 3 && slow(r)) {
        run.failure(format!(
            "the worker that takes {} ms to exit after EOF was killed before it could: after \
             closing every worker's stdin, wait up to 500 ms for each one's EOF on its stdout \
             (every one of them, not the first few), and kill only those still alive then",
            SLOW_EXIT.as_millis()
        ))
        .with("note", workers.by_hand_note())
        .raise();
    }
}

#[test]
fn step6_a_dead_worker_is_waited_for() {
    step(
        6,
        "a worker that died is waited for (no zombie), on success and when all fail",
    );
    let workers = ScriptedWorkers::start(&[Role::DieAfter(1), Role::Good]);
    let run = coordinator(&args(2, 2000, 10, 3, &workers.path(), &[]), RUN);
    expect_summary_with(
        &workers,
        &run,
        2,
        2000,
        10,
        3,
        "the first worker died, the second did everything",
    );
    expect_started(&workers, &run, 2);
    expect_no_worker_left(&workers, &run);
    let workers = ScriptedWorkers::start(&[Role::DieAfter(1)]);
    let run = coordinator(&args(2, 2000, 10, 3, &workers.path(), &[]), RUN);
    expect_code_with(&workers, &run, 1, "every worker died");
    expect_started(&workers, &run, 2);
    expect_no_worker_left(&workers, &run);
}

/// Starts a coordinator over 2 workers that stall after 2 answers, waits
/// until both have stalled, sends it `signal`, and checks its exit code and
/// that no worker is left.
fn interrupted(signal: i32, name: &str, code: i32) {
    let workers = ScriptedWorkers::start(&[Role::StallAfter(2)]);
    let line = args(2, 100_000, 10, 3, &workers.path(), &[]);
    let line: Vec<&str> = line.iter().map(String::as_str).collect();
    let mut process = Process::spawn(program!("pi-coordinator"), &line);
    let mut repro = vec![process.program().cargo_run_line(&args(
        2,
        100_000,
        10,
        3,
        "target/debug/pi-worker",
        &[],
    ))];
    repro.push(format!(
        "kill -{} $(pgrep -n pi-coordinator)    # in a second terminal, while it runs",
        name.trim_start_matches("SIG")
    ));
    process.set_repro(repro);
    // Mid-run, by events: both workers have read a third task they will never answer.
    if !workers.wait_for(PATIENCE, |r| {
        r.len() == 2 && r.iter().all(|w| w.tasks.len() >= 3)
    }) {
        process.fail(format!(
            "expected 2 workers that each got 3 tasks; the harness's workers saw: {:?}",
            workers.records()
        ));
    }
    pipes::send_signal(process.pid(), signal);
    let status = process.expect_exit(&format!("it was sent {name}"), PATIENCE);
    if status.code() != Some(code) {
        process.fail(format!(
            "after {name} it must exit with {code}; it ended with {}",
            harness::describe_status(status)
        ));
    }
    let leftovers = process.leftovers();
    if let Some(problem) = workers_left(&workers.records(), &leftovers) {
        process.fail(format!("after {name}: {problem}"));
    }
}

#[test]
fn step6_sigterm_mid_run_leaves_no_worker() {
    step(6, "on SIGTERM the coordinator closes its workers' stdin, kills any still alive 500 ms later, waits for them, and exits 143");
    interrupted(15, "SIGTERM", 143);
}

#[test]
fn step6_sigint_mid_run_leaves_no_worker() {
    step(
        6,
        "on SIGINT (Ctrl-C) the coordinator stops its workers the same way and exits 130",
    );
    interrupted(2, "SIGINT", 130);
}
