//! Peers for exercise 08 (group chat), written from the README's framing
//! alone, independently of the reference solution: a 4-byte big-endian
//! length, then that many bytes of UTF-8 JSON.
//!
//! - [`FrameConn`]: one framed TCP connection (the harness dialled it, or
//!   accepted it on a [`Listener`]), with a deadline on every read and write
//!   and a transcript of frames for the failure report;
//! - [`ChatPeer`]: the program under test with a stdin the test types into;
//! - [`SilentPeer`]: a neighbour that says `hello` and then never reads (or
//!   reads only once the test lets it: a neighbour that paused);
//! - [`kill`]: SIGKILL, for "a peer that crashes".

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use socket2::{Domain, Socket, Type};

use crate::accept;
use crate::report::{escape, Context, Failure};
use crate::{Process, Program, Server, PATIENCE};

/// The most bytes a frame's body may have.
pub const MAX_FRAME: usize = 65_536;

/// `body` framed: its length as 4 bytes, big-endian, then the body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut bytes = (body.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(body);
    bytes
}

/// `{"type":"hello","name":…,"listen":…}`
pub fn hello(name: &str, listen: &str) -> Value {
    json!({"type": "hello", "name": name, "listen": listen})
}

/// `{"type":"msg","id":…,"from":…,"text":…}`
pub fn msg(id: &str, from: &str, text: &str) -> Value {
    json!({"type": "msg", "id": id, "from": from, "text": text})
}

/// `{"type":"peers","listen":[…]}`
pub fn peers(listen: &[String]) -> Value {
    json!({"type": "peers", "listen": listen})
}

/// `{"type":"leave","name":…}`
pub fn leave(name: &str) -> Value {
    json!({"type": "leave", "name": name})
}

/// What came when the harness waited for a frame.
#[derive(Debug)]
pub enum Got {
    /// A whole frame holding a JSON value.
    Frame(Value),
    /// A whole frame whose body is not UTF-8 JSON, or whose length is over
    /// [`MAX_FRAME`] (then the body is not read): why.
    Bad(String),
    /// The connection ended (EOF or reset); holds the bytes of a cut frame.
    Closed(Vec<u8>),
    /// Nothing, or no whole frame, within the deadline.
    NoResponse(Vec<u8>),
}

/// One framed connection to (or from) the program under test.
pub struct FrameConn {
    stream: TcpStream,
    buffer: Vec<u8>,
    /// Who this connection is, in reports (`harness peer h1`).
    label: String,
    context: Context,
    transcript: Vec<(&'static str, String)>,
    patience: Duration,
}

impl FrameConn {
    /// Dials `addr` (the program under test's listening address).
    pub fn dial(addr: SocketAddr, label: &str, context: Context) -> FrameConn {
        match TcpStream::connect_timeout(&addr, PATIENCE) {
            Ok(stream) => FrameConn::wrap(stream, label, context),
            Err(err) => Failure::new(format!("{label} could not connect to {addr}: {err}"))
                .context(&context)
                .raise(),
        }
    }

    fn wrap(stream: TcpStream, label: &str, context: Context) -> FrameConn {
        let _ = stream.set_nodelay(true);
        stream.set_write_timeout(Some(PATIENCE)).unwrap();
        FrameConn {
            stream,
            buffer: Vec::new(),
            label: label.to_string(),
            context,
            transcript: Vec::new(),
            patience: PATIENCE,
        }
    }

    /// Changes how long reads and writes wait (default [`PATIENCE`]).
    pub fn set_patience(&mut self, patience: Duration) {
        self.patience = patience;
        self.stream.set_write_timeout(Some(patience)).unwrap();
    }

    /// The socket.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Sends `value` as one frame.
    #[track_caller]
    pub fn send(&mut self, value: &Value) {
        let body = value.to_string();
        self.transcript.push(("sent", shown(body.as_bytes())));
        self.write(&frame(body.as_bytes()));
    }

