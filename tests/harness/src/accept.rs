//! The one way the harness's own servers (the scripted server, the relay, the
//! peers) stop accepting: a loopback listener whose every accept waits in
//! short polls and looks at a stop flag between them.
//!
//! Stopping is setting the flag; the accept loop sees it within one poll
//! ([`TICK`]). No wake-up connection is needed, so none can be mistaken for a
//! client, and none can fail to arrive (a full backlog, a port gone).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often a waiting accept looks at its stop flag.
const TICK: Duration = Duration::from_millis(50);

/// A listener on a free loopback port, with a stop flag. See the module
/// documentation.
pub(crate) struct Listener {
    listener: TcpListener,
    stop: Arc<AtomicBool>,
}

/// Tells a [`Listener`]'s accepts to end; cheap to clone and send to the
/// owner of the thread that accepts.
#[derive(Clone)]
pub(crate) struct Stop(Arc<AtomicBool>);

impl Stop {
    /// Every accept of the listener returns `None` from now on, within one tick.
    pub(crate) fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Listener {
    /// Binds `127.0.0.1:0`; `what` names the listener if that fails.
    pub(crate) fn bind(what: &str) -> Listener {
        let listener =
            TcpListener::bind("127.0.0.1:0").unwrap_or_else(|err| panic!("bind {what}: {err}"));
        Listener {
            listener,
            stop: Arc::default(),
        }
    }

    /// Where it listens.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound socket has an address")
    }

    /// The handle that stops it.
    pub(crate) fn stopper(&self) -> Stop {
        Stop(Arc::clone(&self.stop))
    }

    /// The next connection, or `None` once stopped or past `deadline` (if
    /// any). A failed accept (a client that reset first) is skipped.
    pub(crate) fn accept(&self, deadline: Option<Instant>) -> Option<TcpStream> {
        while !self.stop.load(Ordering::SeqCst) && deadline.is_none_or(|d| Instant::now() < d) {
            let mut poll = libc::pollfd {
                fd: self.listener.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd, for the length of the call.
            if unsafe { libc::poll(&mut poll, 1, TICK.as_millis() as i32) } > 0 {
                if let Ok((stream, _)) = self.listener.accept() {
                    return Some(stream);
                }
            }
        }
        None
    }

    /// Every connection, until stopped.
    pub(crate) fn incoming(&self) -> impl Iterator<Item = TcpStream> + '_ {
        std::iter::from_fn(|| self.accept(None))
    }
}
