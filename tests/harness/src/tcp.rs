//! A TCP connection from the harness to a server under test: every read and
//! write has a deadline, and everything sent and received goes into a transcript
//! that failure reports quote.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::busy::{self, Patience};
use crate::report::{escape, Context, Failure};
use crate::unread::unread_by_peer;
use crate::{Server, PATIENCE};

/// What came back when the harness waited for a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A whole line, without its `\n` (a `\r` before it is kept).
    Line(Vec<u8>),
    /// Nothing, or no whole line, within the deadline; holds what did come.
    NoResponse(Vec<u8>),
    /// The server closed the connection (EOF or reset); holds what came before.
    Closed(Vec<u8>),
}

/// The context for a report about `server`, with `line` as the way to talk
/// to it by hand: `{addr}` in it becomes `IP PORT`, and a comment of its own
/// (`nc {addr}    # /join busy, then Ctrl-Z`) joins the "second terminal" note
/// rather than running into a second `#`. The one place such lines are made.
pub fn by_hand(server: &Server, line: &str) -> Context {
    let (line, comment) = by_hand_line(line, server.addr());
    let mut context = server.context_with(&line);
    if let (Some(comment), Some(last)) = (comment, context.repro.last_mut()) {
        *last = format!("{line}    # in a second terminal: {comment}");
    }
    context
}

/// `line` with `{addr}` filled in, and its own comment apart, if it has one.
fn by_hand_line(line: &str, addr: SocketAddr) -> (String, Option<String>) {
    let line = line.replace("{addr}", &format!("{} {}", addr.ip(), addr.port()));
    match line.split_once(" # ") {
        Some((command, comment)) => (
            command.trim_end().to_string(),
            Some(comment.trim().to_string()),
        ),
        None => (line, None),
    }
}

/// How long bytes may lie unread, while no thread of the server is put on
/// a CPU, before [`TcpConn::until_read`] takes it that the server is not
/// reading this connection.
const NOT_READING: Duration = Duration::from_millis(500);

/// A harness connection to a server.
pub struct TcpConn {
    stream: TcpStream,
    buffer: Vec<u8>,
    context: Context,
    transcript: Vec<(&'static str, Vec<u8>)>,
    patience: Duration,
    /// How long the last wait waited, as a report says it.
    waited: String,
}

impl TcpConn {
    /// Connects to `server`; `repro` is the command a student would use to
    /// talk to it by hand (`nc 127.0.0.1 PORT`; `{addr}` there is replaced by
    /// `IP PORT`).
    pub fn to(server: &Server, repro: &str) -> TcpConn {
        TcpConn::connect(server.addr(), by_hand(server, repro))
    }

    /// Connects to `addr`, with `context` for failure reports.
    pub fn connect(addr: SocketAddr, context: Context) -> TcpConn {
        let stream = match TcpStream::connect_timeout(&addr, PATIENCE) {
            Ok(stream) => stream,
            Err(err) => Failure::new(format!("could not connect to {addr}: {err}"))
                .context(&context)
                .raise(),
        };
        stream.set_write_timeout(Some(PATIENCE)).unwrap();
        TcpConn {
            stream,
            buffer: Vec::new(),
            context,
            transcript: Vec::new(),
            patience: PATIENCE,
            waited: String::new(),
        }
    }

    /// Wraps a stream the harness already holds (one a harness-side server
    /// accepted, say), with `context` for failure reports.
    pub fn from_stream(stream: TcpStream, context: Context) -> TcpConn {
        stream.set_write_timeout(Some(PATIENCE)).unwrap();
        TcpConn {
            stream,
            buffer: Vec::new(),
            context,
            transcript: Vec::new(),
            patience: PATIENCE,
            waited: String::new(),
        }
    }

    /// Changes how long reads and writes wait (default [`PATIENCE`]).
    pub fn set_patience(&mut self, patience: Duration) {
        self.patience = patience;
        self.stream.set_write_timeout(Some(patience)).unwrap();
    }