    /// Sends bytes as they are (a bad length, a cut frame, several frames
    /// at once), noting `what` they are in the transcript.
    #[track_caller]
    pub fn send_raw(&mut self, bytes: &[u8], what: &str) {
        self.transcript
            .push(("sent", format!("{what}: {}", shown(bytes))));
        self.write(bytes);
    }

    /// Sends bytes, returning the error instead of failing the test (for a
    /// peer that may rightly close the connection while they go).
    pub fn try_send_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes)
    }

    #[track_caller]
    fn write(&mut self, bytes: &[u8]) {
        if let Err(err) = self.stream.write_all(bytes) {
            let what = match err.kind() {
                ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
                    "{}: the program stopped reading: could not send within {:.1} s",
                    self.label,
                    self.patience.as_secs_f64()
                ),
                _ => format!(
                    "{}: could not send: {err} (did the program close the connection?)",
                    self.label
                ),
            };
            self.failure(what).raise();
        }
    }

    /// Half-closes: the program reads EOF here.
    pub fn shutdown_write(&mut self) {
        self.transcript
            .push(("sent", "(EOF: the harness half-closed)".into()));
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
    }

    /// Waits (at most the patience) for the next frame.
    pub fn read_frame(&mut self) -> Got {
        let deadline = Instant::now() + self.patience;
        loop {
            if self.buffer.len() >= 4 {
                let length = u32::from_be_bytes(self.buffer[..4].try_into().unwrap()) as usize;
                if length > MAX_FRAME {
                    let why = format!(
                        "a length of {length} bytes (prefix {}): more than {MAX_FRAME}; is the length \
                         big-endian (`to_be_bytes`)?",
                        escape(&self.buffer[..4])
                    );
                    self.transcript.push(("got", why.clone()));
                    return Got::Bad(why);
                }
                if self.buffer.len() >= 4 + length {
                    let body: Vec<u8> = self.buffer.drain(..4 + length).skip(4).collect();
                    self.transcript.push(("got", shown(&body)));
                    return match serde_json::from_slice::<Value>(&body) {
                        Ok(value) => Got::Frame(value),
                        Err(err) => Got::Bad(format!(
                            "a frame that is not UTF-8 JSON ({err}): \"{}\"",
                            escape(&body[..body.len().min(200)])
                        )),
                    };
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Got::NoResponse(self.partial());
            }
            self.stream.set_read_timeout(Some(left)).unwrap();
            let mut chunk = [0u8; 64 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Got::Closed(self.partial()),
                Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => return Got::Closed(self.partial()),
            }
        }
    }

    fn partial(&mut self) -> Vec<u8> {
        let partial = std::mem::take(&mut self.buffer);
        if !partial.is_empty() {
            self.transcript
                .push(("got", format!("(part of a frame) {}", shown(&partial))));
        }
        partial
    }

    /// The next frame, which must be a JSON object; `what` says what the
    /// test waits for. `peers` frames are passed over when `skip_peers`.
    #[track_caller]
    pub fn expect_frame(&mut self, what: &str, skip_peers: bool) -> Value {
        loop {
            match self.read_frame() {
                Got::Frame(value) if skip_peers && value["type"] == "peers" => continue,
                Got::Frame(value) if value.is_object() => return value,
                Got::Frame(value) => self
                    .failure(format!(
                        "{}: a frame that is not a JSON object, waiting for {what}",
                        self.label
                    ))
                    .got(value.to_string().as_bytes())
                    .raise(),
                Got::Bad(why) => self
                    .failure(format!("{}: waiting for {what}, got {why}", self.label))
                    .raise(),
                Got::Closed(partial) => self
                    .failure(format!(
                        "{}: the connection closed while waiting for {what}{}",
                        self.label,
                        if partial.is_empty() {
                            String::new()
                        } else {
                            " (inside a frame)".into()
                        }
                    ))
                    .raise(),
                Got::NoResponse(partial) => self
                    .failure(format!(
                        "{}: no frame within {:.1} s: waited for {what}{}",
                        self.label,
                        self.patience.as_secs_f64(),
                        if partial.is_empty() {
                            String::new()
                        } else {
                            format!(" ({} bytes of a frame came)", partial.len())
                        }
                    ))
                    .raise(),
            }
        }
    }

    /// The next frame other than `peers` must be of `kind` (`"msg"`,
    /// `"leave"`, …); returns it.
    #[track_caller]
    pub fn expect_type(&mut self, kind: &str, what: &str) -> Value {
        let value = self.expect_frame(what, true);
        if value["type"] != kind {
            self.failure(format!("{}: wrong frame: waited for {what}", self.label))
                .got_vs_expected(
                    value.to_string().as_bytes(),
                    format!("{{\"type\":\"{kind}\",…}}").as_bytes(),
                )
                .raise();
        }
        value
    }

    /// The handshake of a connection: sends our `hello` as `name` (listening
    /// on `listen`), and expects the program's `hello`; returns its name.
    #[track_caller]
    pub fn handshake(&mut self, name: &str, listen: &str) -> String {
        self.send(&hello(name, listen));
        let theirs = self.expect_frame(
            "the program's `hello`, the first frame of every connection",
            false,
        );
        if theirs["type"] != "hello" || !theirs["name"].is_string() || !theirs["listen"].is_string()
        {
            self.failure(format!(
                "{}: the first frame on a connection must be `hello` with a name and a listen address",
                self.label
            ))
            .got_vs_expected(
                theirs.to_string().as_bytes(),
                br#"{"type":"hello","name":"alice","listen":"127.0.0.1:40123"}"#,
            )
            .raise();
        }
        theirs["name"].as_str().unwrap().to_string()
    }

    /// Fails the test unless the program closes this connection (EOF or
    /// reset) within the patience; frames that come first are passed over
    /// only when they are `hello`, `peers` or `leave`.
    #[track_caller]
    pub fn expect_closed(&mut self, why: &str) {
        loop {
            match self.read_frame() {
                Got::Closed(_) => return,
                Got::Frame(value)
                    if ["hello", "peers", "leave"].iter().any(|t| value["type"] == *t) => {}
                Got::NoResponse(_) => self
                    .failure(format!(
                        "{}: expected the program to close this connection ({why}), but it stayed open {:.1} s",
                        self.label,
                        self.patience.as_secs_f64()
                    ))
                    .raise(),
                other => self
                    .failure(format!(
                        "{}: expected the program to close this connection ({why}), but got {other:?}",
                        self.label
                    ))
                    .raise(),
            }
        }
    }

    /// A failure report with this connection's transcript and the program's
    /// context.
    pub fn failure(&self, headline: impl Into<String>) -> Failure {
        let mut failure = Failure::new(headline);
        let shown = self.transcript.len().saturating_sub(12);
        if shown > 0 {
            failure = failure.with("…", format!("({shown} earlier frames not shown)"));
        }
        for (what, text) in &self.transcript[shown..] {
            failure = failure.with(&format!("{} {what}", self.label), text);
        }
        failure.context(&self.context)
    }
}

