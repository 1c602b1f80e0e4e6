//! The chat benchmark's two programs, in one file built with `rustc -O` (std
//! only, no crate):
//!
//! - `fanout baseline`: the least a fan-out server can do, as the yardstick:
//!   one thread per connection, and each message written at once to every
//!   other connection with a blocking write (no rooms, no queues, no lock on
//!   the write path beyond the list of sockets). It answers `/nick` and
//!   `/join` with `OK …` so the same load generator drives both servers.
//! - `fanout load ADDR CLIENTS MESSAGES WINDOW`: connects CLIENTS clients,
//!   has them all join room `bench`, then the first one sends MESSAGES
//!   messages, each stamped with its send time, keeping at most WINDOW ahead
//!   of the slowest receiver (so no correct server's bounded queue
//!   overflows). Every other client reads and records each delivery's
//!   latency. Prints one line: deliveries, seconds, deliveries/s, p50, p99.
//!
//! - `fanout idle ADDR CLIENTS PID`: connects CLIENTS clients that each send
//!   `/rooms` and wait for the answer (at most 64 waiting at a time), then
//!   says nothing more: idle users. Prints how long connecting took, and the
//!   threads and resident memory of the server (PID, and its children) before
//!   and with them all connected, from `/proc`.
//!
//! Every wait is bounded: the load gives up after 120 s.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(120);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("baseline") => baseline(),
        Some("load") if args.len() == 6 => load(
            &args[2],
            args[3].parse().unwrap(),
            args[4].parse().unwrap(),
            args[5].parse().unwrap(),
        ),
        Some("idle") if args.len() == 5 => idle(
            &args[2],
            args[3].parse().unwrap(),
            args[4].parse().unwrap(),
        ),
        _ => {
            eprintln!(
                "usage: fanout baseline | fanout load ADDR CLIENTS MESSAGES WINDOW \
                 | fanout idle ADDR CLIENTS PID"
            );
            std::process::exit(2);
        }
    }
}

fn baseline() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    let everyone: Arc<Mutex<Vec<(u64, TcpStream)>>> = Arc::default();
    for (id, stream) in listener.incoming().flatten().enumerate() {
        let id = id as u64;
        let everyone = Arc::clone(&everyone);
        thread::spawn(move || {
            stream.set_nodelay(true).unwrap();
            let mut name = stream.peer_addr().unwrap().to_string();
            everyone
                .lock()
                .unwrap()
                .push((id, stream.try_clone().unwrap()));
            let mut me = stream.try_clone().unwrap();
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                if let Some(nick) = line.strip_prefix("/nick ") {
                    name = nick.to_string();
                }
                if let Some(command) = line.strip_prefix('/') {
                    let answer = command.replace("join ", "joined ");
                    let _ = writeln!(me, "OK {answer}");
                    continue;
                }
                let out = format!("MSG bench {name} {line}\n");
                for (other, stream) in everyone.lock().unwrap().iter_mut() {
                    if *other != id {
                        let _ = stream.write_all(out.as_bytes());
                    }
                }
            }
        });
    }
}

/// `struct pollfd` of poll(2), declared here so the file needs no crate.
#[repr(C)]
struct PollFd {
    fd: i32,
    events: i16,
    revents: i16,
}
const POLLIN: i16 = 1;
extern "C" {
    fn poll(fds: *mut PollFd, nfds: u64, timeout: i32) -> i32;
}

fn load(addr: &str, clients: usize, messages: u64, window: u64) {
    let origin = Instant::now();
    let mut conns = Vec::new();
    for i in 0..clients {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        (&stream)
            .write_all(format!("/nick c{i:03}\n/join bench\n").as_bytes())
            .unwrap();
        let mut line = String::new();
        // Wait for `OK joined bench` (skipping `OK nick …`): when the last
        // client has it, everyone is in the room.
        while !line.starts_with("OK joined") {
            line.clear();
            assert!(
                reader.read_line(&mut line).unwrap() > 0,
                "server closed during joins"
            );
        }
        // What the reader buffered beyond that line is only `JOIN`s.
        conns.push(stream);
    }
    let sender = conns.remove(0);
    let received: Arc<Vec<AtomicU64>> = Arc::new(conns.iter().map(|_| AtomicU64::new(0)).collect());
    let broken = Arc::new(AtomicBool::new(false));
    // One thread reads all the receivers, with poll(2): 99 threads would
    // measure the scheduler's context switches on the load's one CPU.
    let receiving = {
        let (received, broken) = (Arc::clone(&received), Arc::clone(&broken));
        thread::spawn(move || receive(conns, messages, origin, &received, &broken))
    };

    let started = Instant::now();
    let mut out = std::io::BufWriter::new(&sender);
    for seq in 0..messages {
        // Keep at most `window` messages ahead of the slowest receiver.
        loop {
            let slowest = received
                .iter()
                .map(|c| c.load(Ordering::Acquire))
                .min()
                .unwrap();
            if seq < slowest + window {
                break;
            }
            if started.elapsed() > LIMIT || broken.load(Ordering::Acquire) {
                eprintln!("gave up: {slowest} of {messages} delivered to everyone");
                std::process::exit(1);
            }
            out.flush().unwrap();
            thread::yield_now();
        }
        writeln!(out, "{seq} {}", origin.elapsed().as_nanos()).unwrap();
        if seq % 16 == 15 || window == 1 {
            out.flush().unwrap();
        }
    }
    out.flush().unwrap();
    let mut all = receiving.join().unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let expected = messages * received.len() as u64;
    if all.len() as u64 != expected {
        eprintln!("only {} of {expected} deliveries came", all.len());
        std::process::exit(1);
    }
    all.sort_by(f64::total_cmp);
    let pct =
        |p: f64| all[((p / 100.0 * all.len() as f64).ceil() as usize).clamp(1, all.len()) - 1];
    println!(
        "deliveries={} seconds={seconds:.3} per_s={:.0} p50_us={:.1} p99_us={:.1}",
        all.len(),
        all.len() as f64 / seconds,
        pct(50.0),
        pct(99.0)
    );
}

