//! Exercise 01, latency: the tests of `latency-server` and `latency-client`.
//!
//! Each test is named after the README step it checks. The client is tested
//! against the harness's own UDP echo, which can delay, drop, duplicate or
//! withhold replies on cue; the server against the harness's own socket.

use std::net::SocketAddr;
use std::time::Duration;

use harness::predicates::prelude::*;
use harness::{program, step, Client, EchoPeer, Run, Server, SilentUdpPort, UdpConn};

/// `size` bytes that are not all alike, so a cut or shifted echo shows.
fn payload(size: usize) -> Vec<u8> {
    (0..size)
        .map(|i| (i % 251) as u8 ^ (i / 251) as u8)
        .collect()
}

/// Runs `latency-client --server ADDR ARGS…` to completion.
fn ping(server: SocketAddr, args: &[&str], deadline: Duration) -> Run {
    Client::new(program!("latency-client"))
        .args(["--server", &server.to_string()])
        .args(args)
        .deadline(deadline)
        .run()
}

/// The client's summary, read from its one line on stdout.
#[derive(Debug)]
struct Summary {
    sent: u64,
    received: u64,
    lost: u64,
    size: u64,
    /// min, avg, p50, p99, max in microseconds; `None` for `-` or `null`.
    times: [Option<f64>; 5],
}

const TIMES: [&str; 5] = ["min", "avg", "p50", "p99", "max"];

impl Summary {
    /// Reads the plain line
    /// `sent=20 received=20 lost=0 size=10 min=12.3us avg=… p50=… p99=… max=…`.
    fn plain(run: &Run) -> Summary {
        let line = run.stdout_line();
        let fail = |why: String| -> ! {
            run.failure("the summary line is not of the documented shape")
                .with("line", &line)
                .with("problem", why)
                .with(
                    "expected",
                    "sent=20 received=20 lost=0 size=10 min=12.3us avg=15.0us p50=14.1us p99=40.2us max=41.0us\n\
                     (times with one decimal, or all five `-` when nothing came back)",
                )
                .raise()
        };
        let keys = [
            "sent", "received", "lost", "size", "min", "avg", "p50", "p99", "max",
        ];
        let fields: Vec<&str> = line.split(' ').collect();
        if fields.len() != keys.len() {
            fail(format!(
                "{} fields separated by single spaces, expected {}",
                fields.len(),
                keys.len()
            ));
        }
        let mut values = Vec::new();
        for (field, key) in fields.iter().zip(keys) {
            match field.strip_prefix(key).and_then(|f| f.strip_prefix('=')) {
                Some(value) => values.push(value),
                None => fail(format!("`{field}` where `{key}=…` belongs")),
            }
        }
        let count = |i: usize| -> u64 {
            values[i].parse().unwrap_or_else(|_| {
                fail(format!("{}=`{}` is not a whole number", keys[i], values[i]))
            })
        };
        let time = |i: usize| -> Option<f64> {
            let value = values[i];
            if value == "-" {
                return None;
            }
            let number = value
                .strip_suffix("us")
                .filter(|n| {
                    n.split_once('.')
                        .is_some_and(|(_, decimals)| decimals.len() == 1)
                })
                .and_then(|n| n.parse::<f64>().ok());
            Some(number.unwrap_or_else(|| {
                fail(format!(
                    "{}=`{value}` is not microseconds with one decimal, like 12.3us",
                    keys[i]
                ))
            }))
        };
        Summary {
            sent: count(0),
            received: count(1),
            lost: count(2),
            size: count(3),
            times: [time(4), time(5), time(6), time(7), time(8)],
        }
    }

