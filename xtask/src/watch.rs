//! `cargo xtask watch [EXERCISE]`: rerun an exercise's tests on every save and
//! show only what to do next: the README's steps as a checklist, then the
//! report of the first failing test alone (a stub fails every test; twenty
//! reports at once teach nothing).
//!
//! Without a terminal it prints that once and exits 0, which is how it is
//! tested. On a terminal it polls `src/` mtimes (no watcher crate: the
//! student's build stays lean) and reads single keys in raw mode.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::cargo::{Outcome, TestRun};
use crate::hint;
use crate::kit::{self, Exercise};

const KEYS: &str = "keys: h hint · r rerun · n next exercise · q quit";

/// `cargo xtask watch [EXERCISE]`.
pub fn run(args: &[String]) -> Result<bool, String> {
    let mut exercise = match args.first() {
        Some(name) => hint::find(name)?,
        None => first_not_passing()?,
    };
    let tty = unsafe { libc::isatty(0) == 1 && libc::isatty(1) == 1 };
    let mut run = show(&exercise, tty)?;
    if !tty {
        return Ok(true);
    }
    let _raw = RawMode::enter()?;
    let mut stamp = newest_mtime(
        &kit::root()
            .join("exercises")
            .join(&exercise.dir)
            .join("src"),
    );
    loop {
        // VTIME makes this read return after 500 ms without a key: the poll.
        let mut key = [0u8; 1];
        let got = std::io::stdin().read(&mut key).unwrap_or(0);
        match (got, key[0]) {
            (1, b'q' | 3) => return Ok(true), // 3: ctrl-c, a key in raw mode
            (1, b'r') => run = show(&exercise, tty)?,
            (1, b'h') => {
                let text = hint::first_failing_step(&run)
                    .and_then(|step| Some((step, hint::hint_text(&exercise, step)?)));
                match text {
                    Some((step, text)) => say(&format!("\nstep {step} hint:\n{text}\n")),
                    None => say("\nno failing step: nothing to hint\n"),
                }
            }
            (1, b'n') => {
                exercise = next(&exercise)?;
                stamp = newest_mtime(&src_of(&exercise));
                run = show(&exercise, tty)?;
            }
            _ => {}
        }
        let src = kit::root()
            .join("exercises")
            .join(&exercise.dir)
            .join("src");
        let now = newest_mtime(&src);
        if now != stamp {
            stamp = now;
            run = show(&exercise, tty)?;
        }
    }
}

/// Runs the tests and prints the checklist, the first failure and the keys.
fn show(exercise: &Exercise, tty: bool) -> Result<TestRun, String> {
    if tty {
        say(&format!("\x1b[2J\x1b[Htesting {}…\n", exercise.dir));
    }
    let run = hint::test(exercise)?;
    let mut out = String::new();
    if tty {
        out.push_str("\x1b[2J\x1b[H");
    }
    out.push_str(&format!("{} ({})\n\n", exercise.dir, exercise.package));
    for (step, title) in steps(exercise) {
        let tests: Vec<Outcome> = run
            .results
            .iter()
            .filter(|(name, _)| hint::step_of(name) == Some(step))
            .map(|(_, outcome)| *outcome)
            .collect();
        let done = !tests.is_empty() && tests.iter().all(|o| *o == Outcome::Passed);
        let mark = if done { 'x' } else { ' ' };
        out.push_str(&format!("[{mark}] step {step}: {title}\n"));
    }
    out.push('\n');
    if run.build_failed {
        out.push_str(&format!(
            "it does not build yet:\n{}\n",
            hint::tail(&run.output, 25)
        ));
    } else if let Some(report) = first_failure(&run) {
        out.push_str(&report);
        out.push('\n');
    } else {
        out.push_str(&format!(
            "all steps pass; compare with solutions/{}/\n",
            exercise.dir
        ));
    }
    out.push_str(&format!("\n{KEYS}\n"));
    say(&out);
    Ok(run)
}

