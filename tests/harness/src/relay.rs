//! A fault-injecting TCP relay: it stands between a client and a server on
//! loopback and changes how the client's bytes are cut into segments, never
//! what they are. A program that takes one `read` for a whole message works
//! through a plain connection on a quiet machine and breaks through this relay.
//!
//! ```ignore
//! let relay = Relay::start(server.addr(), Relay::plan().one_byte_segments().pause_after(3, ms(200)));
//! // point the client at relay.addr() instead of server.addr()
//! ```
//!
//! The server's replies go back to the client unchanged. Half-closes are
//! passed on in both directions, so EOF still means EOF. Dropping the relay
//! closes every connection it holds and joins its threads.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::accept::{Listener, Stop};
use crate::PATIENCE;

/// How the relay forwards what the client sends.
#[derive(Clone, Debug, Default)]
pub struct RelayPlan {
    one_byte: bool,
    /// After this many bytes of a connection, wait this long (sorted).
    pauses: Vec<(u64, Duration)>,
}

impl RelayPlan {
    /// Forwards the client's bytes one per `write`, with TCP_NODELAY, so they
    /// leave in 1-byte segments (as far as the kernel allows).
    pub fn one_byte_segments(mut self) -> RelayPlan {
        self.one_byte = true;
        self
    }

    /// After the first `bytes` bytes of each connection have gone out, waits
    /// `pause` before forwarding more: whatever the server reads meanwhile
    /// ends exactly there.
    pub fn pause_after(mut self, bytes: u64, pause: Duration) -> RelayPlan {
        self.pauses.push((bytes, pause));
        self.pauses.sort_by_key(|(at, _)| *at);
        self
    }
}

/// Connections the relay holds, to close them when it is dropped.
type Streams = Arc<Mutex<Vec<TcpStream>>>;

/// A running relay. See the module documentation.
pub struct Relay {
    addr: SocketAddr,
    stop: Stop,
    streams: Streams,
    forwarded: Arc<AtomicU64>,
    acceptor: Option<JoinHandle<Vec<JoinHandle<()>>>>,
}

impl Relay {
    /// A plan that forwards as it receives; add faults to it.
    pub fn plan() -> RelayPlan {
        RelayPlan::default()
    }

    /// Listens on a loopback port and relays every connection to `upstream`
    /// following `plan`.
    pub fn start(upstream: SocketAddr, plan: RelayPlan) -> Relay {
        let listener = Listener::bind("the relay");
        let addr = listener.addr();
        let stop = listener.stopper();
        let streams: Streams = Arc::default();
        let forwarded = Arc::new(AtomicU64::new(0));
        let acceptor = {
            let (streams, forwarded) = (Arc::clone(&streams), Arc::clone(&forwarded));
            thread::spawn(move || {
                let mut pumps = Vec::new();
                for client in listener.incoming() {
                    let Ok(server) = TcpStream::connect_timeout(&upstream, PATIENCE) else {
                        continue; // dropping `client` closes it: as if refused
                    };
                    let _ = server.set_nodelay(true);
                    let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
                        continue;
                    };
                    streams.lock().unwrap().extend([c2, s2]);
                    let (c3, s3) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                    let plan = plan.clone();
                    let counter = Arc::clone(&forwarded);
                    pumps.push(thread::spawn(move || {
                        pump_faulty(client, server, &plan, &counter)
                    }));
                    pumps.push(thread::spawn(move || pump_plain(s3, c3)));
                }
                pumps
            })
        };
        Relay {
            addr,
            stop,
            streams,
            forwarded,
            acceptor: Some(acceptor),
        }
    }

    /// The address clients should connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many bytes from clients it has forwarded so far, over all
    /// connections.
    pub fn forwarded(&self) -> u64 {
        self.forwarded.load(Ordering::SeqCst)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        // Stop accepting first, so no new connection slips in after the
        // shutdowns; then unblock the pumps: reads on shut sockets return at once.
        self.stop.stop();
        let acceptor = self.acceptor.take().map(|acceptor| acceptor.join());
        for stream in self.streams.lock().unwrap().iter() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        if let Some(Ok(pumps)) = acceptor {
            for pump in pumps {
                let _ = pump.join();
            }
        }
    }
}

/// Client to server, following the plan; passes EOF on as a half-close.
fn pump_faulty(mut from: TcpStream, mut to: TcpStream, plan: &RelayPlan, counter: &AtomicU64) {
    let mut sent: u64 = 0;
    let mut pauses = plan.pauses.iter().peekable();
    let mut upstream_open = true;
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let mut pending = &buffer[..n];
        while upstream_open && !pending.is_empty() {
            while let Some((_, pause)) = pauses.next_if(|(at, _)| *at <= sent) {
                thread::sleep(*pause); // injected delay: the plan's pause after so many bytes
            }
            // As much as may go before the next pause, or one byte.
            let mut take = pending.len();
            if let Some((at, _)) = pauses.peek() {
                take = take.min((at - sent) as usize);
            }
            if plan.one_byte {
                take = 1;
            }
            if to.write_all(&pending[..take]).is_err() {
                // The server closed: swallow the rest, as its socket would.
                upstream_open = false;
                break;
            }
            sent += take as u64;
            counter.fetch_add(take as u64, Ordering::SeqCst);
            pending = &pending[take..];
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// Server to client, unchanged; passes EOF on as a half-close.
fn pump_plain(mut from: TcpStream, mut to: TcpStream) {
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                if to.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
            Err(err) if err.kind() == ErrorKind::Interrupted => continue,
            Err(_) => {
                // A reset from the server: the client gets one too.
                let _ = to.shutdown(Shutdown::Both);
                return;
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
