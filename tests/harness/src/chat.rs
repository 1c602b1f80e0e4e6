//! Peers for exercise 03 (chat): a client that never reads, an abrupt
//! disconnect, a harness-side server that plays a script against the client
//! under test, and threads that keep the test's README step.

use std::net::{SocketAddr, TcpListener};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use socket2::{Domain, SockRef, Socket, Type};

use crate::report::{current_step, step, Context, Failure};
use crate::{Run, Server, TcpConn, PATIENCE};

/// Runs `work` on a thread of its own whose failure reports name the same
/// README step as the test that started it. Wait for it with [`join`].
pub fn spawn_in_step<T, F>(work: F) -> JoinHandle<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let named = current_step();
    thread::spawn(move || {
        if let Some((number, what)) = named {
            step(number, &what);
        }
        work()
    })
}

/// Waits for a thread of the test; its failure becomes the test's (its
/// report was already printed as it failed).
pub fn join<T>(handle: JoinHandle<T>) -> T {
    handle
        .join()
        .unwrap_or_else(|failure| std::panic::resume_unwind(failure))
}

/// A client that connects, sends a few lines, and then never reads a byte:
/// a user whose terminal froze. Its receive buffer is made small *before* it
/// connects, so that the window it advertises stays small and the server's
/// writes to it block after a few KiB rather than a few MiB.
pub struct SilentClient {
    socket: Socket,
}

impl SilentClient {
    /// Connects to `server` with a receive buffer of `receive_buffer` bytes
    /// (the kernel doubles it, and has a minimum) and sends `lines`.
    pub fn connect(server: &Server, receive_buffer: usize, lines: &[u8]) -> SilentClient {
        let fail = |what: String| -> ! {
            Failure::new(what)
                .context(&server.context_with("nc {addr}"))
                .raise()
        };
        let socket = Socket::new(Domain::for_address(server.addr()), Type::STREAM, None)
            .unwrap_or_else(|err| fail(format!("could not make a socket: {err}")));
        socket
            .set_recv_buffer_size(receive_buffer)
            .unwrap_or_else(|err| fail(format!("could not set SO_RCVBUF: {err}")));
        socket
            .connect_timeout(&server.addr().into(), PATIENCE)
            .unwrap_or_else(|err| fail(format!("could not connect to {}: {err}", server.addr())));
        socket.set_write_timeout(Some(PATIENCE)).unwrap();
        let mut sent = 0;
        while sent < lines.len() {
            match socket.send(&lines[sent..]) {
                Ok(n) => sent += n,
                Err(err) => fail(format!(
                    "the silent client could not send its first lines: {err}"
                )),
            }
        }
        SilentClient { socket }
    }

    /// Its address, which the server uses as its default name.
    pub fn local_addr(&self) -> SocketAddr {
        self.socket.local_addr().unwrap().as_socket().unwrap()
    }
}

/// Drops the connection abruptly: with `SO_LINGER` 0, closing sends a reset
/// (RST) rather than an orderly end of stream, as when a client crashes or
/// its network goes away.
pub fn reset(conn: TcpConn) {
    let _ = SockRef::from(conn.stream()).set_linger(Some(Duration::ZERO));
    drop(conn);
}

/// A server played by the harness, to test a client: it accepts one
/// connection and runs a script against it on a thread of its own, reacting
/// to what the client sends (events, not clocks).
///
/// ```ignore
/// let server = ScriptedServer::start(|conn| {
///     conn.expect_line("/nick alice");
///     conn.send_line("OK nick alice");
/// });
/// let run = Client::new(program!("chat-client")).args(["--server", &server.addr().to_string()]).run();
/// server.finish(&run);
/// ```
pub struct ScriptedServer {
    addr: SocketAddr,
    give_up: Arc<AtomicBool>,
    /// `false` when the client never connected.
    script: JoinHandle<bool>,
}

impl ScriptedServer {
    /// Listens on a free loopback port and runs `script` on the first
    /// connection. Closing the connection is the script's return.
    pub fn start<F>(script: F) -> ScriptedServer
    where
        F: FnOnce(&mut TcpConn) + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().unwrap();
        let give_up = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&give_up);
        let script = spawn_in_step(move || {
            let context = Context {
                command: None,
                name: Some("the client".into()),
                stderr: None,
                repro: vec![format!(
                    "nc -l 127.0.0.1 {}    # play the server yourself: type its lines",
                    addr.port()
                )],
                ..Context::default()
            };
            let Some(stream) = accept(&listener, &stop) else {
                return false;
            };
            let mut conn = TcpConn::from_stream(stream, context);
            script(&mut conn);
            true
        });
        ScriptedServer {
            addr,
            give_up,
            script,
        }
    }

    /// Where the client must connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for the script to end, after the client's `run`; if the script
    /// failed, fails the test with both sides: what the server saw, and what
    /// the client printed.
    #[track_caller]
    pub fn finish(self, run: &Run) {
        self.give_up.store(true, Ordering::SeqCst);
        match self.script.join() {
            Ok(true) => {}
            Ok(false) => run
                .failure(format!(
                    "the client never connected to the harness's server at {}",
                    self.addr
                ))
                .raise(),
            Err(failure) => {
                // Its report was printed as it failed; here it is again, with
                // the client's side.
                let report = failure
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| failure.downcast_ref::<&str>().copied())
                    .unwrap_or("(no report)");
                run.failure("the client did not do what the harness's server expected")
                    .with("server side", report.trim())
                    .raise()
            }
        }
    }
}

/// Accepts one connection, for at most [`PATIENCE`], or until `give_up`.
fn accept(listener: &TcpListener, give_up: &AtomicBool) -> Option<std::net::TcpStream> {
    let deadline = Instant::now() + PATIENCE;
    while !give_up.load(Ordering::SeqCst) && Instant::now() < deadline {
        let mut poll = libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // Readiness with a short timeout, to look at `give_up` between waits.
        // SAFETY: one valid pollfd, for the length of the call.
        if unsafe { libc::poll(&mut poll, 1, 50) } > 0 {
            return listener.accept().ok().map(|(stream, _)| stream);
        }
    }
    None
}