    /// Reads the `--json` object.
    fn json(run: &Run) -> Summary {
        let line = run.stdout_line();
        let fail = |why: String| -> ! {
            run.failure("the --json summary is not of the documented shape")
                .with("line", &line)
                .with("problem", why)
                .with(
                    "expected",
                    "one object with the keys sent, received, lost, size, min_us, avg_us, p50_us, \
                     p99_us, max_us\n(counts as whole numbers; times as numbers, or null when nothing came back)",
                )
                .raise()
        };
        let value: harness::serde_json::Value = harness::serde_json::from_str(&line)
            .unwrap_or_else(|err| fail(format!("not JSON: {err}")));
        let Some(object) = value.as_object() else {
            fail("not a JSON object".into())
        };
        let keys = [
            "sent", "received", "lost", "size", "min_us", "avg_us", "p50_us", "p99_us", "max_us",
        ];
        let mut found: Vec<&str> = object.keys().map(String::as_str).collect();
        found.sort_unstable();
        let mut wanted = keys.to_vec();
        wanted.sort_unstable();
        if found != wanted {
            fail(format!("keys {found:?}"));
        }
        let count = |key: &str| {
            object[key].as_u64().unwrap_or_else(|| {
                fail(format!("\"{key}\": {} is not a whole number", object[key]))
            })
        };
        let time = |key: &str| -> Option<f64> {
            let value = &object[key];
            if value.is_null() {
                return None;
            }
            Some(
                value
                    .as_f64()
                    .unwrap_or_else(|| fail(format!("\"{key}\": {value} is not a number"))),
            )
        };
        Summary {
            sent: count("sent"),
            received: count("received"),
            lost: count("lost"),
            size: count("size"),
            times: [
                time("min_us"),
                time("avg_us"),
                time("p50_us"),
                time("p99_us"),
                time("max_us"),
            ],
        }
    }

    fn time(&self, name: &str) -> f64 {
        let i = TIMES.iter().position(|t| *t == name).unwrap();
        self.times[i].unwrap_or(f64::NAN)
    }

    /// Fails the test unless the counts are these.
    fn expect_counts(&self, run: &Run, sent: u64, received: u64, lost: u64, why: &str) {
        if (self.sent, self.received, self.lost) != (sent, received, lost) {
            run.failure(format!(
                "expected sent={sent} received={received} lost={lost}, got sent={} received={} lost={}",
                self.sent, self.received, self.lost
            ))
            .with("why", why)
            .raise();
        }
    }

    /// Fails the test unless min ≤ p50 ≤ p99 ≤ max, min ≤ avg ≤ max, all
    /// positive (when anything came back).
    fn expect_consistent_times(&self, run: &Run) {
        let [min, avg, p50, p99, max] = self.times;
        let (Some(min), Some(avg), Some(p50), Some(p99), Some(max)) = (min, avg, p50, p99, max)
        else {
            run.failure("replies came back, yet some times are missing (`-` or null)")
                .raise();
        };
        let ordered =
            0.0 < min && min <= p50 && p50 <= p99 && p99 <= max && min <= avg && avg <= max;
        if !ordered {
            run.failure("the times contradict each other")
                .with(
                    "got",
                    format!("min={min} avg={avg} p50={p50} p99={p99} max={max}"),
                )
                .with("expected", "0 < min ≤ p50 ≤ p99 ≤ max, and min ≤ avg ≤ max")
                .raise();
        }
    }
}

// ---------------------------------------------------------------- step 1

#[test]
fn step1_server_echoes_every_size() {
    step(
        1,
        "the server echoes every datagram back, byte for byte, up to 65,507 bytes",
    );
    let server = Server::start(program!("latency-server"), &[]);
    let mut conn = UdpConn::to(&server);
    for size in [1, 10, 1_000, 10_000, 65_507] {
        conn.expect_echo(&payload(size));
    }
}

#[test]
fn step1_server_survives_a_zero_length_datagram() {
    step(
        1,
        "a zero-length datagram is echoed too, and the server goes on serving",
    );
    let mut server = Server::start(program!("latency-server"), &[]);
    let mut conn = UdpConn::to(&server);
    conn.expect_echo(b"");
    conn.expect_echo(b"still there?");
    server.expect_alive("a zero-length datagram");
}

#[test]
fn step1_server_serves_two_clients_interleaved() {
    step(
        1,
        "every reply goes back to the client that sent the ping (recv_from's address)",
    );
    let server = Server::start(program!("latency-server"), &[]);
    let mut alice = UdpConn::to(&server);
    let mut bob = UdpConn::to(&server);
    for round in 0..5u8 {
        let (a, b) = (vec![b'a', round], vec![b'b', round, round]);
        alice.send(&a);
        bob.send(&b);
        alice.expect(&a);
        bob.expect(&b);
    }
}

// ---------------------------------------------------------------- step 2

