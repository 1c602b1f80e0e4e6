//! Files on both ends of an upload: what a directory holds (for tests that a
//! server wrote what it should and nothing else), and an upload peer that
//! stands in for a file server when a client is tested.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::Path;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::accept::{Listener, Stop};
use crate::PATIENCE;

/// Every file and folder under `root`, as paths relative to it (folders end
/// in `/`) with file sizes, sorted: `["a.bin (3 bytes)", "sub/"]`.
pub fn tree(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    walk(root, root, &mut found);
    found.sort();
    found
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        match entry.metadata() {
            Ok(meta) if meta.is_dir() => {
                found.push(format!("{relative}/"));
                walk(root, &path, found);
            }
            Ok(meta) => found.push(format!("{relative} ({} bytes)", meta.len())),
            Err(_) => found.push(relative),
        }
    }
}

/// Polls `dir` until `wanted` holds for its [`tree`], or `patience` runs out.
/// Returns the last listing, and whether `wanted` held. A directory offers no
/// portable change notification, so this looks every few milliseconds; the
/// patience only bounds how long a failure takes to show.
pub fn wait_for_tree(
    dir: &Path,
    patience: Duration,
    wanted: impl Fn(&[String]) -> bool,
) -> (Vec<String>, bool) {
    let deadline = Instant::now() + patience;
    loop {
        let listing = tree(dir);
        if wanted(&listing) {
            return (listing, true);
        }
        if Instant::now() >= deadline {
            return (listing, false);
        }
        thread::sleep(Duration::from_millis(5)); // the pace of polling the directory: a partial file can only be seen by looking, not a wait for readiness
    }
}

/// What an [`UploadPeer`] answers once the client's upload is in.
#[derive(Clone, Debug)]
pub enum PeerReply {
    /// `OK <size>`, with the size the client's header announced.
    Ok,
    /// This line (a `\n` is added).
    Line(String),
    /// Nothing: it closes the connection without a reply.
    Close,
    /// This line as soon as the header's two lines are in, without waiting
    /// for the body; then it closes, unread bytes and all (as a server that
    /// refuses a name does: the client's next writes may fail).
    AfterHeader(String),
}

/// What a client sent to an [`UploadPeer`].
#[derive(Clone, Debug, Default)]
pub struct Upload {
    /// Every byte, header included.
    pub bytes: Vec<u8>,
    /// Whether the client half-closed (the peer read EOF) within the patience.
    pub eof: bool,
}

impl Upload {
    /// The name line, the size line and the body, when the bytes hold two
    /// `\n`-terminated lines.
    pub fn parts(&self) -> Option<(&[u8], &[u8], &[u8])> {
        let first = self.bytes.iter().position(|&b| b == b'\n')?;
        let rest = &self.bytes[first + 1..];
        let second = rest.iter().position(|&b| b == b'\n')?;
        Some((&self.bytes[..first], &rest[..second], &rest[second + 1..]))
    }
}

/// A stand-in for a file server, written independently of the solutions: it
/// takes one connection, reads until EOF (at most [`PATIENCE`]: a client that
/// never half-closes gets no reply), then answers as told and closes.
pub struct UploadPeer {
    addr: SocketAddr,
    done: Stop,
    thread: Option<JoinHandle<Option<Upload>>>,
}

impl UploadPeer {
    /// Listens on a loopback port and answers the one upload with `reply`.
    pub fn start(reply: PeerReply) -> UploadPeer {
        let listener = Listener::bind("the upload peer");
        let addr = listener.addr();
        let done = listener.stopper();
        let thread = thread::spawn(move || {
            let stream = listener.accept(None)?;
            Some(receive(stream, &reply))
        });
        UploadPeer {
            addr,
            done,
            thread: Some(thread),
        }
    }

    /// Where the client should send its upload.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the client sent; `None` when it never connected. Call it after
    /// the client's run.
    pub fn upload(mut self) -> Option<Upload> {
        self.finish()
    }

    fn finish(&mut self) -> Option<Upload> {
        let thread = self.thread.take()?;
        // An accept still waiting ends: nobody came. A connection in
        // progress ends within its own patience.
        self.done.stop();
        thread.join().ok().flatten()
    }
}

impl Drop for UploadPeer {
    fn drop(&mut self) {
        self.finish();
    }
}

fn receive(mut stream: TcpStream, reply: &PeerReply) -> Upload {
    let deadline = Instant::now() + PATIENCE;
    let mut upload = Upload::default();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut chunk) {
            Ok(0) => {
                upload.eof = true;
                break;
            }
            Ok(n) => {
                upload.bytes.extend_from_slice(&chunk[..n]);
                if let (PeerReply::AfterHeader(line), Some(_)) = (reply, upload.parts()) {
                    let _ = stream.set_write_timeout(Some(PATIENCE));
                    let _ = stream.write_all(format!("{line}\n").as_bytes());
                    break;
                }
            }
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    if upload.eof {
        let line = match reply {
            PeerReply::Ok => upload
                .parts()
                .map(|(_, size, _)| format!("OK {}\n", String::from_utf8_lossy(size))),
            PeerReply::Line(line) => Some(format!("{line}\n")),
            PeerReply::Close | PeerReply::AfterHeader(_) => None,
        };
        if let Some(line) = line {
            let _ = stream.set_write_timeout(Some(PATIENCE));
            let _ = stream.write_all(line.as_bytes());
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
    upload
}
