//! Files on both ends of an upload: what a directory holds (for tests that a
//! server wrote what it should and nothing else), and upload peers that stand
//! in for a file server when a client is tested (one of them changes the file
//! under the client while it is sent).

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::Path;
use std::sync::mpsc;
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

/// How the harness changes a file under a client that is sending it.
#[derive(Clone, Copy, Debug)]
pub enum FileChange {
    /// Appends this many bytes (`+`): the file grows.
    Grow(u64),
    /// Truncates it to this many bytes: the file shrinks.
    ShrinkTo(u64),
}

/// What a client sent to a [`ChangingFilePeer`], and what the peer did.
#[derive(Clone, Debug, Default)]
pub struct ChangedUpload {
    /// Every byte, header included, and whether the client's EOF came.
    pub upload: Upload,
    /// The size line, when the header's two lines came and it is a number.
    pub announced: Option<u64>,
    /// How many bytes (header included) had come when the peer changed the
    /// file; `None` when it never did (no header).
    pub changed_after: Option<usize>,
    /// The line the peer answered, if any (without its `\n`).
    pub reply: Option<String>,
}

impl ChangedUpload {
    /// The body: what came after the header's two lines.
    pub fn body(&self) -> &[u8] {
        self.upload.parts().map_or(&[], |(_, _, body)| body)
    }
}

/// A stand-in for a file server that changes the file under the client while
/// the client sends it, written independently of the solutions. It goes by
/// events, with a deadline on each: it takes one connection, reads until the
/// header's two lines are in, changes the file ([`FileChange`]), and only
/// then reads the body, to EOF. Then it answers as a file server would:
/// `OK <size>` for exactly the announced bytes, `ERR trailing data` for more.
/// For fewer it answers nothing and keeps the connection open until the test
/// is done with the client: a client that knows its file shrank must stop on
/// its own, not wait for a server to call its upload cut.
///
/// The file must be [`ChangingFilePeer::file_size`] bytes or more, so that
/// the client cannot have sent it whole before the change.
pub struct ChangingFilePeer {
    addr: SocketAddr,
    done: Stop,
    /// Dropped when the test is done with the client: the peer lets go.
    release: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<Option<ChangedUpload>>>,
}

/// The peer's receive buffer, set on the connection it accepts. Setting it
/// turns off the kernel's autotuning, which could grow it to `tcp_rmem`'s
/// maximum (32 MiB on some machines) while the peer reads.
const PEER_RECEIVE_BUFFER: usize = 256 * 1024;

impl ChangingFilePeer {
    /// Listens on a loopback port; the client's upload of `file` gets `change`.
    pub fn start(file: &Path, change: FileChange) -> ChangingFilePeer {
        let listener = Listener::bind("the upload peer");
        let addr = listener.addr();
        let done = listener.stopper();
        let (release, released) = mpsc::channel();
        let file = file.to_path_buf();
        let thread = crate::spawn_in_step(move || {
            // Until the test is done with the client (its run has the deadline).
            let stream = listener.accept(None)?;
            Some(receive_changing(stream, &file, change, &released))
        });
        ChangingFilePeer {
            addr,
            done,
            release: Some(release),
            thread: Some(thread),
        }
    }

    /// How big the file must be (at least) for the client not to have sent
    /// it whole when its header arrives, whatever the machine's buffers.
    ///
    /// The peer reads nothing past the header until it has changed the file,
    /// so until then the client can have handed the kernel only what its
    /// send buffer and the peer's receive side hold: at most
    /// `max(tcp_wmem[2], 2 × wmem_max)` (autotuned, or set with `SO_SNDBUF`,
    /// which the kernel doubles) and the window advertised before the peer
    /// set its buffer (`tcp_rmem[1]`) plus that buffer, doubled. Twice all of
    /// that, and a tail of 12,345 bytes: the size is never a whole number of
    /// MiB, so a client that sends in 1 MiB steps ends on a short one.
    pub fn file_size() -> u64 {
        let sysctl = |path: &str, field: usize, fallback: u64| {
            std::fs::read_to_string(path)
                .ok()
                .and_then(|text| text.split_whitespace().nth(field)?.parse().ok())
                .unwrap_or(fallback)
        };
        let mib = 1024 * 1024;
        let send = sysctl("/proc/sys/net/ipv4/tcp_wmem", 2, 4 * mib)
            .max(2 * sysctl("/proc/sys/net/core/wmem_max", 0, 4 * mib));
        let receive =
            sysctl("/proc/sys/net/ipv4/tcp_rmem", 1, 128 * 1024) + 2 * PEER_RECEIVE_BUFFER as u64;
        (2 * (send + receive)).div_ceil(mib) * mib + 12_345
    }