    /// The socket, for options such as `set_nodelay`.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Sends bytes, failing the test if they cannot all be written in time.
    #[track_caller]
    pub fn send(&mut self, bytes: &[u8]) {
        self.transcript.push(("sent", bytes.to_vec()));
        if let Err(err) = self.stream.write_all(bytes) {
            let what = if err.kind() == ErrorKind::WouldBlock || err.kind() == ErrorKind::TimedOut {
                format!(
                    "the server stopped reading: could not send within {:?}",
                    self.patience
                )
            } else {
                // What it said before it closed goes into the transcript.
                self.all_within(Patience::exact(Duration::from_millis(500)));
                format!("could not send: {err} (did the server close the connection?)")
            };
            self.failure(what).raise();
        }
    }

    /// Sends one piece of a message, then waits until the server has read
    /// it on its own ([`TcpConn::until_read`]).
    #[track_caller]
    pub fn send_piece(&mut self, piece: &[u8]) {
        self.send(piece);
        self.until_read();
    }

    /// Waits until the server has read everything sent so far: the kernel
    /// holds none of it, on its way or in the server's receive queue
    /// ([`crate::unread`]). An event, not a pause: on a loaded machine a
    /// server can take longer than any fixed delay to read, and the next
    /// piece then lands in the same read, hiding the very mistake the pieces
    /// are there to show (a line taken to end where a read ends). Waits at
    /// most the patience, and less for a server that is not reading this
    /// connection: bytes unread while not one of its threads was put on a
    /// CPU for [`NOT_READING`]. (A server that was woken by them is on a CPU
    /// or waiting for one, however busy the machine.)
    pub(crate) fn until_read(&self) {
        let end = Instant::now() + self.patience;
        let mut idle_since: Option<(Instant, u64)> = None;
        loop {
            let now = Instant::now();
            if matches!(unread_by_peer(&self.stream), None | Some(0)) || now >= end {
                return;
            }
            if let Some(server) = &self.context.family {
                let Some(activity) = busy::activity(&server.family()) else {
                    return;
                };
                match idle_since {
                    _ if activity.running => idle_since = None,
                    Some((since, runs)) if runs == activity.runs => {
                        if now - since >= NOT_READING {
                            return;
                        }
                    }
                    _ => idle_since = Some((now, activity.runs)),
                }
            }
            std::thread::sleep(Duration::from_millis(2)); // pace: a look at /proc, not a wait for readiness
        }
    }

    /// Sends `count` copies of `byte` in chunks of 64 KiB, keeping one line in
    /// the transcript rather than a copy: for lines of many MiB, which the
    /// test process must not hold whole any more than the server may.
    #[track_caller]
    pub fn send_filler(&mut self, byte: u8, count: usize) {
        let chunk = vec![byte; 64 * 1024];
        let mut left = count;
        while left > 0 {
            let n = left.min(chunk.len());
            self.send(&chunk[..n]);
            self.transcript.pop();
            left -= n;
        }
        let shown = format!("({count} bytes of {})", escape(&[byte]));
        self.transcript.push(("sent", shown.into_bytes()));
    }

    /// Sends bytes, returning the error instead of failing the test: for a
    /// test that reads the server's reply when it closed the connection first.
    pub fn try_send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.transcript.push(("sent", bytes.to_vec()));
        self.stream.write_all(bytes)
    }

    /// Sends `line` and a `\n`.
    #[track_caller]
    pub fn send_line(&mut self, line: &str) {
        let mut bytes = line.as_bytes().to_vec();
        bytes.push(b'\n');
        self.send(&bytes);
    }

    /// Half-closes: the server reads EOF, and can still answer.
    pub fn shutdown_write(&mut self) {
        self.transcript
            .push(("sent", b"(EOF: the harness half-closed)".to_vec()));
        let _ = self.stream.shutdown(Shutdown::Write);
    }

    /// Waits (at most the patience) for the next line.
    pub fn read_line(&mut self) -> Reply {
        self.line_within(Patience::exact(self.patience))
    }