fn say(text: &str) {
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// `(N, title)` of each `## Step N: title` heading.
fn steps(exercise: &Exercise) -> Vec<(u32, String)> {
    let titles = exercise
        .readme
        .lines()
        .filter_map(|line| line.strip_prefix("## Step "))
        .map(|rest| {
            rest.split_once(':')
                .map_or("", |(_, t)| t)
                .trim()
                .to_string()
        });
    exercise.steps().into_iter().zip(titles).collect()
}

/// libtest's `---- NAME stdout ----` block of the first failed test (lowest
/// step, then name: the same one every run, whatever order tests end in), trimmed
/// of libtest's noise: the `thread … panicked at` line (a harness location,
/// not the student's) and the backtrace notes.
fn first_failure(run: &TestRun) -> Option<String> {
    let (name, _) = run
        .results
        .iter()
        .filter(|(_, o)| *o == Outcome::Failed)
        .min_by_key(|(name, _)| (hint::step_of(name).unwrap_or(u32::MAX), name.clone()))?;
    let header = format!("---- {name} stdout ----");
    let start = run.output.find(&header)?;
    let body: Vec<&str> = run.output[start..]
        .lines()
        .enumerate()
        .take_while(|(i, line)| *i == 0 || !is_end(line))
        .map(|(_, line)| line)
        .filter(|line| !(line.starts_with("thread '") || line.starts_with("note: ")))
        .collect();
    let mut body = body;
    body.dedup_by(|a, b| a.trim().is_empty() && b.trim().is_empty());
    Some(body.join("\n").trim_end().to_string())
}

/// Where one test's report ends: the next report, the summary, a backtrace.
fn is_end(line: &str) -> bool {
    line.starts_with("---- ") || line == "failures:" || line == "stack backtrace:"
}

/// The first exercise whose tests do not all pass (the last one if all do).
fn first_not_passing() -> Result<Exercise, String> {
    let mut exercises = kit::exercises()?;
    let last = exercises.pop().ok_or("no exercises")?;
    for exercise in exercises {
        let run = hint::test(&exercise)?;
        if run.build_failed || run.passed().len() < run.results.len() {
            return Ok(exercise);
        }
    }
    Ok(last)
}

/// The exercise after this one, wrapping round.
fn next(exercise: &Exercise) -> Result<Exercise, String> {
    let mut exercises = kit::exercises()?;
    let at = exercises
        .iter()
        .position(|e| e.dir == exercise.dir)
        .unwrap_or(0);
    Ok(exercises.swap_remove((at + 1) % exercises.len()))
}

/// The folder a student edits: a save there means run again.
fn src_of(exercise: &Exercise) -> PathBuf {
    kit::root()
        .join("exercises")
        .join(&exercise.dir)
        .join("src")
}

/// The newest modification time of any file under `dir`: a save changes it.
fn newest_mtime(dir: &Path) -> Option<SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let time = if path.is_dir() {
            newest_mtime(&path)
        } else {
            entry.metadata().ok()?.modified().ok()
        };
        newest = newest.max(time);
    }
    newest
}

/// The terminal in raw mode (keys arrive one by one, unechoed) until dropped;
/// a panic hook restores it too, so a crash never leaves the shell unusable.
struct RawMode;

static SAVED: std::sync::OnceLock<libc::termios> = std::sync::OnceLock::new();

impl RawMode {
    fn enter() -> Result<RawMode, String> {
        // SAFETY: termios is plain data, filled in by tcgetattr.
        let mut term: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(0, &mut term) } != 0 {
            return Err("cannot read the terminal's settings".into());
        }
        let _ = SAVED.set(term);
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            hook(info);
        }));
        // ISIG off too: ctrl-c comes as a key, and the terminal is restored on quit.
        term.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG);
        term.c_cc[libc::VMIN] = 0;
        term.c_cc[libc::VTIME] = 5; // tenths of a second: the 500 ms poll
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &term) };
        Ok(RawMode)
    }
}

fn restore() {
    if let Some(term) = SAVED.get() {
        unsafe { libc::tcsetattr(0, libc::TCSANOW, term) };
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        restore();
    }
}
