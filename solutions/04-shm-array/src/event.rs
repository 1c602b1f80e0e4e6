//! The state field as an event between two processes.
//!
//! Shared memory has no synchronization of its own: the only thing that tells
//! the reader the values are there is the state field, and only when it is
//! used with the right orderings. The writer fills the values, then stores
//! `READY` with `Release`; the reader loads the state with `Acquire`, and once
//! it sees `READY` it also sees every value written before that store. With
//! `Relaxed`, or plain writes, the compiler and an ARM CPU may both move the
//! value writes after the state store; x86's hardware happens not to, which is
//! why such a bug can pass every test on a laptop and fail on a server.
//!
//! Waiting must not burn a core. On Linux the waiter sleeps on the state word
//! itself with a futex: a *shared* one (no `FUTEX_PRIVATE_FLAG`), which the
//! kernel keys by the page of the shared file, so that a wake from another
//! process reaches it. A peer that stores without waking is still seen: each
//! sleep lasts at most [`SLICE`], then the state is loaded again.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The longest a waiter sleeps before it looks at the state (and at a stop
/// flag set by a signal handler) again.
pub const SLICE: Duration = Duration::from_millis(10);

/// How a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// The state holds the value waited for.
    Arrived,
    /// The deadline passed first; the state holds this value.
    TimedOut(u32),
    /// The stop flag was set (by SIGINT or SIGTERM).
    Stopped,
}

/// Stores `value` with `Release` (everything written before it is visible to
/// whoever loads it with `Acquire`), then wakes every process asleep on it.
pub fn signal(state: &AtomicU32, value: u32) {
    state.store(value, Ordering::Release);
    wake_all(state);
}

/// Waits until `state` holds `want` (loaded with `Acquire`), `deadline`
/// passes, or `stop` is set.
pub fn wait_for(state: &AtomicU32, want: u32, deadline: Instant, stop: &AtomicBool) -> Waited {
    loop {
        let seen = state.load(Ordering::Acquire);
        if seen == want {
            return Waited::Arrived;
        }
        if stop.load(Ordering::Relaxed) {
            return Waited::Stopped;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Waited::TimedOut(seen);
        }
        sleep_while(state, seen, left.min(SLICE));
    }
}

/// Sleeps while `state` still holds `seen`, at most `limit`. The futex checks
/// the value and goes to sleep atomically, so a store and wake that come in
/// between are never missed.
#[cfg(target_os = "linux")]
fn sleep_while(state: &AtomicU32, seen: u32, limit: Duration) {
    use rustix::thread::futex;
    let timeout = futex::Timespec {
        tv_sec: limit.as_secs() as _,
        tv_nsec: limit.subsec_nanos() as _,
    };
    // EAGAIN (the value already changed), ETIMEDOUT and EINTR all mean the
    // same here: look at the state again.
    let _ = futex::wait(state, futex::Flags::empty(), seen, Some(&timeout));
}

#[cfg(target_os = "linux")]
fn wake_all(state: &AtomicU32) {
    use rustix::thread::futex;
    let _ = futex::wake(state, futex::Flags::empty(), i32::MAX as u32);
}

/// Elsewhere (macOS, the BSDs) there is no futex shared between processes:
/// poll every millisecond instead.
#[cfg(not(target_os = "linux"))]
fn sleep_while(_state: &AtomicU32, _seen: u32, limit: Duration) {
    std::thread::sleep(limit.min(Duration::from_millis(1)));
}

#[cfg(not(target_os = "linux"))]
fn wake_all(_state: &AtomicU32) {}
