//! Reading a program's stdout and stderr without ever trusting it: a thread per
//! pipe keeps reading so the program never blocks on a full pipe, and what is
//! kept is capped, so a program that floods its output cannot grow the test
//! process (which must stay a few tens of MiB whatever it runs).
//!
//! - stderr is only ever kept to its tail ([`tail`]): a chatty program is fine;
//! - stdout is where the contract puts a ready line or a summary: a program
//!   that writes more than [`STDOUT_LIMIT`] there has gone wrong, and the
//!   capture says so ([`whole`] for clients, [`lines`] for servers).

use std::collections::VecDeque;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// More than this on stdout fails the test.
pub const STDOUT_LIMIT: usize = 16 << 20;

/// A longer line on stdout is cut here (the rest of it is read and dropped).
pub const LINE_CAP: usize = 64 << 10;

/// Unread stdout lines kept for the test; older ones go first.
pub const QUEUED_LIMIT: usize = 1 << 20;

/// What a flooded capture keeps, for the report.
const FLOOD_KEPT: usize = 64 << 10;

/// The verdict for a flood, in one place.
pub fn flood_verdict() -> String {
    format!(
        "it wrote more than {} MiB on stdout (where the contract puts only a ready line or a \
         summary): the harness stopped it",
        STDOUT_LIMIT >> 20
    )
}

/// A pipe being copied into a buffer by a thread of its own.
pub struct Capture {
    pub bytes: Arc<Mutex<Vec<u8>>>,
    /// Disconnects when the pipe reaches EOF.
    pub eof: Receiver<()>,
    pub flooded: Arc<AtomicBool>,
}

impl Capture {
    /// Waits until the pipe is closed, at most until `deadline`.
    pub fn wait_eof(&self, deadline: Instant) {
        let _ = self
            .eof
            .recv_timeout(deadline.saturating_duration_since(Instant::now()));
    }
}

/// Keeps the last `keep` bytes of `pipe`.
pub fn tail(pipe: impl Read + Send + 'static, keep: usize) -> Capture {
    copy(pipe, move |kept, chunk| {
        kept.extend_from_slice(chunk);
        if kept.len() > keep {
            let excess = kept.len() - keep;
            kept.drain(..excess);
        }
        true
    })
}

/// Keeps all of `pipe` up to [`STDOUT_LIMIT`]; past it, marks the capture
/// flooded, keeps only its beginning and calls `on_flood` (which stops the
/// program), still draining the pipe so the program never blocks on it.
pub fn whole(
    pipe: impl Read + Send + 'static,
    on_flood: impl FnOnce() + Send + 'static,
) -> Capture {
    let mut on_flood = Some(on_flood);
    copy(pipe, move |kept, chunk| {
        if kept.len() + chunk.len() <= STDOUT_LIMIT {
            kept.extend_from_slice(chunk);
            return true;
        }
        kept.truncate(FLOOD_KEPT);
        kept.shrink_to_fit();
        if let Some(stop) = on_flood.take() {
            stop();
        }
        false
    })
}

/// Runs `keep` on each chunk read, under the buffer's lock, until EOF. When
/// `keep` returns false the capture is flooded: reading goes on, keeping stops.
fn copy(
    mut pipe: impl Read + Send + 'static,
    mut keep: impl FnMut(&mut Vec<u8>, &[u8]) -> bool + Send + 'static,
) -> Capture {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let flooded = Arc::new(AtomicBool::new(false));
    let (at_eof, eof) = mpsc::channel::<()>();
    let (sink, flag) = (Arc::clone(&bytes), Arc::clone(&flooded));
    thread::spawn(move || {
        let _at_eof = at_eof; // dropped when the pipe ends, which `eof` sees
        let mut chunk = vec![0u8; 64 << 10];
        while let Ok(n) = pipe.read(&mut chunk) {
            if n == 0 {
                break;
            }
            if flag.load(Ordering::Relaxed) {
                continue;
            }
            let mut kept = sink.lock().unwrap_or_else(|e| e.into_inner());
            if !keep(&mut kept, &chunk[..n]) {
                flag.store(true, Ordering::Relaxed);
            }
        }
    });
    Capture {
        bytes,
        eof,
        flooded,
    }
}

