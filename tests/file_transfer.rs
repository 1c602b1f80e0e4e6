//! Exercise 02, file-transfer: the tests of `file-server` and `file-client`.
//!
//! Each test is named after the README step it checks. The server is tested
//! with the harness's own TCP connection (which can send a header in pieces,
//! or stop half-way through a body) and a relay that cuts the stream into
//! 1-byte segments; the client against the harness's upload peer, which
//! records what it sent and answers as told. Every test works in a temporary
//! directory of its own, removed at the end.

use std::fs;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use harness::predicates::prelude::*;
use harness::ScratchDir as TempDir;
use harness::{
    by_hand, escape, join, program, spawn_in_step, step, tree, wait_for_tree, ChangedUpload,
    ChangingFilePeer, Client, Context, Failure, FileChange, PeerReply, RefusedTcpPort, Relay,
    Reply, Run, Server, TcpConn, UploadPeer,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

const MIB: usize = 1024 * 1024;

/// How a student sends an upload by hand (`-N`: EOF on stdin half-closes).
const NC: &str = "printf 'hello.txt\\n6\\nhello\\n' | nc -N {addr}";

// ---------------------------------------------------------------- helpers

/// A temporary folder holding `files/`, the server's directory, and
/// `outside/`, an empty neighbour: nothing may ever appear in either but the
/// uploads the test expects.
struct Sandbox {
    root: TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        // The harness's scratch directory: under grading, the program under
        // test runs as another user, and these folders must be its own.
        let root = harness::scratch_dir("file-transfer-");
        for folder in ["files", "outside"] {
            fs::create_dir(root.path().join(folder)).unwrap();
            harness::hand_over(&root.path().join(folder));
        }
        Sandbox { root }
    }

    /// The server's directory.
    fn files(&self) -> PathBuf {
        self.root.path().join("files")
    }

    fn root(&self) -> &Path {
        self.root.path()
    }

    /// A file for the client to send, at `relative` (folders are created).
    fn source(&self, relative: &str, contents: &[u8]) -> PathBuf {
        let path = self.root.path().join("sources").join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, contents).unwrap();
        path
    }

    /// A file of `mib` MiB for the client to send: [`mib_block`]s 0, 1, 2…
    fn big_source(&self, relative: &str, mib: usize) -> PathBuf {
        let path = self.root.path().join("sources").join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut file = fs::File::create(&path).unwrap();
        for i in 0..mib {
            file.write_all(&mib_block(i)).unwrap();
        }
        path
    }
}

impl Sandbox {
    /// A file of `size` bytes for the client to send: [`mib_block`]s 0, 1,
    /// 2…, the last one cut short.
    fn sized_source(&self, relative: &str, size: u64) -> PathBuf {
        let path = self.root.path().join("sources").join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut file = fs::File::create(&path).unwrap();
        let mut left = size as usize;
        for i in 0.. {
            if left == 0 {
                break;
            }
            let n = left.min(MIB);
            file.write_all(&mib_block(i)[..n]).unwrap();
            left -= n;
        }
        path
    }
}

/// MiB number `i` of a big file: the same noise in every block but for its
/// first 8 bytes, the block's number, so a lost or repeated block shows.
/// (Fast to make, even for 64 MiB in a debug build.)
fn mib_block(i: usize) -> Vec<u8> {
    static NOISE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let mut block = NOISE.get_or_init(|| noise(9, MIB)).clone();
    block[..8].copy_from_slice(&(i as u64).to_le_bytes());
    block
}

/// `file-server --dir <sandbox>/files --port 0`, ready.
fn start_server(sandbox: &Sandbox) -> Server {
    Server::start(
        program!("file-server"),
        &["--dir", sandbox.files().to_str().unwrap()],
    )
}

/// `file-client --server ADDR FILE ARGS…`, run to completion.
fn upload(server: SocketAddr, file: &Path, args: &[&str], deadline: Duration) -> Run {
    Client::new(program!("file-client"))
        .args(["--server", &server.to_string()])
        .arg_path(file)
        .args(args)
        .deadline(deadline)
        .run()
}

trait ArgPath {
    fn arg_path(self, path: &Path) -> Client;
}

impl ArgPath for Client {
    fn arg_path(self, path: &Path) -> Client {
        self.args([path.as_os_str()])
    }
}

/// `len` bytes of noise from `seed`, made 8 at a time (fast in a debug build).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        bytes.extend_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// A header: `name\nsize\n`.
fn header(name: &[u8], size: usize) -> Vec<u8> {
    [name, b"\n", size.to_string().as_bytes(), b"\n"].concat()
}

/// Sends part of an upload. If the server closed the connection already,
/// fails the test with what it said before closing.
fn send_part(conn: &mut TcpConn, bytes: &[u8]) {
    if let Err(err) = conn.try_send(bytes) {
        // What it said before closing goes into the transcript.
        let _ = conn.read_to_close();
        conn.failure(format!(
            "the server closed the connection in the middle of the upload ({err})"
        ))
        .raise();
    }
}