    /// Reads everything until the server closes (at most the patience).
    pub fn read_to_close(&mut self) -> Reply {
        self.all_within(Patience::exact(self.patience))
    }

    /// Waits (at most the patience) for exactly `n` bytes, whatever they hold
    /// (`\n` included): for a binary reply, or one of a known length. `Err`
    /// holds what came before the deadline ([`Reply::NoResponse`]) or the
    /// close ([`Reply::Closed`]).
    pub fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, Reply> {
        self.bytes_within(n, Patience::exact(self.patience))
    }

    /// The patience of a wait for something due: longer while the server is
    /// still busy (a cold interpreter, an `fsync`), never while it waits
    /// ([`crate::busy`]). The `read_*` methods wait exactly their patience,
    /// for a test that expects nothing to come.
    fn patience_for_an_answer(&self) -> Patience {
        Patience::new(self.patience)
    }

    fn line_within(&mut self, mut patience: Patience) -> Reply {
        loop {
            if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
                line.pop();
                self.transcript
                    .push(("got", [line.as_slice(), b"\n"].concat()));
                return Reply::Line(line);
            }
            match self.read_some(&mut patience) {
                Some(true) => {}
                Some(false) => return Reply::Closed(self.take_partial()),
                None => return Reply::NoResponse(self.take_partial()),
            }
        }
    }

    fn all_within(&mut self, mut patience: Patience) -> Reply {
        loop {
            match self.read_some(&mut patience) {
                Some(true) => {}
                Some(false) => return Reply::Closed(self.take_partial()),
                None => return Reply::NoResponse(self.take_partial()),
            }
        }
    }

    fn bytes_within(&mut self, n: usize, mut patience: Patience) -> Result<Vec<u8>, Reply> {
        while self.buffer.len() < n {
            match self.read_some(&mut patience) {
                Some(true) => {}
                Some(false) => return Err(Reply::Closed(self.take_partial())),
                None => return Err(Reply::NoResponse(self.take_partial())),
            }
        }
        let bytes: Vec<u8> = self.buffer.drain(..n).collect();
        self.transcript.push(("got", bytes.clone()));
        Ok(bytes)
    }

    /// Reads once into the buffer, in slices of the patience: `Some(true)`
    /// for bytes, `Some(false)` for EOF or reset, `None` once the patience
    /// is spent (what it waited is then in `self.waited`).
    fn read_some(&mut self, patience: &mut Patience) -> Option<bool> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let family = &self.context.family;
            let Some(wait) =
                patience.next_wait(|| family.as_ref().map_or_else(Vec::new, |f| f.family()))
            else {
                self.waited = patience.describe();
                return None;
            };
            self.stream
                .set_read_timeout(Some(wait.max(Duration::from_millis(1))))
                .unwrap();
            match self.stream.read(&mut chunk) {
                Ok(0) => return Some(false),
                Ok(n) => {
                    self.buffer.extend_from_slice(&chunk[..n]);
                    return Some(true);
                }
                Err(err)
                    if err.kind() == ErrorKind::WouldBlock
                        || err.kind() == ErrorKind::TimedOut
                        || err.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Some(false),
            }
        }
    }

    fn take_partial(&mut self) -> Vec<u8> {
        let partial = std::mem::take(&mut self.buffer);
        if !partial.is_empty() {
            self.transcript.push(("got", partial.clone()));
        }
        partial
    }

    /// Waits for a line and fails the test unless it is `expected` (a `\r`
    /// before the `\n` is tolerated).
    #[track_caller]
    pub fn expect_line(&mut self, expected: &str) {
        self.expect_line_with(expected, "", |failure| failure);
    }

    /// [`expect_line`](Self::expect_line), saying `why` that line is due in
    /// the failure's headline, whether something else or nothing came.
    #[track_caller]
    pub fn expect_line_why(&mut self, expected: &str, why: &str) {
        self.expect_line_with(expected, why, |failure| failure);
    }

    /// [`expect_line_why`](Self::expect_line_why), with `more` adding to
    /// the report (say, what another connection sent: [`Self::sent_by`]).
    #[track_caller]
    pub fn expect_line_with(
        &mut self,
        expected: &str,
        why: &str,
        more: impl FnOnce(Failure) -> Failure,
    ) {
        let waited = if why.is_empty() {
            format!("`{expected}`")
        } else {
            format!("`{expected}` ({why})")
        };
        let got = match self.line_within(self.patience_for_an_answer()) {
            Reply::Line(line) => String::from_utf8_lossy(&line).into_owned(),
            other => more(self.silence(other, &waited)).raise(),
        };
        let got = got.strip_suffix('\r').unwrap_or(&got);
        if got != expected {
            let headline = if why.is_empty() {
                "wrong reply".to_string()
            } else {
                format!("wrong reply: {why}")
            };
            more(self.failure(headline))
                .got_vs_expected(got.as_bytes(), expected.as_bytes())
                .raise();
        }
    }

    /// Adds what this connection sent to `failure`, each line labelled `who`
    /// (`"alice sent"`): for a report about what another connection got.
    pub fn sent_by(&self, failure: Failure, who: &str) -> Failure {
        let sent: Vec<&Vec<u8>> = self
            .transcript
            .iter()
            .filter(|(what, _)| *what == "sent")
            .map(|(_, bytes)| bytes)
            .collect();
        let shown = sent.len().saturating_sub(6);
        sent[shown..].iter().fold(failure, |failure, bytes| {
            failure.with(who, shown_bytes(bytes))
        })
    }

    /// Waits for a line, failing the test (saying it waited for `what`) on
    /// silence or a closed connection.
    #[track_caller]
    pub fn expect_any_line(&mut self, what: &str) -> String {
        match self.line_within(self.patience_for_an_answer()) {
            Reply::Line(line) => String::from_utf8_lossy(&line).into_owned(),
            other => self.silence(other, what).raise(),
        }
    }

    /// The report for a wait for `what` that got no line: silence, or a close.
    fn silence(&self, reply: Reply, what: &str) -> Failure {
        match reply {
            Reply::NoResponse(partial) => self
                .failure(format!(
                    "no response within {}: waited for {what}",
                    self.waited
                ))
                .with("partial", format!("\"{}\" (no \\n yet)", escape(&partial))),
            // (`Line` is never passed here; it reads as what came before.)
            Reply::Closed(partial) | Reply::Line(partial) => self
                .failure(format!(
                    "connection closed by the server while waiting for {what}"
                ))
                .with("partial", format!("\"{}\"", escape(&partial))),
        }
    }

    /// Fails the test unless the server closes the connection (EOF or reset)
    /// within the patience, with nothing more to say.
    #[track_caller]
    pub fn expect_closed(&mut self, why: &str) {
        match self.all_within(self.patience_for_an_answer()) {
            Reply::Closed(rest) if rest.is_empty() => {}
            Reply::Closed(rest) => self
                .failure(format!(
                    "expected the connection to close ({why}), but more came first"
                ))
                .got(&rest)
                .raise(),
            _ => self
                .failure(format!(
                    "expected the connection to close ({why}), but it stayed open {}",
                    self.waited
                ))
                .raise(),
        }
    }

    /// Fails the test unless the next bytes are exactly `expected`; `why`
    /// says why they are due, in the report's headline.
    #[track_caller]
    pub fn expect_bytes(&mut self, expected: &[u8], why: &str) {
        let what = format!("{} bytes ({why})", expected.len());
        match self.bytes_within(expected.len(), self.patience_for_an_answer()) {
            Ok(got) if got == expected => {}
            Ok(got) => self
                .failure(format!("wrong reply: {why}"))
                .got_vs_expected(&got, expected)
                .raise(),
            Err(reply) => self.silence(reply, &what).raise(),
        }
    }

    /// A failure report with this connection's transcript (the last dozen
    /// exchanges) and the server's context.
    pub fn failure(&self, headline: impl Into<String>) -> Failure {
        let mut failure = Failure::new(headline);
        let shown = self.transcript.len().saturating_sub(12);
        if shown > 0 {
            failure = failure.with("…", format!("({shown} earlier exchanges not shown)"));
        }
        for (what, bytes) in &self.transcript[shown..] {
            failure = failure.with(what, shown_bytes(bytes));
        }
        failure.context(&self.context)
    }
}