/// What [`Lines::next`] found.
pub enum Next {
    Line(Vec<u8>),
    /// Nothing within the time given.
    Nothing,
    /// The pipe is closed and every line was taken.
    Closed,
    /// More than [`STDOUT_LIMIT`] came: the program was stopped.
    Flooded,
    /// Lines came faster than the test took them and this many were dropped
    /// unread: whatever the test reads next would not be what followed.
    Overrun(usize),
}

#[derive(Default)]
struct LineState {
    queue: VecDeque<Vec<u8>>,
    queued: usize,
    closed: bool,
    flooded: bool,
    /// Lines dropped unread since the test last asked.
    dropped: usize,
}

/// A server's stdout, line by line: the lines not yet taken wait in a bounded
/// queue, each line at most [`LINE_CAP`] bytes. When the queue is full the
/// oldest go first, and the next read says so ([`Next::Overrun`]) instead of
/// handing over a line that does not follow the last one taken: a test that
/// counts lines ("printed once") must never miss the copies it is counting.
pub struct Lines {
    state: Arc<(Mutex<LineState>, Condvar)>,
}

pub fn lines(
    mut pipe: impl Read + Send + 'static,
    on_flood: impl FnOnce() + Send + 'static,
) -> Lines {
    let state: Arc<(Mutex<LineState>, Condvar)> = Arc::default();
    let shared = Arc::clone(&state);
    thread::spawn(move || {
        let (lock, ready) = &*shared;
        let mut on_flood = Some(on_flood);
        let mut chunk = vec![0u8; 64 << 10];
        let mut line = Vec::new();
        let mut total = 0usize;
        let mut cut = false;
        while let Ok(n) = pipe.read(&mut chunk) {
            if n == 0 {
                break;
            }
            total = total.saturating_add(n);
            if total > STDOUT_LIMIT {
                if let Some(stop) = on_flood.take() {
                    lock.lock().unwrap_or_else(|e| e.into_inner()).flooded = true;
                    ready.notify_all();
                    stop();
                }
                continue; // drain, keep nothing
            }
            let mut complete = Vec::new();
            for &byte in &chunk[..n] {
                if !cut {
                    line.push(byte);
                }
                if byte == b'\n' {
                    if cut {
                        line.push(b'\n');
                    }
                    complete.push(std::mem::take(&mut line));
                    cut = false;
                } else if line.len() >= LINE_CAP && !cut {
                    cut = true;
                }
            }
            if !complete.is_empty() {
                let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
                for line in complete {
                    state.queued += line.len();
                    state.queue.push_back(line);
                }
                while state.queued > QUEUED_LIMIT && state.queue.len() > 1 {
                    let old = state.queue.pop_front().unwrap_or_default();
                    state.queued -= old.len();
                    state.dropped += 1;
                }
                ready.notify_all();
            }
        }
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        if !line.is_empty() && !state.flooded {
            state.queued += line.len();
            state.queue.push_back(line);
        }
        state.closed = true;
        ready.notify_all();
    });
    Lines { state }
}

impl Lines {
    /// The next line, waiting at most `patience` for it.
    pub fn next(&self, patience: Duration) -> Next {
        let (lock, ready) = &*self.state;
        let deadline = Instant::now() + patience;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if state.flooded {
                return Next::Flooded;
            }
            if state.dropped > 0 {
                return Next::Overrun(std::mem::take(&mut state.dropped));
            }
            if let Some(line) = state.queue.pop_front() {
                state.queued -= line.len();
                return Next::Line(line);
            }
            if state.closed {
                return Next::Closed;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Next::Nothing;
            }
            state = ready
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}