/// Fails the test unless `dir` holds the file `name` with exactly `expected`.
fn expect_file(dir: &Path, name: &str, expected: &[u8], context: &Context) {
    match fs::read(dir.join(name)) {
        Ok(got) if got == expected => {}
        Ok(got) => Failure::new(format!(
            "{name} arrived, but its bytes differ from what was sent"
        ))
        .got_vs_expected(&got, expected)
        .context(context)
        .raise(),
        Err(err) => Failure::new(format!("{name} is not in the directory ({err})"))
            .with("directory", listing(&tree(dir)))
            .context(context)
            .raise(),
    }
}

/// Fails the test unless the directory holds exactly `expected` (a [`tree`]
/// listing): no temporary file left, nothing else written.
fn expect_tree(dir: &Path, expected: &[&str], why: &str, context: &Context) {
    let got = tree(dir);
    if got != expected {
        Failure::new(format!("the directory holds the wrong files ({why})"))
            .with("directory", dir.display())
            .with("holds", listing(&got))
            .with(
                "expected",
                listing(&expected.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
            )
            .context(context)
            .raise();
    }
}

fn listing(entries: &[String]) -> String {
    if entries.is_empty() {
        "(nothing)".into()
    } else {
        entries
            .iter()
            .map(|e| format!("\"{}\"", escape(e.as_bytes())))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

// ---------------------------------------------------------------- step 1

#[test]
fn step1_server_saves_an_upload() {
    step(
        1,
        "read the name line and the size line, save exactly size bytes, answer `OK <size>` at EOF",
    );
    let sandbox = Sandbox::new();
    let server = start_server(&sandbox);
    let mut conn = TcpConn::to(&server, NC);
    // Header and body in one write: they arrive together, so the bytes read
    // past the header belong to the body.
    let body = b"hello world\n";
    conn.send(&[header(b"hello.txt", body.len()), body.to_vec()].concat());
    conn.shutdown_write();
    conn.expect_line("OK 12");
    let context = by_hand(&server, NC);
    expect_file(&sandbox.files(), "hello.txt", body, &context);
    expect_tree(
        &sandbox.files(),
        &["hello.txt (12 bytes)"],
        "one upload, nothing else",
        &context,
    );
}

#[test]
fn step1_server_creates_its_missing_directory() {
    step(
        1,
        "a --dir that does not exist yet is created at start (or the server exits 1 with `error: …`)",
    );
    let sandbox = Sandbox::new();
    let dir = sandbox.root().join("new").join("uploads");
    let server = Server::start(program!("file-server"), &["--dir", dir.to_str().unwrap()]);
    let mut conn = TcpConn::to(&server, NC);
    conn.send(&[header(b"first.txt", 3), b"abc".to_vec()].concat());
    conn.shutdown_write();
    conn.expect_line_why(
        "OK 3",
        "the folder named by --dir did not exist: create it when the server starts \
         (`fs::create_dir_all`), so the first upload has somewhere to go",
    );
    expect_file(&dir, "first.txt", b"abc", &by_hand(&server, NC));
}

#[test]
fn step1_server_reads_a_header_sent_in_pieces() {
    step(
        1,
        "TCP has no message boundaries: read the header until each `\\n`, however it arrives",
    );
    let sandbox = Sandbox::new();
    let server = start_server(&sandbox);
    let mut conn = TcpConn::to(&server, NC);
    conn.stream().set_nodelay(true).unwrap();
    // One upload, cut mid-name and mid-size: a server that takes one read
    // for the whole header sees "dat" and nothing else.
    let body = noise(1, 10_000);
    for piece in [&b"dat"[..], b"a.bin\n10", b"000\n"] {
        conn.send_piece(piece);
    }
    send_part(&mut conn, &body);
    conn.shutdown_write();
    conn.expect_line("OK 10000");
    expect_file(&sandbox.files(), "data.bin", &body, &by_hand(&server, NC));
}

// ---------------------------------------------------------------- step 2

#[test]
fn step2_client_sends_name_size_and_bytes() {
    step(
        2,
        "send `<name>\\n<size>\\n`, then the bytes, then half-close and wait for `OK <size>`",
    );
    let sandbox = Sandbox::new();
    let contents = noise(2, 3_000);
    let file = sandbox.source("data.bin", &contents);
    let peer = UploadPeer::start(PeerReply::Ok);
    let run = upload(peer.addr(), &file, &[], Duration::from_secs(8));
    let upload = peer.upload();
    run.expect_code(0, "the peer answered `OK 3000`");
    let Some(upload) = upload else {
        run.failure("the client never connected to the server")
            .raise()
    };
    let expected = [header(b"data.bin", contents.len()), contents].concat();
    if upload.bytes != expected {
        run.failure("the client sent the wrong bytes")
            .got_vs_expected(&upload.bytes, &expected)
            .with(
                "note",
                "`data.bin\\n3000\\n` and then the file's 3000 bytes, nothing more",
            )
            .raise();
    }
}

#[test]
fn step2_client_sends_the_base_name_only() {
    step(
        2,
        "send the file's base name (`some/dir/data.bin` arrives as `data.bin`), or --name",
    );
    let sandbox = Sandbox::new();
    let file = sandbox.source("some/dir/data.bin", b"abc");
    for (args, name) in [
        (&[][..], "data.bin"),
        (&["--name", "other name.txt"][..], "other name.txt"),
    ] {
        let peer = UploadPeer::start(PeerReply::Ok);
        let run = upload(peer.addr(), &file, args, Duration::from_secs(8));
        let sent = peer.upload().unwrap_or_default();
        let got = sent
            .parts()
            .map(|(n, _, _)| n.to_vec())
            .unwrap_or_else(|| sent.bytes.clone());
        if got != name.as_bytes() {
            run.failure(format!(
                "the client sent the name line \"{}\"",
                escape(&got)
            ))
            .with(
                "expected",
                format!("\"{name}\": the server's directory is not the client's to choose"),
            )
            .raise();
        }
        run.expect_code(0, "the peer answered `OK 3`");
    }
}

#[test]
fn step2_client_half_closes_and_waits_for_the_reply() {
    step(
        2,
        "after the last byte, shutdown(Write), then read the server's reply",
    );
    let sandbox = Sandbox::new();
    let file = sandbox.source("data.bin", &noise(3, 100_000));
    // The peer answers only after it has read EOF, as a file-server does.
    let peer = UploadPeer::start(PeerReply::Ok);
    let run = upload(peer.addr(), &file, &[], Duration::from_secs(8));
    let sent = peer.upload().unwrap_or_default();
    if !sent.eof {
        run.failure(format!(
            "the server never saw the end of the upload: it got {} bytes, then nothing for {} s, and no EOF",
            sent.bytes.len(),
            harness::PATIENCE.as_secs()
        ))
        .with("hint", "half-close with `stream.shutdown(Shutdown::Write)` after the last byte, then read the reply")
        .raise();
    }
    run.expect_code(0, "the peer read EOF and answered `OK 100000`");
}

/// How to watch a file change under a client by hand: a listener that a
/// Ctrl-Z stops from reading, so the client is still sending when the file
/// changes, and `wc -c` to count what it sent.
const BY_HAND_CHANGE: &str = "nc -d -l 127.0.0.1 9000 | wc -c    # then, in a second terminal: \
     head -c 100M /dev/urandom > big.bin, upload big.bin to 127.0.0.1:9000; press Ctrl-Z here (nc stops \
     reading, the client waits), run `CHANGE`, then `fg`: wc counts the header and every byte the client sent";

/// The by-hand line for `change` (`head -c 1M /dev/zero >>`, `truncate -s 1M`).
fn by_hand_change(change: &str) -> String {
    BY_HAND_CHANGE.replace("CHANGE", change)
}

/// Fails the test unless the client's header announced `size`.
fn expect_announced(got: &ChangedUpload, size: u64, run: &Run) {
    if got.announced != Some(size) {
        run.failure(format!(
            "the client's header did not announce the file's {size} bytes"
        ))
        .with(
            "got",
            format!(
                "\"{}\"",
                escape(&got.upload.bytes[..got.upload.bytes.len().min(64)])
            ),
        )
        .with(
            "expected",
            format!("\"data.bin\\n{size}\\n\" and the bytes"),
        )
        .raise();
    }
}

#[test]
fn step2_client_sends_only_the_announced_bytes_of_a_growing_file() {
    step(
        2,
        "the size line is a promise: send exactly that many bytes, even if the file grows meanwhile",
    );
    let sandbox = Sandbox::new();
    // Too big to be in the socket buffers whole when the header arrives: the
    // client is still sending when the harness appends (see `file_size`).
    let size = ChangingFilePeer::file_size();
    let file = sandbox.sized_source("data.bin", size);
    let contents = fs::read(&file).unwrap();
    let grow = 2 * MIB as u64;
    let peer = ChangingFilePeer::start(&file, FileChange::Grow(grow));
    let run = upload(peer.addr(), &file, &[], Duration::from_secs(10));
    let Some(got) = peer.upload() else {
        run.failure("the client never connected to the server")
            .raise()
    };
    expect_announced(&got, size, &run);
    let body = got.body();
    if body != contents {
        let headline = if body.len() > contents.len() {
            format!(
                "the client announced {size} bytes and sent {}: the file grew by {grow} bytes \
                 while it was sent, and the new bytes went out too",
                body.len()
            )
        } else {
            format!(
                "the client announced {size} bytes and sent {}, not the file's first {size} bytes",
                body.len()
            )
        };
        run.failure(headline)
            .got_vs_expected(body, &contents)
            .with(
                "why",
                format!(
                    "the harness appended {grow} bytes of `+` once the header was in; a server reads \
                     exactly the announced size, and then anything more is `ERR trailing data`. \
                     `io::copy(&mut file, &mut stream)` copies up to EOF, new bytes and all: copy \
                     `size` bytes only (`(&mut file).take(size)`)"
                ),
            )
            .with("by hand", by_hand_change("head -c 1M /dev/zero >> big.bin"))
            .raise();
    }
    if !got.upload.eof {
        run.failure(format!(
            "the client sent its {size} bytes but never half-closed"
        ))
        .raise();
    }
    run.expect_code(
        0,
        &format!(
            "the harness read exactly the {size} announced bytes and EOF, and answered `OK {size}`"
        ),
    );
}

#[test]
fn step2_client_stops_with_an_error_when_the_file_shrinks() {
    step(
        2,
        "the size line is a promise: a file that shrinks while it is sent is an error, at once",
    );
    let sandbox = Sandbox::new();
    // As above: the client is still sending when the harness truncates.
    let size = ChangingFilePeer::file_size();
    let file = sandbox.sized_source("data.bin", size);
    let contents = fs::read(&file).unwrap();
    let left = MIB as u64;
    let peer = ChangingFilePeer::start(&file, FileChange::ShrinkTo(left));
    let run = upload(peer.addr(), &file, &[], Duration::from_secs(5));
    let Some(got) = peer.upload() else {
        run.failure("the client never connected to the server")
            .raise()
    };
    expect_announced(&got, size, &run);
    let body = got.body();
    let by_hand = by_hand_change("truncate -s 1M big.bin");
    let sent = body.len();
    if sent as u64 >= size || body != &contents[..sent] {
        run.failure(format!(
            "the client sent {sent} bytes for a file that shrank from {size} to {left} bytes: \
             bytes the file never held"
        ))
        .got_vs_expected(body, &contents[..sent.min(contents.len())])
        .with("by hand", &by_hand)
        .raise();
    }
    if (sent as u64) < left {
        run.failure(format!(
            "the client sent {sent} bytes, but the file still held {left} after it shrank: \
             send every byte it holds before giving up"
        ))
        .raise();
    }
    if run.timed_out() {
        run.failure(format!(
            "the file shrank from {size} to {left} bytes while the client sent it; the client sent \
             {sent} of the {size} bytes it announced, and was still running {} s later",
            run.elapsed().as_secs()
        ))
        .with(
            "expected",
            "stop at once: `error: …` on stderr, exit 1; closing the connection tells the server \
             the upload is cut",
        )
        .with(
            "why",
            format!(
                "the harness, a server still owed {} bytes, said nothing: they will never come, and \
                 only the client knows it. A client that half-closes and waits for a reply, or loops \
                 on a read of 0 bytes, leaves both sides waiting",
                size - sent as u64
            ),
        )
        .with("by hand", &by_hand)
        .raise();
    }
    run.expect_code(1, "the file shrank while it was sent");
    run.assert().stderr(predicate::str::starts_with("error: "));
}

// ---------------------------------------------------------------- step 3

#[test]
fn step3_client_fails_when_the_server_refuses() {
    step(3, "exit 1 with `error: …` on `ERR`, on a wrong size, and when the server closes without a reply");
    let sandbox = Sandbox::new();
    let file = sandbox.source("data.bin", b"12345");
    for (reply, why) in [
        (
            PeerReply::Line("ERR disk full".into()),
            "the server answered `ERR disk full`",
        ),
        (
            PeerReply::Line("OK 4".into()),
            "the server answered `OK 4` for a 5-byte file",
        ),
        (
            PeerReply::Close,
            "the server closed the connection without a reply",
        ),
    ] {
        let peer = UploadPeer::start(reply);
        let run = upload(peer.addr(), &file, &[], Duration::from_secs(3));
        drop(peer);
        run.expect_code(1, why);
        run.assert().stderr(predicate::str::starts_with("error: "));
    }
}

#[test]
fn step3_client_reports_an_err_sent_before_the_body() {
    step(
        3,
        "when a write fails because the server refused and closed, still read and report its `ERR`",
    );
    let sandbox = Sandbox::new();
    // Far more than the socket buffers hold (a few MiB), and the peer reads
    // nothing past the header: the client is still writing when the peer has
    // answered and closed, so one of its writes fails.
    let file = sandbox.big_source("data.bin", 16);
    let peer = UploadPeer::start(PeerReply::AfterHeader("ERR invalid file name".into()));
    let run = upload(peer.addr(), &file, &[], Duration::from_secs(5));
    drop(peer);
    run.expect_code(
        1,
        "the server answered `ERR invalid file name` before the body, and closed",
    );
    run.assert().stderr(
        predicate::str::starts_with("error: ").and(predicate::str::contains("invalid file name")),
    );
}

#[test]
fn step3_client_fails_without_a_server() {
    step(
        3,
        "exit 1 with `error: …` when nothing listens, or when the file is missing",
    );
    let sandbox = Sandbox::new();
    let file = sandbox.source("data.bin", b"12345");
    let refused = RefusedTcpPort::bind();
    let run = upload(refused.addr(), &file, &[], Duration::from_secs(3));
    run.expect_code(1, "the connection was refused");
    run.assert().stderr(predicate::str::starts_with("error: "));

    let peer = UploadPeer::start(PeerReply::Ok);
    let missing = sandbox.root().join("no-such-file.bin");
    let run = upload(peer.addr(), &missing, &[], Duration::from_secs(3));
    run.expect_code(1, "the file to send does not exist");
    run.assert().stderr(predicate::str::starts_with("error: "));
}

// ---------------------------------------------------------------- step 4

/// How many random files the round trip sends.
const ROUND_TRIP_CASES: u32 = 24;

#[test]
fn step4_round_trip_any_bytes() {
    step(
        4,
        "any bytes (empty, one byte, `\\n`, NUL, a few MiB) arrive byte-identical under their name",
    );
    let sandbox = Sandbox::new();
    let server = start_server(&sandbox);
    let context = by_hand(&server, NC);

    // Seeded, so that a failure can be replayed: FILE_TRANSFER_SEED=<seed>.
    let seed: u64 = match std::env::var("FILE_TRANSFER_SEED") {
        Ok(seed) => seed.parse().expect("FILE_TRANSFER_SEED is a number"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    };
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases: ROUND_TRIP_CASES,
        failure_persistence: None,
        max_shrink_iters: 16,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let contents = prop_oneof![
        Just(Vec::new()),
        any::<u8>().prop_map(|b| vec![b]),
        proptest::collection::vec(
            prop_oneof![Just(b'\n'), Just(0u8), Just(b'\r'), any::<u8>()],
            2..2048
        ),
        (2048..=4 * MIB, any::<u64>()).prop_map(|(len, seed)| noise(seed, len)),
    ];
    let case = std::sync::atomic::AtomicU32::new(0);
    let result = runner.run(&contents, |contents| {
        let name = format!("case-{}.bin", case.fetch_add(1, Ordering::SeqCst));
        let file = sandbox.source(&name, &contents);
        let run = upload(server.addr(), &file, &[], Duration::from_secs(8));
        if run.code() != Some(0) || run.timed_out() {
            return Err(TestCaseError::fail(
                run.failure("expected exit code 0 (the server saved the file)")
                    .render(),
            ));
        }
        match fs::read(sandbox.files().join(&name)) {
            Ok(got) if got == contents => Ok(()),
            Ok(got) => Err(TestCaseError::fail(
                Failure::new(format!("{name} arrived with different bytes"))
                    .got_vs_expected(&got, &contents)
                    .context(&context)
                    .render(),
            )),
            Err(err) => Err(TestCaseError::fail(
                Failure::new(format!(
                    "the client exited 0 but {name} is not in the directory: {err}"
                ))
                .context(&context)
                .render(),
            )),
        }
    });
    let replay = format!(
        "{seed} (replay: FILE_TRANSFER_SEED={seed} cargo test -p file-transfer step4_round_trip_any_bytes)"
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, contents)) => {
            // The case's own report, without its repeated step line.
            let report = reason
                .message()
                .trim_start()
                .lines()
                .skip(1)
                .collect::<Vec<_>>();
            Failure::new(format!(
                "a random file did not make the round trip ({} bytes, after shrinking)",
                contents.len()
            ))
            .with("seed", replay)
            .with(
                "contents",
                format!("\"{}\"", escape(&contents[..contents.len().min(64)])),
            )
            .with("the case", report.join("\n"))
            .raise()
        }
        Err(TestError::Abort(reason)) => Failure::new(format!("proptest gave up: {reason}"))
            .with("seed", replay)
            .raise(),
    }
}

#[test]
fn step4_round_trip_through_one_byte_segments() {
    step(
        4,
        "the upload works however TCP cuts the stream: here into 1-byte segments",
    );
    let sandbox = Sandbox::new();
    let server = start_server(&sandbox);
    let relay = Relay::start(
        server.addr(),
        Relay::plan()
            .one_byte_segments()
            .pause_after(5, Duration::from_millis(100)),
    );
    let contents = noise(4, 3_000);
    let file = sandbox.source("bytes.bin", &contents);
    let run = upload(relay.addr(), &file, &[], Duration::from_secs(9));
    run.expect_code(
        0,
        "the server saved the file, whose bytes came one per segment",
    );
    expect_file(
        &sandbox.files(),
        "bytes.bin",
        &contents,
        &by_hand(&server, NC),
    );
}

// ---------------------------------------------------------------- step 5

#[test]
fn step5_server_refuses_hostile_names() {
    step(
        5,
        "refuse a name with `/`, `\\`, a control character, `.`, `..`, empty or over 255 bytes",
    );
    let sandbox = Sandbox::new();
    let mut server = start_server(&sandbox);
    // An absolute path into the sandbox stands for `/etc/passwd`: the same
    // mistake, without risking the real one.
    let absolute = sandbox.root().join("outside/passwd");
    let long = "x".repeat(300);
    let names: Vec<&[u8]> = vec![
        b"../x",
        absolute.to_str().unwrap().as_bytes(),
        b"a/b",
        b"a\\b",
        b"..",
        b".",
        b"",
        b"a\0b",
        b"tab\tname",
        long.as_bytes(),
    ];
    for name in names {
        let mut conn = TcpConn::to(&server, NC);
        conn.send(&[header(name, 5), b"pwned".to_vec()].concat());
        conn.shutdown_write();
        conn.expect_line("ERR invalid file name");
        drop(conn);
        expect_tree(
            sandbox.root(),
            &["files/", "outside/"],
            &format!(
                "nothing may be written in, above or beside the directory for the name \"{}\"",
                escape(name)
            ),
            &by_hand(&server, NC),
        );
    }
    server.expect_alive("hostile names");
}

#[test]
fn step5_server_accepts_any_valid_name() {
    step(
        5,
        "accept every other name: spaces, accents, a leading dot, up to 255 bytes",
    );
    let sandbox = Sandbox::new();
    let server = start_server(&sandbox);
    let long = "y".repeat(251) + ".bin";
    for name in [
        "with space.txt",
        "é ü ß.txt",
        ".hidden",
        "...",
        long.as_str(),
    ] {
        let mut conn = TcpConn::to(&server, NC);
        conn.send(&[header(name.as_bytes(), 4), b"data".to_vec()].concat());
        conn.shutdown_write();
        conn.expect_line("OK 4");
        expect_file(&sandbox.files(), name, b"data", &by_hand(&server, NC));
    }
}

// ---------------------------------------------------------------- step 6

#[test]
fn step6_cut_upload_leaves_nothing_behind() {
    step(
        6,
        "stream into a temporary file; an upload cut short leaves no file, temporary or final",
    );
    let sandbox = Sandbox::new();
    let mut server = start_server(&sandbox);
    let context = by_hand(&server, NC);
    let mut conn = TcpConn::to(&server, NC);
    conn.send(&header(b"big.bin", 1_000_000));
    conn.send(&noise(6, 300_000));
    // The upload is under way: a file has appeared in the directory.
    let (during, appeared) =
        wait_for_tree(&sandbox.files(), Duration::from_secs(4), |t| !t.is_empty());
    if !appeared {
        Failure::new(
            "no file appeared in the directory during an upload (300,000 of 1,000,000 bytes sent)",
        )
        .with(
            "hint",
            "write the body to a file as it arrives, not after the last byte",
        )
        .context(&context)
        .raise();
    }
    drop(conn); // the client vanishes, 700,000 bytes short
    let (after, emptied) =
        wait_for_tree(&sandbox.files(), Duration::from_secs(2), |t| t.is_empty());
    if !emptied {
        Failure::new("2 s after a cut upload, the directory still holds a file")
            .with("during", listing(&during))
            .with("after", listing(&after))
            .with(
                "expected",
                "(nothing): a cut upload must leave neither its temporary file nor a partial file",
            )
            .context(&context)
            .raise();
    }
    server.expect_alive("a cut upload");
    let mut next = TcpConn::to(&server, NC);
    next.send(&[header(b"next.bin", 3), b"abc".to_vec()].concat());
    next.shutdown_write();
    next.expect_line("OK 3");
}

#[test]
fn step6_trailing_data_is_refused() {
    step(
        6,
        "a byte beyond the announced size gets `ERR trailing data`, and no file",
    );
    let sandbox = Sandbox::new();
    let server = start_server(&sandbox);
    // All in one write; then the body in two parts, the second carrying two
    // extra bytes: the count of what is left must shrink with each read (a
    // server that lets each read take up to `size` takes them into the file).
    for parts in [
        vec![[header(b"short.bin", 5), b"hello, and more".to_vec()].concat()],
        vec![
            [header(b"split.bin", 10), b"hell".to_vec()].concat(),
            b"o, you!!".to_vec(),
        ],
    ] {
        let mut conn = TcpConn::to(&server, NC);
        let (last, first) = parts.split_last().unwrap();
        for part in first {
            conn.send_piece(part);
        }
        conn.send(last);
        conn.shutdown_write();
        conn.expect_line_why(
            "ERR trailing data",
            "more bytes came than the size line announced; when the body arrives in several \
             reads, copy at most `size - received` of each, never `size`",
        );
        let (after, emptied) =
            wait_for_tree(&sandbox.files(), Duration::from_secs(2), |t| t.is_empty());
        if !emptied {
            conn.failure("after `ERR trailing data`, the directory still holds a file")
                .with("holds", listing(&after))
                .raise();
        }
    }
}

#[test]
fn step6_an_upload_replaces_an_existing_file() {
    step(
        6,
        "rename the temporary file into place: an existing file of that name is replaced, and \
         stays whole until then",
    );
    let sandbox = Sandbox::new();
    let old = b"the old contents, longer";
    fs::write(sandbox.files().join("same.txt"), old).unwrap();
    let before = tree(&sandbox.files());
    let server = start_server(&sandbox);
    let context = by_hand(&server, NC);
    let mut conn = TcpConn::to(&server, NC);
    let new = noise(61, 1_000);
    conn.send(&[header(b"same.txt", new.len()), new[..300].to_vec()].concat());
    // The upload is under way: the directory changed (a temporary file
    // appeared, or the old file was touched).
    let (during, changed) =
        wait_for_tree(&sandbox.files(), Duration::from_secs(4), |t| t != before);
    if !changed {
        Failure::new("nothing changed in the directory during an upload (300 of 1,000 bytes sent)")
            .with("holds", listing(&during))
            .with(
                "hint",
                "write the body to a temporary file as it arrives, not after the last byte",
            )
            .context(&context)
            .raise();
    }
    let now = fs::read(sandbox.files().join("same.txt")).unwrap_or_default();
    if now != old {
        Failure::new(
            "while a new same.txt was being uploaded, the old same.txt was already overwritten",
        )
        .with("during", listing(&during))
        .got_vs_expected(&now, old)
        .with(
            "hint",
            "write into a temporary file and rename it over the old one once the body is in: \
             until the rename, readers see the old file whole (`fs::write` or `File::create` \
             on the final name truncates it at once)",
        )
        .context(&context)
        .raise();
    }
    conn.send(&new[300..]);
    conn.shutdown_write();
    conn.expect_line("OK 1000");
    expect_file(&sandbox.files(), "same.txt", &new, &context);
    expect_tree(
        &sandbox.files(),
        &["same.txt (1000 bytes)"],
        "the new file in place, no temporary file left",
        &context,
    );
}

// ---------------------------------------------------------------- step 7

#[test]
fn step7_server_refuses_bad_headers() {
    step(
        7,
        "a header line over 4096 bytes or a size that is not 1 to 20 digits gets `ERR …` at once",
    );
    let sandbox = Sandbox::new();
    let mut server = start_server(&sandbox);
    // No `\n` within the cap: the server must answer without waiting for one.
    for (what, bytes) in [
        ("a name line of 5000 bytes", vec![b'a'; 5000]),
        (
            "a size line of 5000 digits",
            [&b"data.bin\n"[..], &[b'7'; 5000]].concat(),
        ),
    ] {
        let mut conn = TcpConn::to(&server, NC);
        conn.send(&bytes);
        let reply = conn.expect_any_line(&format!("`ERR …` for {what} with no `\\n`"));
        if !reply.starts_with("ERR ") {
            conn.failure(format!("wrong reply to {what}"))
                .got_vs_expected(reply.as_bytes(), b"ERR invalid header")
                .raise();
        }
    }
    for size in [
        "abc",
        "-5",
        "+5",
        " 5",
        "5 ",
        "",
        "0x10",
        "99999999999999999999",
        "000000000000000000005",
    ] {
        let mut conn = TcpConn::to(&server, NC);
        conn.send(format!("data.bin\n{size}\n").as_bytes());
        conn.expect_line("ERR invalid header");
    }
    server.expect_alive("bad headers");
    let context = by_hand(&server, NC);
    expect_tree(&sandbox.files(), &[], "bad headers write nothing", &context);
    let mut conn = TcpConn::to(&server, NC);
    conn.send(&[header(b"good.bin", 2), b"ok".to_vec()].concat());
    conn.shutdown_write();
    conn.expect_line("OK 2");
}

// ---------------------------------------------------------------- step 8

#[test]
fn step8_eight_uploads_at_once() {
    step(
        8,
        "serve uploads concurrently, each into its own temporary file",
    );
    let sandbox = Sandbox::new();
    let server = start_server(&sandbox);
    // Eight connections, sent to in turns, so that all eight uploads are
    // under way together. Two of them share a name: the last rename wins,
    // and the file is one of the two, whole.
    let names = [
        "0.bin", "1.bin", "2.bin", "3.bin", "4.bin", "5.bin", "same.bin", "same.bin",
    ];
    let size = 64 * 1024;
    let bodies: Vec<Vec<u8>> = (0..8).map(|i| noise(80 + i, size)).collect();
    let mut conns: Vec<TcpConn> = names
        .iter()
        .map(|name| {
            let mut conn = TcpConn::to(&server, NC);
            conn.send(&header(name.as_bytes(), size));
            conn
        })
        .collect();
    // The first upload, accepted first, stops half way and is held open
    // while the seven others are sent in turns and must complete: a server
    // that serves one upload at a time is still waiting for its rest.
    send_part(&mut conns[0], &bodies[0][..size / 2]);
    for round in 0..4 {
        let part = round * size / 4..(round + 1) * size / 4;
        for (conn, body) in conns.iter_mut().zip(&bodies).skip(1) {
            send_part(conn, &body[part.clone()]);
        }
    }
    for (i, conn) in conns.iter_mut().enumerate().skip(1) {
        conn.shutdown_write();
        match conn.read_line() {
            Reply::Line(line)
                if line.strip_suffix(b"\r").unwrap_or(&line) == format!("OK {size}").as_bytes() => {
            }
            Reply::Line(line) => conn
                .failure(format!("wrong reply to upload {i} ({})", names[i]))
                .got_vs_expected(&line, format!("OK {size}").as_bytes())
                .raise(),
            _ => conn
                .failure(format!(
                    "upload {i} ({}) got no `OK` while upload 0 (0.bin, accepted first) was \
                     held open half way through its body",
                    names[i]
                ))
                .with(
                    "hint",
                    "serve each connection on a thread of its own (`thread::spawn` per \
                     accepted stream): one slow upload must not hold up the others",
                )
                .raise(),
        }
    }
    send_part(&mut conns[0], &bodies[0][size / 2..]);
    conns[0].shutdown_write();
    conns[0].expect_line(&format!("OK {size}"));
    let context = by_hand(&server, NC);
    for (name, body) in names.iter().zip(&bodies).take(6) {
        expect_file(&sandbox.files(), name, body, &context);
    }
    let same = fs::read(sandbox.files().join("same.bin")).unwrap_or_default();
    if same != bodies[6] && same != bodies[7] {
        Failure::new("two uploads of same.bin at once: the file is neither one nor the other")
            .with("got", format!("{} bytes", same.len()))
            .with("hint", "each upload needs a temporary file of its own, with a name not derived from the upload's")
            .context(&context)
            .raise();
    }
    let mut expected: Vec<String> = names[..7]
        .iter()
        .map(|n| format!("{n} ({size} bytes)"))
        .collect();
    expected.sort();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    expect_tree(
        &sandbox.files(),
        &expected,
        "seven files, no temporary file left",
        &context,
    );
}

#[test]
fn step8_trickling_client_does_not_delay_others() {
    step(
        8,
        "a client trickling one byte every 50 ms does not delay another client's upload",
    );
    let sandbox = Sandbox::new();
    let server = start_server(&sandbox);
    let other_done = Arc::new(AtomicBool::new(false));
    // The slow upload must outlast the other client's longest wait (its 4 s,
    // and up to 6 s more while it is still busy): a server that serves one
    // client at a time must not finish the slow one first and then the
    // other in time. 300 bytes at one per 50 ms is 15 s at most.
    const SLOW: usize = 300;
    let mut slow = TcpConn::to(&server, NC);
    slow.send(&header(b"slow.bin", SLOW));
    slow.send(b"s");
    let trickler = {
        let other_done = Arc::clone(&other_done);
        spawn_in_step(move || {
            // One byte every 50 ms until the other upload is done, then the
            // rest at once.
            let mut sent = 1;
            while sent < SLOW && !other_done.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(50)); // injected delay: trickle one byte at a time
                slow.send(b"s");
                sent += 1;
            }
            slow.send(&vec![b's'; SLOW - sent]);
            slow.shutdown_write();
            slow.expect_line(&format!("OK {SLOW}"));
        })
    };
    let contents = noise(8, MIB);
    let file = sandbox.source("fast.bin", &contents);
    let run = upload(server.addr(), &file, &[], Duration::from_secs(4));
    other_done.store(true, Ordering::SeqCst);
    if run.code() != Some(0) {
        run.failure("an upload did not finish while another client was trickling its bytes")
            .with("hint", "serve each connection on a thread of its own: one slow client must not hold the others")
            .raise();
    }
    join(trickler);
    expect_file(
        &sandbox.files(),
        "fast.bin",
        &contents,
        &by_hand(&server, NC),
    );
    expect_file(
        &sandbox.files(),
        "slow.bin",
        &[b's'; SLOW],
        &by_hand(&server, NC),
    );
}

