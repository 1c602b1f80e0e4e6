//! A server played by the harness, to test a client against a script.

use std::net::SocketAddr;
use std::thread::JoinHandle;

use crate::accept::{Listener, Stop};
use crate::report::Context;
use crate::{spawn_in_step, Run, TcpConn};

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
    give_up: Stop,
    /// `false` when the client never connected (taken by `finish`).
    script: Option<JoinHandle<bool>>,
}

impl ScriptedServer {
    /// Listens on a free loopback port and runs `script` on the first
    /// connection. Closing the connection is the script's return.
    pub fn start<F>(script: F) -> ScriptedServer
    where
        F: FnOnce(&mut TcpConn) + Send + 'static,
    {
        let listener = Listener::bind("the harness's server");
        let addr = listener.addr();
        let give_up = listener.stopper();
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
            // No deadline of its own: it listens until `finish`, after the
            // client's run, which has its deadline (longer for a client still
            // starting up, [`crate::busy`]). A listener closed at a fixed
            // time would refuse a slow client that was on its way.
            let Some(stream) = listener.accept(None) else {
                return false;
            };
            let mut conn = TcpConn::from_stream(stream, context);
            script(&mut conn);
            true
        });
        ScriptedServer {
            addr,
            give_up,
            script: Some(script),
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
    pub fn finish(mut self, run: &Run) {
        self.give_up.stop();
        let script = self.script.take().expect("finish is called once");
        match script.join() {
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

impl Drop for ScriptedServer {
    /// A test that failed before `finish` leaves no listener behind.
    fn drop(&mut self) {
        self.give_up.stop();
    }
}
