//! One neighbour's outgoing queue, and the thread that writes it out.
//!
//! Nobody writes to a neighbour's socket but its writer thread. Everyone
//! else (the stdin thread, the threads that read other neighbours and
//! forward what they read) only puts whole frames in its queue. So a
//! reader never blocks in a `write`: when two peers each write to the other
//! faster than the other reads, neither stops reading, and neither waits
//! for ever on a full socket buffer (the echo deadlock). The queue has a
//! bound: a neighbour that stops reading fills it, and once it has stayed
//! full for [`STUCK`] it is dropped rather than held in memory without end.

use std::collections::VecDeque;
use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// At most this many frames wait for one neighbour…
pub const QUEUE_FRAMES: usize = 1_000;
/// …and at most this many bytes.
pub const QUEUE_BYTES: usize = 4 << 20;
/// The writer sends at most about this many bytes per `write_all`.
const BATCH: usize = 256 * 1024;
/// A queue that stays full this long belongs to a neighbour that is stuck.
pub const STUCK: Duration = Duration::from_secs(2);

/// What became of a frame given to [`Outbox::push`].
#[derive(Debug, PartialEq, Eq)]
pub enum Pushed {
    /// It waits in the queue.
    Queued,
    /// The queue stayed full for [`STUCK`]: drop this neighbour.
    Stuck,
    /// The connection is closed, or closing: nobody will write it.
    Gone,
}

#[derive(Default)]
struct Queue {
    frames: VecDeque<Arc<Vec<u8>>>,
    bytes: usize,
    /// No more frames: the writer sends what is queued, then stops.
    closed: bool,
    /// The writer has stopped.
    done: bool,
}

impl Queue {
    fn full(&self) -> bool {
        self.frames.len() >= QUEUE_FRAMES || self.bytes >= QUEUE_BYTES
    }
}

/// A neighbour's queue. Cloning the `Arc` shares it.
pub struct Outbox {
    queue: Mutex<Queue>,
    changed: Condvar,
    stream: TcpStream,
}

impl Outbox {
    /// Starts the writer thread of `stream` and returns its queue.
    pub fn start(stream: TcpStream) -> Arc<Outbox> {
        let outbox = Arc::new(Outbox {
            queue: Mutex::default(),
            changed: Condvar::new(),
            stream,
        });
        let writer = Arc::clone(&outbox);
        thread::spawn(move || writer.write_out());
        outbox
    }

    /// Queues `frame`, waiting while the queue is full, at most [`STUCK`].
    pub fn push(&self, frame: Arc<Vec<u8>>) -> Pushed {
        let deadline = Instant::now() + STUCK;
        let mut queue = self.queue.lock().unwrap();
        loop {
            if queue.closed {
                return Pushed::Gone;
            }
            if !queue.full() {
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Pushed::Stuck;
            }
            queue = self.changed.wait_timeout(queue, left).unwrap().0;
        }
        queue.bytes += frame.len();
        queue.frames.push_back(frame);
        self.changed.notify_all();
        Pushed::Queued
    }

    /// Takes every frame still queued (to move them to another connection).
    pub fn take_queued(&self) -> Vec<Arc<Vec<u8>>> {
        let mut queue = self.queue.lock().unwrap();
        queue.bytes = 0;
        let frames = queue.frames.drain(..).collect();
        self.changed.notify_all();
        frames
    }

    /// No more frames: the writer sends what is queued, then half-closes.
    pub fn close(&self) {
        self.queue.lock().unwrap().closed = true;
        self.changed.notify_all();
    }

    /// Closes the connection at once, both ways, queued frames or not: a
    /// writer blocked on a neighbour that never reads returns with an error.
    pub fn abort(&self) {
        self.close();
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// Waits until the writer has sent everything and stopped, at most
    /// `patience`.
    pub fn wait_done(&self, patience: Duration) {
        let queue = self.queue.lock().unwrap();
        let _ = self
            .changed
            .wait_timeout_while(queue, patience, |queue| !queue.done)
            .unwrap();
    }

    /// The writer thread: what is queued, in order, up to [`BATCH`] bytes at
    /// a time in one `write_all` (one system call and one segment for many
    /// small frames, rather than one each), until closed.
    fn write_out(&self) {
        let mut stream = &self.stream;
        let mut batch = Vec::new();
        loop {
            batch.clear();
            {
                let mut queue = self.queue.lock().unwrap();
                while queue.frames.is_empty() && !queue.closed {
                    queue = self.changed.wait(queue).unwrap();
                }
                if queue.frames.is_empty() {
                    break; // closed, and all sent
                }
                while batch.len() < BATCH {
                    let Some(frame) = queue.frames.pop_front() else {
                        break;
                    };
                    queue.bytes -= frame.len();
                    batch.extend_from_slice(&frame);
                }
                self.changed.notify_all();
            }
            if stream.write_all(&batch).is_err() {
                // Gone: the reader thread sees the end too, and says so.
                let _ = self.stream.shutdown(Shutdown::Both);
                break;
            }
        }
        let _ = self.stream.shutdown(Shutdown::Write);
        let mut queue = self.queue.lock().unwrap();
        queue.closed = true;
        queue.done = true;
        self.changed.notify_all();
    }
}