// ---------------------------------------------------------------- step 9

#[test]
fn step9_server_memory_stays_bounded() {
    step(
        9,
        "a 64 MiB upload leaves the server's peak resident memory under 24 MiB",
    );
    let sandbox = Sandbox::new();
    let mut server = start_server(&sandbox);
    let path = sandbox.big_source("big.bin", 64);
    let run = upload(server.addr(), &path, &[], Duration::from_secs(8));
    run.expect_code(0, "the server saved the 64 MiB file");
    harness::expect_peak_under(
        server.process(),
        24.0,
        "it saved a 64 MiB upload",
        "Copy the body to the file in chunks (`io::copy` with `take(size)`), never the whole \
         body into memory",
    );
    let mut saved =
        fs::File::open(sandbox.files().join("big.bin")).expect("big.bin in the directory");
    let mut got = vec![0u8; MIB];
    for i in 0..64 {
        if saved.read_exact(&mut got).is_err() || got != mib_block(i) {
            server.process().fail(format!(
                "big.bin differs from what was sent in MiB number {i}"
            ));
        }
    }
}

// ---------------------------------------------------------------- step 10

#[test]
fn step10_client_is_quiet_when_stderr_is_not_a_terminal() {
    step(
        10,
        "show a progress bar on stderr only when it is a terminal: a pipe gets nothing extra",
    );
    let sandbox = Sandbox::new();
    let file = sandbox.source("data.bin", &noise(10, 2 * MIB));
    let peer = UploadPeer::start(PeerReply::Ok);
    let run = upload(peer.addr(), &file, &[], Duration::from_secs(8));
    drop(peer);
    run.expect_code(0, "the peer answered `OK 2097152`");
    if !run.stderr().is_empty() {
        run.failure("the client wrote to stderr, which is a pipe here, not a terminal")
            .with(
                "hint",
                "check `std::io::stderr().is_terminal()` before showing a progress bar",
            )
            .raise();
    }
}