/// Bytes of a transcript as a report shows them: escaped, quoted, and cut
/// after 200 bytes.
fn shown_bytes(bytes: &[u8]) -> String {
    if bytes.len() > 200 {
        format!("\"{}…\" ({} bytes)", escape(&bytes[..200]), bytes.len())
    } else {
        format!("\"{}\"", escape(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `read_exact` takes bytes whatever they are, newlines included, and
    /// says what came before a close.
    #[test]
    fn exact_bytes_then_the_rest_before_a_close() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let peer = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream.write_all(b"ab\ncd").unwrap();
        });
        let mut conn = TcpConn::connect(addr, Context::default());
        assert_eq!(conn.read_exact(3), Ok(b"ab\n".to_vec()));
        peer.join().unwrap();
        assert_eq!(conn.read_exact(5), Err(Reply::Closed(b"cd".to_vec())));
    }

    /// `until_read` ends once the peer has read the piece, and gives up on
    /// a program that is not reading at all after about half a second, not
    /// after the whole patience.
    #[test]
    fn until_read_waits_for_the_read_and_not_for_a_sleeper() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        // The "server" whose threads the wait watches: asleep throughout.
        let (mut child, sleeper) = crate::contain::spawn(
            std::process::Command::new("sh").args(["-c", "exec sleep 30"]), // the program watched: it never reads
        )
        .unwrap();
        let context = Context {
            family: Some(sleeper.family_ref()),
            ..Context::default()
        };
        let mut conn = TcpConn::connect(addr, context);
        let (mut theirs, _) = listener.accept().unwrap();
        conn.send(b"nobody reads this");
        let started = Instant::now();
        conn.until_read();
        let waited = started.elapsed();
        assert!(
            waited >= NOT_READING && waited < PATIENCE,
            "gave up on a non-reader after {waited:?}"
        );
        // Read by the test itself: the wait ends at the read.
        let reader = std::thread::spawn(move || {
            let mut all = vec![0u8; 17 + 5];
            theirs.read_exact(&mut all).unwrap();
        });
        conn.send(b"hello");
        let started = Instant::now();
        conn.until_read();
        let waited = started.elapsed();
        assert!(waited < NOT_READING, "waited {waited:?} for a reader");
        assert_eq!(unread_by_peer(conn.stream()), Some(0));
        reader.join().unwrap();
        drop(sleeper);
        let _ = child.wait();
    }

    /// The commands a by-hand line may start with: the shell's `printf`, and
    /// the tools the exercise READMEs tell a student to install (`nc` is
    /// OpenBSD netcat, `netcat-openbsd` on Debian). Checked by name rather
    /// than on PATH, as a machine without netcat still runs the tests.
    const TOOLS: [&str; 3] = ["nc", "printf", "curl"];

    /// Every kind of by-hand line the tests use: pasteable, with no `{…}`
    /// left, starting with a command a shell finds.
    #[test]
    fn by_hand_lines_are_pasteable() {
        let addr: SocketAddr = "127.0.0.1:40123".parse().unwrap();
        for line in [
            "nc {addr}",
            "printf 'hello.txt\\n6\\nhello\\n' | nc -N {addr}",
            "nc {addr}    # /join busy, then Ctrl-Z: a client that stops reading",
        ] {
            let (command, _) = by_hand_line(line, addr);
            assert!(
                !command.contains('{') && !command.contains('}'),
                "{command}"
            );
            assert!(!command.contains('#'), "one comment only: {command}");
            assert!(command.contains("127.0.0.1 40123"), "{command}");
            for word in command
                .split(" | ")
                .filter_map(|part| part.split_whitespace().next())
            {
                assert!(
                    TOOLS.contains(&word),
                    "`{word}` is not a tool the READMEs name: {command}"
                );
            }
        }
    }
}
