//! The group-chat benchmark's load generator, one file built with `rustc -O`
//! (std only, no crate). One author, seven readers, two systems:
//!
//! - `meshload mesh BIN PEERS MESSAGES WINDOW`: starts PEERS copies of the
//!   group-chat program BIN as a chain (`--peer` the one before), waits until
//!   each has printed `joined` for every other (a full mesh), then types
//!   MESSAGES lines at the first one's stdin; every other peer's stdout is read
//!   and each `[p0] m<seq>` timed from the moment its line was typed.
//! - `meshload chat ADDR CLIENTS MESSAGES WINDOW`: CLIENTS clients of
//!   exercise 03's chat server at ADDR join room `bench`; the first sends the
//!   same lines, the others read `MSG bench c0 m<seq>`.
//!
//! The author keeps at most WINDOW messages ahead of the slowest reader (so
//! no bounded queue overflows; WINDOW 1 measures each message's own delay).
//! Prints one line: deliveries, seconds, deliveries/s, p50 and p99 in µs.
//! Every wait is bounded: the run gives up after 120 s, and the peers it
//! started are killed when it ends.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(120);

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    sent_at: Vec<Option<Instant>>,
    received: Vec<usize>,
    latencies_us: Vec<u64>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 6 || !["mesh", "chat"].contains(&args[1].as_str()) {
        eprintln!("usage: meshload mesh BIN PEERS MESSAGES WINDOW | meshload chat ADDR CLIENTS MESSAGES WINDOW");
        std::process::exit(2);
    }
    let (n, messages, window): (usize, usize, usize) =
        (args[3].parse().unwrap(), args[4].parse().unwrap(), args[5].parse().unwrap());
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            sent_at: vec![None; messages],
            received: vec![0; n - 1],
            latencies_us: Vec::with_capacity(messages * (n - 1)),
        }),
        changed: Condvar::new(),
    });
    let deadline = Instant::now() + LIMIT;
    let mut children: Vec<Child> = Vec::new();
    let mut author: Box<dyn Write> = if args[1] == "mesh" {
        mesh(&args[2], n, &shared, &mut children, deadline)
    } else {
        chat(&args[2], n, &shared)
    };
    let start = Instant::now();
    for seq in 0..messages {
        {
            let mut state = shared.state.lock().unwrap();
            while state.received.iter().min().copied().unwrap_or(0) + window <= seq {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    fail(&mut children, "gave up after 120 s");
                }
                state = shared.changed.wait_timeout(state, left).unwrap().0;
            }
            state.sent_at[seq] = Some(Instant::now());
        }
        if author.write_all(format!("m{seq}\n").as_bytes()).and_then(|_| author.flush()).is_err() {
            fail(&mut children, "the author's input closed");
        }
    }
    let mut state = shared.state.lock().unwrap();
    while state.received.iter().min().copied().unwrap_or(0) < messages {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            drop(state);
            fail(&mut children, "gave up after 120 s");
        }
        state = shared.changed.wait_timeout(state, left).unwrap().0;
    }
    let seconds = start.elapsed().as_secs_f64();
    let deliveries = state.latencies_us.len();
    state.latencies_us.sort_unstable();
    let at = |q: f64| state.latencies_us[((deliveries as f64 * q) as usize).min(deliveries - 1)];
    println!(
        "deliveries={deliveries} seconds={seconds:.3} per_s={:.0} p50_us={} p99_us={}",
        deliveries as f64 / seconds,
        at(0.50),
        at(0.99)
    );
    drop(state);
    for child in &mut children {
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn fail(children: &mut [Child], why: &str) -> ! {
    eprintln!("meshload: {why}");
    for child in children {
        let _ = child.kill();
    }
    std::process::exit(1)
}

/// Reader `r` got the line `text`: `m<seq>` or anything else (ignored).
fn record(shared: &Shared, r: usize, text: &str) {
    let Some(seq) = text.strip_prefix('m').and_then(|s| s.parse::<usize>().ok()) else { return };
    let now = Instant::now();
    let mut state = shared.state.lock().unwrap();
    if let Some(Some(sent)) = state.sent_at.get(seq).copied() {
        state.latencies_us.push(now.duration_since(sent).as_micros() as u64);
        state.received[r] += 1;
        shared.changed.notify_all();
    }
}

fn mesh(bin: &str, n: usize, shared: &Arc<Shared>, children: &mut Vec<Child>, deadline: Instant) -> Box<dyn Write> {
    let mut outputs = Vec::new();
    let mut previous: Option<String> = None;
    for k in 0..n {
        let mut command = Command::new(bin);
        command.args(["--name", &format!("p{k}"), "--port", "0"]);
        if let Some(addr) = &previous {
            command.args(["--peer", addr]);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a peer");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        previous = Some(line.trim().strip_prefix("listening on ").expect("a ready line").to_string());
        children.push(child);
        outputs.push(out);
    }
    // A full mesh: every peer printed `joined` for the n - 1 others.
    let (ready, joined) = std::sync::mpsc::channel();
    for (k, mut out) in outputs.into_iter().enumerate() {
        let (shared, ready) = (Arc::clone(shared), ready.clone());
        thread::spawn(move || {
            let mut line = String::new();
            let mut joins = 0;
            while joins < n - 1 {
                line.clear();
                if out.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                joins += line.ends_with(" joined\n") as usize;
            }
            let _ = ready.send(());
            while {
                line.clear();
                out.read_line(&mut line).unwrap_or(0) > 0
            } {
                if k > 0 {
                    if let Some(text) = line.trim_end().strip_prefix("[p0] ") {
                        record(&shared, k - 1, text);
                    }
                }
            }
        });
    }
    for _ in 0..n {
        if joined.recv_timeout(deadline.saturating_duration_since(Instant::now())).is_err() {
            fail(children, "the mesh never filled in");
        }
    }
    Box::new(children[0].stdin.take().unwrap())
}

fn chat(addr: &str, n: usize, shared: &Arc<Shared>) -> Box<dyn Write> {
    let mut author = None;
    for k in 0..n {
        let stream = TcpStream::connect(addr).expect("connect to the chat server");
        stream.set_nodelay(true).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        for command in [format!("/nick c{k}\n"), "/join bench\n".to_string()] {
            writer.write_all(command.as_bytes()).unwrap();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                if line.starts_with("OK ") {
                    break;
                }
            }
        }
        if k == 0 {
            author = Some(writer);
            thread::spawn(move || for _ in reader.lines() {});
            continue;
        }
        let shared = Arc::clone(shared);
        thread::spawn(move || {
            for line in reader.lines() {
                let Ok(line) = line else { return };
                if let Some(text) = line.strip_prefix("MSG bench c0 ") {
                    record(&shared, k - 1, text);
                }
            }
        });
    }
    Box::new(author.unwrap())
}