#[test]
fn step10_client_shows_progress_on_a_terminal() {
    step(10, "show a progress bar on stderr when it is a terminal");
    let sandbox = Sandbox::new();
    let file = sandbox.source("data.bin", &noise(10, MIB));
    let peer = UploadPeer::start(PeerReply::Ok);
    // `script` runs the client with a terminal (a pty) as its stderr, and
    // copies what appears on that terminal to its own stdout. The client's
    // stdout goes to /dev/null: whatever shows is stderr.
    let client = program!("file-client").path();
    let command = format!(
        "'{}' --server {} '{}' >/dev/null",
        client.display(),
        peer.addr(),
        file.display()
    );
    let script = harness::Program::system("script", "/usr/bin/script");
    let run = Client::new(script)
        .args(["-qfec", &command, "/dev/null"])
        .deadline(Duration::from_secs(8))
        .run();
    drop(peer);
    run.expect_code(0, "the client, run on a terminal, uploaded the file");
    if !run.stdout().chars().any(|c| c.is_ascii_alphanumeric()) {
        run.failure("nothing appeared on the terminal while the client sent 1 MiB")
            .with(
                "hint",
                "when `std::io::stderr().is_terminal()`, draw a bar (indicatif's `ProgressBar`)",
            )
            .raise();
    }
}