    /// Where the client should send its upload.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the client sent, and what the peer did; `None` when it never
    /// connected. Call it after the client's run: it lets the connection go.
    pub fn upload(mut self) -> Option<ChangedUpload> {
        self.finish()
            .unwrap_or_else(|failure| std::panic::resume_unwind(failure))
    }

    fn finish(&mut self) -> thread::Result<Option<ChangedUpload>> {
        let Some(thread) = self.thread.take() else {
            return Ok(None);
        };
        self.done.stop();
        self.release.take();
        thread.join()
    }
}

impl Drop for ChangingFilePeer {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

fn receive_changing(
    mut stream: TcpStream,
    file: &Path,
    change: FileChange,
    released: &mpsc::Receiver<()>,
) -> ChangedUpload {
    let _ = socket2::SockRef::from(&stream).set_recv_buffer_size(PEER_RECEIVE_BUFFER);
    let mut got = ChangedUpload::default();
    let mut chunk = vec![0u8; 64 * 1024];
    // Event 1: the header. Two lines of at most 4096 bytes each (and a
    // `\r\n`): past that, a header is not coming.
    let deadline = Instant::now() + PATIENCE;
    while got.upload.parts().is_none() && got.upload.bytes.len() <= 2 * 4098 {
        match read_until(&mut stream, &mut chunk, deadline) {
            Some(0) => {
                got.upload.eof = true;
                return got;
            }
            Some(n) => got.upload.bytes.extend_from_slice(&chunk[..n]),
            None => return got,
        }
    }
    got.announced = got.upload.parts().and_then(|(_, size, _)| {
        std::str::from_utf8(size)
            .ok()?
            .trim_end_matches('\r')
            .parse()
            .ok()
    });
    let Some(announced) = got.announced else {
        return got;
    };
    // Event 2: the change, before another byte is read.
    got.changed_after = Some(got.upload.bytes.len());
    let changed = match change {
        FileChange::Grow(more) => std::fs::OpenOptions::new()
            .append(true)
            .open(file)
            .and_then(|mut f| f.write_all(&vec![b'+'; more as usize])),
        FileChange::ShrinkTo(size) => std::fs::OpenOptions::new()
            .write(true)
            .open(file)
            .and_then(|f| f.set_len(size)),
    };
    changed.unwrap_or_else(|err| panic!("the peer could not change {}: {err}", file.display()));
    // Event 3: the body, to EOF. Never more than the file ever held, and a
    // little: past that the client is not reading its file.
    let most = match change {
        FileChange::Grow(more) => announced + more,
        FileChange::ShrinkTo(_) => announced,
    } as usize
        + chunk.len();
    let header = got.upload.bytes.len() - got.body().len();
    let deadline = Instant::now() + 3 * PATIENCE;
    while got.upload.bytes.len() - header <= most {
        match read_until(&mut stream, &mut chunk, deadline) {
            Some(0) => {
                got.upload.eof = true;
                break;
            }
            Some(n) => got.upload.bytes.extend_from_slice(&chunk[..n]),
            None => break,
        }
    }
    let body = got.body().len() as u64;
    if got.upload.eof && body >= announced {
        let line = if body == announced {
            format!("OK {announced}")
        } else {
            "ERR trailing data".to_string()
        };
        let _ = stream.set_write_timeout(Some(PATIENCE));
        let _ = stream.write_all(format!("{line}\n").as_bytes());
        got.reply = Some(line);
    } else {
        // Silent, the connection open, until the test has seen the client
        // exit or be killed (or a minute, if the test forgot to let go).
        let _ = released.recv_timeout(Duration::from_secs(60));
    }
    let _ = stream.shutdown(Shutdown::Both);
    got
}

/// One read before `deadline`: `Some(0)` for EOF (or a reset), `None` for the
/// deadline.
fn read_until(stream: &mut TcpStream, chunk: &mut [u8], deadline: Instant) -> Option<usize> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(chunk) {
            Ok(n) => return Some(n),
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return None
            }
            Err(_) => return Some(0),
        }
    }
}
