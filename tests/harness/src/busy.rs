//! Patience that tells "still starting" from "waiting with its answer unsent".
//!
//! A deadline on a program's first words counts its start-up too. A Python
//! program whose interpreter is still loading, on a machine where a build
//! keeps both cores busy, may need more than the 3 or 4 s a test allows it,
//! and a correct program must not fail for that. Giving everything a longer
//! deadline would make every test of a program that keeps its answer in a
//! buffer wait that long. So when the patience is spent, the harness asks the
//! kernel what every thread of the program and of everything it started is
//! doing (`/proc/PID/task/TID/stat` and `schedstat`):
//!
//! - all asleep (`S`), and next to no CPU used in the last half second: it
//!   is waiting for something, and what it owes is not coming. The test
//!   fails now;
//! - one running or waiting for a CPU (`R`), or waiting for the disk (`D`:
//!   an `fsync`), or a fifth of a CPU or more used over the last half
//!   second: it is still working. The test waits on, in slices, for at most
//!   [`BUSY_GRACE`] more.
//!
//! Threads, not processes: a server's main thread sits in `accept` while the
//! thread that owes the answer waits for the disk.

use std::time::{Duration, Instant};

/// The most a busy program is waited for past its patience.
pub const BUSY_GRACE: Duration = Duration::from_secs(6);

/// How long the CPU time is watched for before it counts as "idle".
const WATCH: Duration = Duration::from_millis(500);

/// The share of a CPU a program must have used over a while to count as
/// working: a program that wakes for a timer uses far less.
const WORKING_SHARE: f64 = 0.2;

/// The longest single wait: how often the program is looked at once its
/// patience is spent.
const SLICE: Duration = Duration::from_millis(50);

/// One wait for a program: [`Patience::next_wait`] says how long to wait
/// next, or that the wait is over.
pub struct Patience {
    patience: Duration,
    /// The most it waits past `patience` ([`BUSY_GRACE`]).
    grace: Duration,
    deadline: Instant,
    /// How long it must stay idle to count as waiting (shorter only for a
    /// patience under a second).
    watch: Duration,
    /// When the CPU time was last read, and what it was then (ns).
    sample: Option<(Instant, u64)>,
    /// Whether the program was found busy once its patience was spent.
    extended: bool,
    /// Whether it was still busy when the grace ran out too.
    busy_to_the_end: bool,
}

impl Patience {
    /// A wait of `patience`, starting now.
    pub fn new(patience: Duration) -> Patience {
        Patience::with_grace(patience, BUSY_GRACE)
    }

    /// A wait of exactly `patience`, busy or not: for a wait that expects
    /// nothing to come, which more time could only make wrong.
    pub fn exact(patience: Duration) -> Patience {
        Patience::with_grace(patience, Duration::ZERO)
    }

    fn with_grace(patience: Duration, grace: Duration) -> Patience {
        Patience {
            patience,
            grace,
            deadline: Instant::now() + patience,
            watch: WATCH.min(patience / 2),
            sample: None,
            extended: false,
            busy_to_the_end: false,
        }
    }

    /// How long to wait before asking again, or `None`: the patience is
    /// spent and the program is idle (or gone), or the grace is spent too.
    /// `family` lists the program's live processes (itself, and what it
    /// started), asked for only near the deadline and past it.
    pub fn next_wait(&mut self, family: impl FnOnce() -> Vec<u32>) -> Option<Duration> {
        let now = Instant::now();
        if self.grace.is_zero() {
            return (now < self.deadline).then(|| self.deadline - now);
        }
        // The first sample is taken WATCH before the deadline, so that an
        // idle program fails at its deadline, not WATCH later.
        let watch_from = self.deadline - self.watch;
        if now < watch_from {
            return Some((watch_from - now).min(SLICE));
        }
        let Some(activity) = activity(&family()) else {
            // Gone: its output, if any, is on its way; the deadline stands.
            return (now < self.deadline).then(|| (self.deadline - now).min(SLICE));
        };
        // The first sample counts from `watch_from`, though taken a little
        // later: the while it covers is then the whole watch at the deadline.
        let (at, run_ns) = *self.sample.get_or_insert((watch_from, activity.run_ns));
        if now < self.deadline {
            return Some((self.deadline - now).min(SLICE));
        }
        if now >= self.deadline + self.grace {
            self.busy_to_the_end = true;
            return None;
        }
        if !activity.running && now - at >= self.watch {
            // Asleep now: was it working over the last while, or only waking
            // now and then (a timer, a poll)? (A process that exited takes
            // its time with it: the sum may shrink.)
            if !working(activity.run_ns.saturating_sub(run_ns), now - at) {
                return None;
            }
            self.sample = Some((now, activity.run_ns));
        }
        self.extended = true;
        Some(SLICE)
    }