#[test]
fn step2_client_sends_numbered_pings_of_the_given_size() {
    step(
        2,
        "send N pings of exactly B bytes, the first 8 the sequence number (u64, big-endian)",
    );
    let peer = EchoPeer::echo();
    let run = ping(
        peer.addr(),
        &["--count", "20", "--size", "100", "--timeout-ms", "300"],
        Duration::from_secs(8),
    );
    run.expect_code(0, "every ping came back");
    let pings = peer.pings();
    if pings.len() != 20 {
        run.failure(format!(
            "the echo peer received {} pings, expected --count 20",
            pings.len()
        ))
        .raise();
    }
    for (seq, ping) in pings.iter().enumerate() {
        let expected_start = (seq as u64).to_be_bytes();
        if ping.len() != 100 || ping[..ping.len().min(8)] != expected_start[..] {
            run.failure(format!(
                "ping {seq} is {} bytes starting {:?}; expected 100 bytes (--size 100) starting with \
                 {seq} as a big-endian u64 (`seq.to_be_bytes()`)",
                ping.len(),
                &ping[..ping.len().min(8)]
            ))
            .raise();
        }
    }
}

#[test]
fn step2_client_prints_the_summary_line() {
    step(
        2,
        "print one line: sent, received, lost, size, min, avg, p50, p99, max",
    );
    let peer = EchoPeer::echo();
    let run = ping(
        peer.addr(),
        &["--count", "20", "--timeout-ms", "300"],
        Duration::from_secs(8),
    );
    run.expect_code(0, "every ping came back");
    let summary = Summary::plain(&run);
    summary.expect_counts(&run, 20, 20, 0, "the echo answered every ping");
    if summary.size != 10 {
        run.failure(format!(
            "size={}, expected the default --size 10",
            summary.size
        ))
        .raise();
    }
    summary.expect_consistent_times(&run);

    let too_small = ping(peer.addr(), &["--size", "7"], Duration::from_secs(5));
    too_small.expect_code(
        2,
        "--size 7 is a usage error: a ping needs 8 bytes for its sequence number",
    );
}

#[test]
fn step2_client_prints_json_with_json() {
    step(2, "with --json, print the summary as one JSON object");
    let peer = EchoPeer::echo();
    let run = ping(
        peer.addr(),
        &[
            "--count",
            "20",
            "--size",
            "64",
            "--timeout-ms",
            "300",
            "--json",
        ],
        Duration::from_secs(8),
    );
    run.expect_code(0, "every ping came back");
    let summary = Summary::json(&run);
    summary.expect_counts(&run, 20, 20, 0, "the echo answered every ping");
    if summary.size != 64 {
        run.failure(format!("\"size\": {}, expected --size 64", summary.size))
            .raise();
    }
    summary.expect_consistent_times(&run);
}

// ---------------------------------------------------------------- step 3

#[test]
fn step3_client_times_the_whole_round_trip() {
    step(
        3,
        "time each round trip with Instant, from just before the send to just after the pong",
    );
    let peer = EchoPeer::holding_replies(1, Duration::from_millis(20));
    let run = ping(
        peer.addr(),
        &["--count", "10", "--timeout-ms", "500"],
        Duration::from_secs(10),
    );
    run.expect_code(0, "every ping came back, 20 ms late");
    let summary = Summary::plain(&run);
    summary.expect_counts(
        &run,
        10,
        10,
        0,
        "the echo answered every ping, each after 20 ms",
    );
    let min = summary.time("min");
    if min.is_nan() || min < 19_000.0 {
        run.failure(format!(
            "min={min}us, but the echo held every reply for 20 ms: expected min ≥ 19000us"
        ))
        .with(
            "hint",
            "start the clock just before send and stop it just after the matching recv",
        )
        .raise();
    }
}

#[test]
fn step3_client_reports_max_and_median_of_uneven_replies() {
    step(
        3,
        "report min, avg, p50, p99 and max of the measured round trips",
    );
    let peer = EchoPeer::holding_replies(10, Duration::from_millis(50));
    let run = ping(
        peer.addr(),
        &["--count", "20", "--timeout-ms", "500"],
        Duration::from_secs(10),
    );
    run.expect_code(0, "every ping came back");
    let summary = Summary::plain(&run);
    summary.expect_counts(&run, 20, 20, 0, "the echo answered every ping");
    let (max, p50) = (summary.time("max"), summary.time("p50"));
    if !(max >= 49_000.0 && p50 < 20_000.0) {
        run.failure(format!("max={max}us p50={p50}us"))
            .with(
                "expected",
                "max ≥ 49000us and p50 < 20000us: the echo held every 10th reply for 50 ms and answered the others at once",
            )
            .raise();
    }
}

// ---------------------------------------------------------------- step 4

#[test]
fn step4_client_counts_lost_pings() {
    step(
        4,
        "a ping with no pong by its deadline is lost; count it and go on",
    );
    let peer = EchoPeer::dropping(5);
    let run = ping(
        peer.addr(),
        &["--count", "20", "--timeout-ms", "200"],
        Duration::from_secs(8),
    );
    run.expect_code(0, "most pings came back");
    let summary = Summary::plain(&run);
    summary.expect_counts(&run, 20, 16, 4, "the echo dropped every 5th ping");
    summary.expect_consistent_times(&run);
}

