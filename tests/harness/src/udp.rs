//! UDP from the harness's side: a connection to a server under test, and an
//! echo peer for testing clients, written independently of the solutions.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::report::{escape, Context, Failure};
use crate::{Server, PATIENCE};

/// The largest UDP payload over IPv4, and so the largest datagram anything here
/// sends or receives.
const MAX_DATAGRAM: usize = 65_507;

/// A UDP socket of the harness talking to one server, with a deadline on every
/// receive and a transcript for the failure report.
pub struct UdpConn {
    socket: UdpSocket,
    context: Context,
    transcript: Vec<(&'static str, Vec<u8>)>,
    /// The last receive was refused: an ICMP "port unreachable" came back,
    /// so nothing listens on the server's port.
    refused: bool,
}

impl UdpConn {
    /// A fresh socket on loopback, connected to `server`, so that it only hears
    /// what the server sends back.
    pub fn to(server: &Server) -> UdpConn {
        let addr = server.addr();
        let local: SocketAddr = if addr.is_ipv4() {
            "127.0.0.1:0".parse().unwrap()
        } else {
            "[::1]:0".parse().unwrap()
        };
        let socket = UdpSocket::bind(local).expect("bind a harness UDP socket");
        socket.connect(addr).expect("connect a harness UDP socket");
        UdpConn {
            socket,
            context: server.context_with(&format!("nc -u {} {}", addr.ip(), addr.port())),
            transcript: Vec::new(),
            refused: false,
        }
    }

    /// Sends one datagram.
    pub fn send(&mut self, payload: &[u8]) {
        if let Err(err) = self.socket.send(payload) {
            self.failure(format!(
                "could not send a {}-byte datagram: {err}",
                payload.len()
            ))
            .raise();
        }
        self.transcript.push(("sent", payload.to_vec()));
    }

    /// The next datagram, or `None` when nothing comes within `patience`.
    pub fn recv_within(&mut self, patience: Duration) -> Option<Vec<u8>> {
        self.socket.set_read_timeout(Some(patience)).unwrap();
        let mut buffer = vec![0u8; MAX_DATAGRAM + 1];
        self.refused = false;
        match self.socket.recv(&mut buffer) {
            Ok(n) => {
                buffer.truncate(n);
                self.transcript.push(("got", buffer.clone()));
                Some(buffer)
            }
            Err(err) => {
                self.refused = err.kind() == std::io::ErrorKind::ConnectionRefused;
                None
            }
        }
    }

    /// Receives one datagram and fails the test unless it is `expected`.
    #[track_caller]
    pub fn expect(&mut self, expected: &[u8]) {
        match self.recv_within(PATIENCE) {
            None if self.refused => self
                .failure(
                    "refused: the datagram came back as ICMP \"port unreachable\", so nothing \
                     listens on the server's port (did its socket close, or did it exit?)",
                )
                .with("expected", format!("\"{}\"", escape_short(expected)))
                .raise(),
            None => self
                .failure(format!(
                    "no response within {} s: expected the {}-byte datagram echoed back",
                    PATIENCE.as_secs(),
                    expected.len()
                ))
                .with("expected", format!("\"{}\"", escape_short(expected)))
                .raise(),
            Some(got) if got != expected => self
                .failure_before_last(if got.len() != expected.len() {
                    format!(
                        "wrong reply: {} bytes came back for a {}-byte datagram (is the receive \
                         buffer large enough for 65,507 bytes?)",
                        got.len(),
                        expected.len()
                    )
                } else {
                    "wrong reply: the bytes differ".to_string()
                })
                .got_vs_expected(&got, expected)
                .raise(),
            Some(_) => {}
        }
    }

    /// Sends `payload` and fails the test unless it comes back unchanged.
    #[track_caller]
    pub fn expect_echo(&mut self, payload: &[u8]) {
        self.send(payload);
        self.expect(payload);
    }

    /// A failure report with this conversation's transcript.
    pub fn failure(&self, headline: impl Into<String>) -> Failure {
        self.report(headline, &self.transcript)
    }

    /// The same, leaving out the last datagram (shown beside what was expected).
    fn failure_before_last(&self, headline: impl Into<String>) -> Failure {
        self.report(
            headline,
            &self.transcript[..self.transcript.len().saturating_sub(1)],
        )
    }