    /// What the failure report says about the wait: its patience, and the
    /// grace if the program was busy when it ran out.
    pub fn describe(&self) -> String {
        let waited = format!("{:.1} s", self.patience.as_secs_f64());
        let more = Instant::now().saturating_duration_since(self.deadline);
        if self.busy_to_the_end {
            format!(
                "{waited} and {:.1} s more, for it was running all along (busy, not \
                 waiting: a loop that never ends, or a machine too busy to run it?)",
                more.as_secs_f64()
            )
        } else if self.extended {
            format!(
                "{waited} (and {:.1} s more while it was still running)",
                more.as_secs_f64()
            )
        } else {
            waited
        }
    }
}

/// Whether `run_ns` of CPU time over `while_` is work, not a sleeper waking
/// now and then.
fn working(run_ns: u64, while_: Duration) -> bool {
    Duration::from_nanos(run_ns).as_secs_f64() >= WORKING_SHARE * while_.as_secs_f64()
}

/// How long a program must stay asleep, using next to no CPU, to count as
/// waiting in [`until_waiting`].
const SETTLE: Duration = Duration::from_millis(100);

/// What every thread of a program's family is doing, summed over them.
pub(crate) struct Activity {
    /// One is on a CPU, waiting for one (`R`), or reading the disk (`D`).
    pub running: bool,
    /// How long they have been on a CPU, in ns (`schedstat`'s first field).
    run_ns: u64,
    /// How many times they were put on a CPU (its third): a sleeper that
    /// wakes up adds one.
    pub runs: u64,
}

/// What `family`'s threads are doing now, or `None` if none is alive.
pub(crate) fn activity(family: &[u32]) -> Option<Activity> {
    let mut summed = Activity {
        running: false,
        run_ns: 0,
        runs: 0,
    };
    let mut alive = false;
    for pid in family {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
                continue;
            };
            let Some(state) = stat.rfind(')').and_then(|at| stat[at + 2..].chars().next()) else {
                continue;
            };
            if matches!(state, 'Z' | 'X') {
                continue;
            }
            alive = true;
            summed.running |= matches!(state, 'R' | 'D');
            let schedstat =
                std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
            let fields: Vec<u64> = schedstat
                .split_whitespace()
                .filter_map(|field| field.parse().ok())
                .collect();
            summed.run_ns += fields.first().copied().unwrap_or(0);
            summed.runs += fields.get(2).copied().unwrap_or(0);
        }
    }
    alive.then_some(summed)
}

/// How many times `family`'s threads have been put on a CPU so far: a mark
/// for [`until_waiting`]'s `woken_since`.
pub fn runs(family: &[u32]) -> u64 {
    activity(family).map_or(0, |activity| activity.runs)
}