// ---------------------------------------------------------------- step 5

#[test]
fn step5_client_ignores_stale_replies() {
    step(
        5,
        "a pong with another sequence number (a late one) is ignored, not counted",
    );
    // Ping 0's pong is withheld until ping 1 arrives, and then sent instead of
    // ping 1's: both pings are lost; ping 2 is answered normally.
    let peer = EchoPeer::answering_late(0);
    let run = ping(
        peer.addr(),
        &["--count", "3", "--timeout-ms", "300"],
        Duration::from_secs(8),
    );
    run.expect_code(0, "ping 2 came back");
    let summary = Summary::plain(&run);
    summary.expect_counts(
        &run,
        3,
        1,
        2,
        "ping 0's pong arrived only after ping 1 was sent, and ping 1 got none: both are lost. \
         A client that takes any pong as the current one counts ping 0's pong for ping 1",
    );
}

#[test]
fn step5_client_ignores_duplicate_replies() {
    step(
        5,
        "a duplicated pong is ignored, not counted for the next ping",
    );
    // Ping 0's pong comes twice; ping 1 gets none; ping 2 is answered normally.
    let peer = EchoPeer::duplicating(0);
    let run = ping(
        peer.addr(),
        &["--count", "3", "--timeout-ms", "300"],
        Duration::from_secs(8),
    );
    run.expect_code(0, "pings 0 and 2 came back");
    let summary = Summary::plain(&run);
    summary.expect_counts(
        &run,
        3,
        2,
        1,
        "ping 0's pong came twice and ping 1 got none: the duplicate must not count for ping 1",
    );
}

// ---------------------------------------------------------------- step 6

#[test]
fn step6_client_gives_up_without_a_server() {
    step(
        6,
        "with no server, give up after N × T ms: exit 1 with `error: no reply …`",
    );
    let silent = SilentUdpPort::bind();
    // 3 pings × 300 ms, plus slack for a loaded machine.
    let run = ping(
        silent.addr(),
        &["--count", "3", "--timeout-ms", "300"],
        Duration::from_millis(3_400),
    );
    run.expect_code(1, "no pong ever came back");
    let summary = Summary::plain(&run);
    summary.expect_counts(&run, 3, 0, 3, "nothing answered");
    if summary.times.iter().any(Option::is_some) {
        run.failure("times were reported although nothing came back: expected min=- avg=- p50=- p99=- max=-")
            .raise();
    }
    let reason = format!("error: no reply from {} (3 pings lost)", silent.addr());
    run.assert().stderr(predicate::str::contains(reason));
}

#[test]
fn step6_client_counts_refused_pings_as_lost() {
    step(
        6,
        "a receive refused (nothing listens at the port) is a lost ping, not a crash",
    );
    // A port nothing listens on: bound for a moment, then let go, so the
    // kernel answers each ping with ICMP "port unreachable".
    let closed = std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .expect("a free UDP port");
    let run = ping(
        closed,
        &["--count", "3", "--timeout-ms", "300"],
        Duration::from_millis(3_400),
    );
    run.expect_code(1, "no pong ever came back: refused pings are lost pings");
    let summary = Summary::plain(&run);
    summary.expect_counts(&run, 3, 0, 3, "every ping was refused");
    let reason = format!("error: no reply from {closed} (3 pings lost)");
    run.assert().stderr(predicate::str::contains(reason));
}

// ---------------------------------------------------------------- step 7

#[test]
fn step7_end_to_end_10_and_10000_bytes() {
    step(
        7,
        "your client against your server, 10 and 10,000 bytes, with --json",
    );
    let server = Server::start(program!("latency-server"), &[]);
    for size in ["10", "10000"] {
        let run = ping(
            server.addr(),
            &[
                "--count",
                "20",
                "--size",
                size,
                "--timeout-ms",
                "1000",
                "--json",
            ],
            Duration::from_secs(10),
        );
        run.expect_code(0, "your server answered");
        let summary = Summary::json(&run);
        summary.expect_counts(&run, 20, 20, 0, "a loopback echo loses nothing");
        if summary.size.to_string() != size {
            run.failure(format!("\"size\": {}, expected {size}", summary.size))
                .raise();
        }
        summary.expect_consistent_times(&run);
    }
}