    fn report(
        &self,
        headline: impl Into<String>,
        transcript: &[(&'static str, Vec<u8>)],
    ) -> Failure {
        let mut failure = Failure::new(headline);
        let shown = transcript.len().saturating_sub(6);
        for (what, bytes) in &transcript[shown..] {
            failure = failure.with(
                what,
                format!("\"{}\" ({} bytes)", escape_short(bytes), bytes.len()),
            );
        }
        failure.context(&self.context)
    }
}

/// The first 48 bytes, escaped, with an ellipsis when there are more.
fn escape_short(bytes: &[u8]) -> String {
    if bytes.len() > 48 {
        format!("{}…", escape(&bytes[..48]))
    } else {
        escape(bytes)
    }
}

/// What an [`EchoPeer`] does with one ping.
pub enum EchoScript {
    /// Send these bytes back to the pinger.
    Reply(Vec<u8>),
    /// Wait this long before the next action: an injected delay.
    Pause(Duration),
}

type Script = Box<dyn FnMut(usize, &[u8]) -> Vec<EchoScript> + Send>;

/// A UDP echo that stands in for the server when a client is tested. It keeps
/// every ping it received, in order, and can delay, drop, duplicate or withhold
/// replies. Stops when dropped.
pub struct EchoPeer {
    addr: SocketAddr,
    pings: Arc<Mutex<Vec<Vec<u8>>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EchoPeer {
    /// An echo run by `script`: given the index of a ping (0 for the first
    /// received) and its bytes, it says what to send back and when.
    pub fn scripted(
        script: impl FnMut(usize, &[u8]) -> Vec<EchoScript> + Send + 'static,
    ) -> EchoPeer {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the echo peer");
        // A short timeout so the thread notices it should stop.
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let addr = socket.local_addr().unwrap();
        let pings = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (pings, stop) = (Arc::clone(&pings), Arc::clone(&stop));
            let mut script: Script = Box::new(script);
            thread::spawn(move || {
                let mut buffer = vec![0u8; MAX_DATAGRAM + 1];
                while !stop.load(Ordering::Relaxed) {
                    let Ok((n, from)) = socket.recv_from(&mut buffer) else {
                        continue;
                    };
                    let ping = buffer[..n].to_vec();
                    let index = {
                        let mut pings = pings.lock().unwrap();
                        pings.push(ping.clone());
                        pings.len() - 1
                    };
                    for action in script(index, &ping) {
                        match action {
                            EchoScript::Reply(bytes) => drop(socket.send_to(&bytes, from)),
                            EchoScript::Pause(delay) => thread::sleep(delay), // injected delay: held on purpose
                        }
                    }
                }
            })
        };
        EchoPeer {
            addr,
            pings,
            stop,
            thread: Some(thread),
        }
    }

    /// Echoes every ping at once.
    pub fn echo() -> EchoPeer {
        EchoPeer::scripted(|_, ping| vec![EchoScript::Reply(ping.to_vec())])
    }

    /// Holds every `every`-th reply (the `every`-th, `2 × every`-th … ping) for
    /// `hold` before sending it; the others go back at once. `every = 1` holds
    /// them all.
    pub fn holding_replies(every: usize, hold: Duration) -> EchoPeer {
        EchoPeer::scripted(move |i, ping| {
            let reply = EchoScript::Reply(ping.to_vec());
            if (i + 1) % every == 0 {
                vec![EchoScript::Pause(hold), reply]
            } else {
                vec![reply]
            }
        })
    }

    /// Drops every `every`-th ping (no reply); echoes the others.
    pub fn dropping(every: usize) -> EchoPeer {
        EchoPeer::scripted(move |i, ping| {
            if (i + 1) % every == 0 {
                vec![]
            } else {
                vec![EchoScript::Reply(ping.to_vec())]
            }
        })
    }

    /// Withholds the reply to ping `k` until ping `k + 1` arrives, then sends
    /// the reply to ping `k` only: ping `k + 1` gets none. A client that checks
    /// sequence numbers loses both; one that takes any reply loses one.
    /// Ordered by events, not by a clock.
    pub fn answering_late(k: usize) -> EchoPeer {
        let mut withheld = None;
        EchoPeer::scripted(move |i, ping| {
            if i == k {
                withheld = Some(ping.to_vec());
                vec![]
            } else if i == k + 1 {
                withheld.take().map(EchoScript::Reply).into_iter().collect()
            } else {
                vec![EchoScript::Reply(ping.to_vec())]
            }
        })
    }

    /// Sends the reply to ping `k` twice and no reply to ping `k + 1`: a client
    /// that counts the duplicate as the next reply loses nothing.
    pub fn duplicating(k: usize) -> EchoPeer {
        EchoPeer::scripted(move |i, ping| {
            if i == k {
                vec![
                    EchoScript::Reply(ping.to_vec()),
                    EchoScript::Reply(ping.to_vec()),
                ]
            } else if i == k + 1 {
                vec![]
            } else {
                vec![EchoScript::Reply(ping.to_vec())]
            }
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every ping received so far, in arrival order.
    pub fn pings(&self) -> Vec<Vec<u8>> {
        self.pings.lock().unwrap().clone()
    }
}

impl Drop for EchoPeer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