/// Waits until the program is waiting for something: over [`SETTLE`], found
/// asleep at least half the times it was looked at, and next to no CPU used;
/// or gone. (One look is not enough: on a busy machine, a poller that woke
/// is often found waiting for a CPU, while a program still starting up is
/// found running, or waiting for a CPU or the disk, nearly every time.) With
/// `woken_since` (a [`runs`] mark), it must also have been put on a CPU
/// since, which is to say it woke up and had a look. A test waits so before
/// it changes what the program is watching, and again after: an event, where
/// a fixed delay would count an interpreter's start-up on a busy machine.
/// Returns whether it was waiting (or gone) within `at_most`.
pub fn until_waiting(
    family: impl Fn() -> Vec<u32>,
    woken_since: Option<u64>,
    at_most: Duration,
) -> bool {
    /// One while of looks: since when, its CPU time then, how many looks
    /// and how many found it running.
    struct While {
        at: Instant,
        run_ns: u64,
        looks: u32,
        running: u32,
    }
    let end = Instant::now() + at_most;
    let mut current: Option<While> = None;
    loop {
        let now = Instant::now();
        let Some(activity) = activity(&family()) else {
            return true;
        };
        if woken_since.is_some_and(|mark| activity.runs <= mark) {
            current = None;
        } else {
            let this = current.get_or_insert(While {
                at: now,
                run_ns: activity.run_ns,
                looks: 0,
                running: 0,
            });
            this.looks += 1;
            this.running += u32::from(activity.running);
            if now - this.at >= SETTLE {
                let used = activity.run_ns.saturating_sub(this.run_ns);
                if this.running * 2 <= this.looks && !working(used, now - this.at) {
                    return true;
                }
                current = None;
            }
        }
        if now >= end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5)); // pace: a look at /proc, not a wait for readiness
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contain::{self, Contained};
    use crate::piped::proc_state;
    use crate::process::exited_within;
    use std::process::{Child, Command};

    /// Waits as `Client::run` does, for the program's exit, slice by slice
    /// as the patience says; returns how long. (These programs never exit by
    /// themselves: only the patience ends the wait.)
    fn wait_on(child: &Child, contained: &Contained, patience: &mut Patience) -> Duration {
        let started = Instant::now();
        while let Some(wait) = patience.next_wait(|| contained.family()) {
            exited_within(child.id(), wait);
        }
        started.elapsed()
    }

    /// Starts `script` contained, as the harness starts every program: a
    /// child it did not start is swept away by the other tests.
    fn spawn(script: &str) -> (Child, Contained) {
        contain::spawn(Command::new("sh").args(["-c", script])).unwrap()
    }

    #[test]
    fn an_idle_program_gets_its_patience_and_no_more() {
        // A program that waits (asleep) for as long as the test lets it. The
        // patience starts once it is asleep: on a loaded machine, starting
        // up is running, and earns the grace.
        let (mut child, contained) = spawn("exec sleep 30"); // the program under test: it only waits
        let asleep = Instant::now() + Duration::from_secs(10);
        while proc_state(child.id()).is_none_or(|state| state.state != 'S') {
            assert!(Instant::now() < asleep, "sleep never went to sleep");
            exited_within(child.id(), Duration::from_millis(5));
        }
        let mut patience = Patience::with_grace(Duration::from_millis(600), Duration::from_secs(5));
        let waited = wait_on(&child, &contained, &mut patience);
        contained.kill_all();
        let _ = child.wait();
        assert!(waited >= Duration::from_millis(600), "waited {waited:?}");
        assert!(
            waited < Duration::from_millis(1500),
            "an idle program got more: {waited:?}"
        );
        assert_eq!(patience.describe(), "0.6 s");
    }

    #[test]
    fn a_busy_program_gets_the_grace_and_the_report_says_so() {
        let (mut child, contained) = spawn("while :; do :; done");
        let mut patience = Patience::with_grace(Duration::from_millis(600), Duration::from_secs(1));
        let waited = wait_on(&child, &contained, &mut patience);
        contained.kill_all();
        let _ = child.wait();
        assert!(
            waited >= Duration::from_millis(1600),
            "a busy program got no grace: {waited:?}"
        );
        assert!(
            waited < Duration::from_secs(4),
            "the grace has no end: {waited:?}"
        );
        let said = patience.describe();
        assert!(said.contains("running all along"), "{said}");
    }

    #[test]
    fn a_program_that_waits_is_seen_waiting_once_it_looked_again() {
        // A poller: wakes every 20 ms to look at a file, as a reader polling
        // for a name does (one process: a shell loop would fork a `sleep`
        // each time, and forking is working).
        let (mut child, contained) = spawn("exec tail -f -s 0.02 ---disable-inotify /dev/null"); // the program under test: a poller
        let family = || contained.family();
        assert!(
            until_waiting(family, None, Duration::from_secs(10)),
            "never settled"
        );
        let mark = runs(&family());
        assert!(
            until_waiting(family, Some(mark), Duration::from_secs(10)),
            "never woke"
        );
        assert!(runs(&family()) > mark);
        contained.kill_all();
        let _ = child.wait();
        // A spinner never waits: the wait ends at its limit, saying so.
        let (mut child, contained) = spawn("while :; do :; done");
        let started = Instant::now();
        assert!(!until_waiting(
            || contained.family(),
            None,
            Duration::from_millis(500)
        ));
        assert!(started.elapsed() >= Duration::from_millis(500));
        contained.kill_all();
        let _ = child.wait();
    }
}