/// Reads every receiver until each has had `messages` messages from c000;
/// returns the latency of each delivery, in microseconds.
fn receive(
    conns: Vec<TcpStream>,
    messages: u64,
    origin: Instant,
    received: &[AtomicU64],
    broken: &AtomicBool,
) -> Vec<f64> {
    use std::io::Read;
    let mut latencies_us = Vec::with_capacity(messages as usize * conns.len());
    let mut pending: Vec<Vec<u8>> = vec![Vec::new(); conns.len()];
    let mut fds: Vec<PollFd> = conns
        .iter()
        .map(|c| {
            use std::os::fd::AsRawFd;
            c.set_nonblocking(true).unwrap();
            PollFd {
                fd: c.as_raw_fd(),
                events: POLLIN,
                revents: 0,
            }
        })
        .collect();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut done = 0;
    while done < conns.len() {
        // SAFETY: `fds` is a valid array of pollfd for the length of the call.
        let ready = unsafe { poll(fds.as_mut_ptr(), fds.len() as u64, 10_000) };
        if ready <= 0 {
            broken.store(true, Ordering::Release); // 10 s without a byte
            break;
        }
        for (r, fd) in fds.iter_mut().enumerate() {
            if fd.revents == 0 {
                continue;
            }
            let n = match (&conns[r]).read(&mut chunk) {
                Ok(0) => {
                    broken.store(true, Ordering::Release);
                    return latencies_us;
                }
                Ok(n) => n,
                Err(_) => continue, // WouldBlock
            };
            let now_ns = origin.elapsed().as_nanos() as u64;
            pending[r].extend_from_slice(&chunk[..n]);
            let mut used = 0;
            while let Some(end) = pending[r][used..].iter().position(|&b| b == b'\n') {
                let line = &pending[r][used..used + end];
                used += end + 1;
                // MSG bench c000 <seq> <sent_ns>
                let Some(text) = line.strip_prefix(b"MSG bench c000 ") else {
                    continue;
                };
                let text = std::str::from_utf8(text).unwrap();
                let sent_ns: u64 = text.split(' ').nth(1).unwrap().trim_end().parse().unwrap();
                latencies_us.push((now_ns - sent_ns) as f64 / 1000.0);
                if received[r].fetch_add(1, Ordering::Release) + 1 == messages {
                    done += 1;
                }
            }
            pending[r].drain(..used);
        }
    }
    latencies_us
}

/// Threads and resident memory (KiB) of `pid` and its descendants, from
/// `/proc/PID/status` (`Threads:`, `VmRSS:`) and `/proc/PID/task/*/children`.
fn census(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    let (mut threads, mut rss) = (field("Threads:"), field("VmRSS:"));
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).into_iter().flatten();
    for task in tasks.flatten() {
        let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
            let (t, r) = census(child);
            threads += t;
            rss += r;
        }
    }
    (threads, rss)
}

fn idle(addr: &str, clients: usize, pid: u32) {
    const WINDOW: usize = 64;
    let (threads_before, rss_before) = census(pid);
    let started = Instant::now();
    let mut readers: Vec<BufReader<TcpStream>> = Vec::with_capacity(clients);
    let wait_for_rooms = |reader: &mut BufReader<TcpStream>| {
        let mut line = String::new();
        // `ROOMS …` from a chat server, `OK rooms` from the naive one.
        while !line.starts_with("ROOMS") && !line.starts_with("OK") {
            line.clear();
            assert!(reader.read_line(&mut line).expect("an answer to /rooms") > 0, "server closed");
        }
    };
    for i in 0..clients {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        (&stream).write_all(b"/rooms\n").unwrap();
        readers.push(BufReader::new(stream));
        if i >= WINDOW {
            wait_for_rooms(&mut readers[i - WINDOW]);
        }
    }
    for reader in &mut readers[clients.saturating_sub(WINDOW)..] {
        wait_for_rooms(reader);
    }
    let seconds = started.elapsed().as_secs_f64();
    let (threads, rss) = census(pid);
    println!(
        "clients={clients} connect_s={seconds:.3} per_client_us={:.0} threads_before={threads_before} \
         threads={threads} rss_before_kib={rss_before} rss_kib={rss} per_client_kib={:.1}",
        seconds * 1e6 / clients as f64,
        rss.saturating_sub(rss_before) as f64 / clients as f64
    );
}