/// A frame's body for a transcript: escaped, cut after 200 bytes.
fn shown(bytes: &[u8]) -> String {
    if bytes.len() > 200 {
        format!("\"{}…\" ({} bytes)", escape(&bytes[..200]), bytes.len())
    } else {
        format!("\"{}\"", escape(bytes))
    }
}

/// A harness peer's listening socket, for the program under test to dial
/// (its `--peer`, or an address a `peers` frame names).
pub struct Listener {
    addr: SocketAddr,
    accepted: Receiver<TcpStream>,
    stop: accept::Stop,
}

impl Listener {
    /// Listens on a free loopback port; connections are accepted by a
    /// thread of its own and handed over by [`Listener::accept`]. The thread
    /// ends when the listener is dropped (the harness's one way to stop an
    /// accept loop, [`accept`]).
    pub fn bind() -> Listener {
        let listener = accept::Listener::bind("a harness peer");
        let addr = listener.addr();
        let stop = listener.stopper();
        let (give, accepted) = mpsc::channel();
        thread::spawn(move || {
            for stream in listener.incoming() {
                if give.send(stream).is_err() {
                    return; // the test is over
                }
            }
        });
        Listener {
            addr,
            accepted,
            stop,
        }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The next connection the program dialled, within `patience`.
    #[track_caller]
    pub fn accept(&self, label: &str, context: Context, patience: Duration) -> FrameConn {
        match self.accepted.recv_timeout(patience) {
            Ok(stream) => FrameConn::wrap(stream, label, context),
            Err(_) => Failure::new(format!(
                "{label} (listening on {}) was never dialled within {:.1} s",
                self.addr,
                patience.as_secs_f64()
            ))
            .context(&context)
            .raise(),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.stop();
    }
}

/// The program under test, as one participant, with a stdin the test
/// types into (never blocking the test: a thread writes it).
pub struct ChatPeer {
    pub name: String,
    server: Server,
    typing: Option<Sender<Vec<u8>>>,
}

impl ChatPeer {
    /// Starts `program --name NAME [--peer ADDR]...` (plus `--port 0`) and
    /// waits for its `listening on` line.
    pub fn start(program: Program, name: &str, peers: &[SocketAddr]) -> ChatPeer {
        let peers: Vec<String> = peers.iter().map(|p| p.to_string()).collect();
        let mut args = vec!["--name", name];
        for peer in &peers {
            args.extend(["--peer", peer.as_str()]);
        }
        let mut server = Server::start_with_stdin(program, &args);
        let mut stdin = server.process().take_stdin().expect("a piped stdin");
        let (typing, typed) = mpsc::channel::<Vec<u8>>();
        thread::spawn(move || {
            for bytes in typed {
                if stdin.write_all(&bytes).is_err() {
                    return;
                }
            }
            // dropping `stdin` here: EOF, the user's Ctrl-D
        });
        ChatPeer {
            name: name.to_string(),
            server,
            typing: Some(typing),
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// Types `line` and Enter.
    pub fn say(&self, line: &str) {
        self.type_bytes(format!("{line}\n").into_bytes());
    }

    /// Types these bytes as they are.
    pub fn type_bytes(&self, bytes: Vec<u8>) {
        if let Some(typing) = &self.typing {
            let _ = typing.send(bytes);
        }
    }

    /// Ends its stdin (once what was typed is written): the user's Ctrl-D.
    pub fn end_stdin(&mut self) {
        // Its exit is expected from here on (not a server walking out on its test).
        let _ = self.server.process().wait(Duration::ZERO);
        self.typing = None;
    }

    /// The process, to wait for it or read its stderr.
    pub fn process(&mut self) -> &mut Process {
        self.server.process()
    }

    /// The context for reports about it.
    pub fn context(&mut self) -> Context {
        self.server.process().context()
    }

    /// The next line it prints, within `patience`.
    #[track_caller]
    pub fn next_line(&mut self, what: &str, patience: Duration) -> String {
        let what = format!("{what} (on {}'s stdout)", self.name);
        self.server.process().expect_stdout_line(&what, patience)
    }

    /// The lines it prints up to and including `last`; fails if `last` does
    /// not come within `patience` (over all).
    #[track_caller]
    pub fn lines_until(&mut self, last: &str, why: &str, patience: Duration) -> Vec<String> {
        let deadline = Instant::now() + patience;
        let mut lines = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.fail_with_lines(
                    &format!("`{last}` never came on {}'s stdout: {why}", self.name),
                    &lines,
                );
            }
            let line = {
                let what = format!("`{last}` from {} ({why})", self.name);
                self.server.process().expect_stdout_line(&what, left)
            };
            lines.push(line.clone());
            if line == last {
                return lines;
            }
        }
    }

    /// Fails the test, showing the last of `lines` it printed.
    #[track_caller]
    pub fn fail_with_lines(&mut self, headline: &str, lines: &[String]) -> ! {
        let mut failure = Failure::new(headline);
        let from = lines.len().saturating_sub(15);
        if from > 0 {
            failure = failure.with("printed", format!("({from} lines before these)"));
        }
        for line in &lines[from..] {
            failure = failure.with("printed", format!("\"{}\"", escape(line.as_bytes())));
        }
        failure.context(&self.context()).raise()
    }

    /// Dials it as a harness peer called `name` and does the handshake.
    #[track_caller]
    pub fn connect(&mut self, name: &str, listen: &str) -> FrameConn {
        let context = self.context();
        let mut conn = FrameConn::dial(self.addr(), &format!("harness peer {name}"), context);
        let theirs = conn.handshake(name, listen);
        if theirs != self.name {
            conn.failure(format!(
                "the program's `hello` names `{theirs}`, not its --name"
            ))
            .got_vs_expected(theirs.as_bytes(), self.name.as_bytes())
            .raise();
        }
        conn
    }
}

/// A neighbour that connects, says `hello`, and then never reads a byte:
/// a peer whose machine froze. Its receive buffer is made small before it
/// connects, so that writes to it block after a few KiB.
pub struct SilentPeer {
    socket: Socket,
}

impl SilentPeer {
    /// Connects to `addr` and says `hello` as `name`, listening on `listen`.
    pub fn connect(addr: SocketAddr, name: &str, listen: &str, context: &Context) -> SilentPeer {
        let fail = |what: String| -> ! { Failure::new(what).context(context).raise() };
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)
            .unwrap_or_else(|err| fail(format!("could not make a socket: {err}")));
        socket
            .set_recv_buffer_size(4096)
            .unwrap_or_else(|err| fail(format!("could not set SO_RCVBUF: {err}")));
        socket
            .connect_timeout(&addr.into(), PATIENCE)
            .unwrap_or_else(|err| {
                fail(format!(
                    "the silent peer could not connect to {addr}: {err}"
                ))
            });
        socket.set_write_timeout(Some(PATIENCE)).unwrap();
        let bytes = frame(hello(name, listen).to_string().as_bytes());
        let mut sent = 0;
        while sent < bytes.len() {
            match socket.send(&bytes[sent..]) {
                Ok(n) => sent += n,
                Err(err) => fail(format!("the silent peer could not send its hello: {err}")),
            }
        }
        SilentPeer { socket }
    }

    /// Sends `value` as one frame, returning the error rather than failing
    /// (the program may rightly have closed this connection).
    pub fn try_send(&self, value: &Value) -> std::io::Result<()> {
        let mut stream: TcpStream = self.socket.try_clone()?.into();
        stream.write_all(&frame(value.to_string().as_bytes()))
    }

    /// From now on it reads: a neighbour that paused, and catches up. What
    /// the program sent it while it paused comes first (its `hello` too).
    pub fn start_reading(self, label: &str, context: Context) -> FrameConn {
        FrameConn::wrap(self.socket.into(), label, context)
    }

    /// Whether the program has closed this connection (read without
    /// blocking past `patience`: everything it sent, then EOF or a reset).
    pub fn closed_within(&self, patience: Duration) -> bool {
        let deadline = Instant::now() + patience;
        let mut stream: TcpStream = self.socket.try_clone().unwrap().into();
        let mut chunk = [0u8; 64 * 1024];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            stream.set_read_timeout(Some(left)).unwrap();
            match stream.read(&mut chunk) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return false
                }
                Err(_) => return true,
            }
        }
    }
}

/// SIGKILL to the program alone: it crashes, with no chance to say `leave`.
pub fn kill(process: &mut Process) {
    // Its exit is expected from here on (not a server walking out on its test).
    let _ = process.wait(Duration::ZERO);
    // SAFETY: kill has no memory-safety preconditions.
    unsafe {
        libc::kill(process.pid() as libc::pid_t, libc::SIGKILL);
    }
    process.expect_exit("it was sent SIGKILL", PATIENCE);
}
