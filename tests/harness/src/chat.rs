//! Peers for exercise 03 (chat): a client that never reads, an abrupt
//! disconnect, and a crowd of thousands of clients. (The harness-side server
//! that plays a script against the client under test is
//! [`crate::ScriptedServer`].)

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use socket2::{Domain, SockRef, Socket, Type};

use crate::report::{escape, Failure};
use crate::{Server, TcpConn, PATIENCE};

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
                .context(&crate::by_hand(server, "nc {addr}"))
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

/// How many clients a test may connect at once, at most `wanted`: each takes
/// a file in the test process and one or two in the server, under the limit
/// on open files (`ulimit -n`), whose soft value the harness raised to the
/// hard one. With the reason when fewer fit than `wanted`.
pub fn clients_that_fit(wanted: usize) -> (usize, Option<String>) {
    // SAFETY: getrlimit with a valid pointer.
    let soft = unsafe {
        let mut files: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut files) != 0 {
            return (wanted, None);
        }
        files.rlim_cur
    };
    // The server may hold a socket and a duplicate of it per client, plus
    // its own few; the test process its few and one per client.
    let fit = (soft.saturating_sub(64) / 3) as usize;
    if fit >= wanted {
        (wanted, None)
    } else {
        let why = format!(
            "only {fit} clients fit under this machine's limit on open files \
             (`ulimit -Hn` is {soft}), not {wanted}: tested with {fit}"
        );
        (fit, Some(why))
    }
}

/// Thousands of chat clients at once, each a bare socket: for a test of
/// scale, where a [`TcpConn`] and its transcript per client would weigh more
/// than the server. Every read has a deadline.
pub struct Crowd {
    members: Vec<Member>,
    server: SocketAddr,
    context: crate::Context,
}

struct Member {
    stream: TcpStream,
    /// Bytes read and not yet taken as lines.
    buffer: Vec<u8>,
    /// The name the server knows it by: its address.
    name: String,
}

impl Crowd {
    pub fn new(server: &Server) -> Crowd {
        Crowd {
            members: Vec::new(),
            server: server.addr(),
            context: crate::by_hand(server, "nc {addr}"),
        }
    }

    /// How many have connected.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Member `i`'s name (its `ip:port`).
    pub fn name(&self, i: usize) -> &str {
        &self.members[i].name
    }

    /// Connects one more client and sends `lines` (each ended by `\n`)
    /// without waiting for an answer; returns its index.
    #[track_caller]
    pub fn connect(&mut self, lines: &[&str]) -> usize {
        let at = self.members.len();
        let stream = TcpStream::connect_timeout(&self.server, PATIENCE).unwrap_or_else(|err| {
            self.fail(format!(
                "client {} of the crowd could not connect within {:.0} s: {err} \
                 ({at} clients were connected)",
                at + 1,
                PATIENCE.as_secs_f64()
            ))
        });
        let name = stream.local_addr().unwrap().to_string();
        stream.set_write_timeout(Some(PATIENCE)).unwrap();
        let _ = stream.set_nodelay(true);
        self.members.push(Member {
            stream,
            buffer: Vec::new(),
            name,
        });
        self.send(at, lines);
        at
    }

    /// Sends `lines` from member `i`.
    #[track_caller]
    pub fn send(&mut self, i: usize, lines: &[&str]) {
        let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
        if let Err(err) = self.members[i].stream.write_all(text.as_bytes()) {
            let what = format!(
                "{} of the crowd could not send {:?}: {err}",
                self.members[i].name, text
            );
            self.fail(what);
        }
    }

    /// Reads member `i`'s next line, waiting until `deadline` at most; fails
    /// the test, saying it waited for `what`, if none comes.
    #[track_caller]
    pub fn next_line(&mut self, i: usize, deadline: Instant, what: &str) -> String {
        loop {
            let member = &mut self.members[i];
            if let Some(end) = member.buffer.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = member.buffer.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return String::from_utf8_lossy(&line).into_owned();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let mut chunk = [0u8; 8 * 1024];
            let got = if left.is_zero() {
                Err(ErrorKind::TimedOut.into())
            } else {
                member.stream.set_read_timeout(Some(left)).unwrap();
                member.stream.read(&mut chunk)
            };
            let problem = match got {
                Ok(0) => "the server closed the connection",
                Ok(n) => {
                    member.buffer.extend_from_slice(&chunk[..n]);
                    continue;
                }
                Err(err) if err.kind() == ErrorKind::Interrupted => continue,
                Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    "no response in time"
                }
                Err(_) => "the connection broke",
            };
            let partial = escape(&member.buffer);
            let who = member.name.clone();
            Failure::new(format!("{problem}: {who} waited for {what}"))
                .with("partial", format!("\"{partial}\" (no \\n yet)"))
                .with("crowd", format!("{} clients connected", self.members.len()))
                .context(&self.context)
                .raise();
        }
    }

    /// Fails the test with `what`, in the server's context.
    #[track_caller]
    pub fn fail(&self, what: String) -> ! {
        Failure::new(what).context(&self.context).raise()
    }

    /// The server's context, for a report of the test's own.
    pub fn context(&self) -> &crate::Context {
        &self.context
    }
}
