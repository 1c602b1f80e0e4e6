//! Exercise 03, chat: the tests of `chat-server` and `chat-client`.
//!
//! Each test is named after the README step it checks. The server is tested
//! by harness clients ([`Chatter`]), each a TCP connection with a deadline on
//! every read and write. Whether a line did *not* arrive is never decided by
//! waiting a while: a test makes something else happen afterwards, caused by
//! the first line's arrival (a reply to it), and checks that this comes next.
//! The client is tested against a server played by the harness
//! ([`ScriptedServer`]).

use std::collections::HashMap;
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use harness::chat::{clients_that_fit, reset, Crowd, SilentClient};
use harness::predicates::prelude::*;
use harness::{
    census, join, program, spawn_in_step, step, Client, Failure, RefusedTcpPort, Reply, Run,
    ScriptedServer, Server, TcpConn,
};

/// The longest line the server must accept, without its `\n`.
const MAX_LINE: usize = 4096;

fn start_server() -> Server {
    Server::start(program!("chat-server"), &[])
}

/// A harness client of the chat server.
struct Chatter {
    conn: TcpConn,
    /// The name the server knows it by: its `ip:port` until `/nick`.
    name: String,
}

impl Chatter {
    /// Connects, keeping the default name (the address the server sees).
    fn connect(server: &Server) -> Chatter {
        let conn = TcpConn::to(server, "nc {addr}");
        let name = conn.stream().local_addr().unwrap().to_string();
        Chatter { conn, name }
    }

    /// Connects and picks `name` with `/nick`.
    fn named(server: &Server, name: &str) -> Chatter {
        let mut chatter = Chatter::connect(server);
        chatter.conn.send_line(&format!("/nick {name}"));
        chatter.expect(
            &format!("OK nick {name}"),
            "`/nick NAME` answers `OK nick NAME`",
        );
        chatter.name = name.to_string();
        chatter
    }

    /// Sends `/join ROOM` and expects `OK joined ROOM` as the next line.
    fn join(&mut self, room: &str) {
        self.conn.send_line(&format!("/join {room}"));
        self.expect(
            &format!("OK joined {room}"),
            "`/join ROOM` answers `OK joined ROOM`, to the joiner only (the others get `JOIN`)",
        );
    }

    /// `/join` for the tests of step 1, which do not require `JOIN` lines yet.
    fn join_skipping_events(&mut self, room: &str) {
        self.conn.send_line(&format!("/join {room}"));
        self.expect_skipping_events(
            &format!("OK joined {room}"),
            "`/join ROOM` answers `OK joined ROOM`",
        );
    }

    fn say(&mut self, text: &str) {
        self.conn.send_line(text);
    }

    /// The next line must be `expected`; `why` says why.
    #[track_caller]
    fn expect(&mut self, expected: &str, why: &str) {
        let why = format!("for {}, {why}", self.name);
        self.conn.expect_line_why(expected, &why);
    }

    /// The next line must be `expected`, which `sender` caused: a failure
    /// shows what the sender sent, too.
    #[track_caller]
    fn expect_from(&mut self, sender: &Chatter, expected: &str, why: &str) {
        let why = format!("for {}, {why}", self.name);
        let who = format!("{} sent", sender.name);
        self.conn
            .expect_line_with(expected, &why, |failure| sender.conn.sent_by(failure, &who));
    }

    /// The next line other than `JOIN …`/`LEAVE …` must be `expected`.
    #[track_caller]
    fn expect_skipping_events(&mut self, expected: &str, why: &str) {
        loop {
            let got = self.conn.expect_any_line(&format!("`{expected}`"));
            let got = got.strip_suffix('\r').unwrap_or(&got);
            if got.starts_with("JOIN ") || got.starts_with("LEAVE ") {
                continue;
            }
            if got != expected {
                self.conn
                    .failure(format!("wrong line for {}: {why}", self.name))
                    .got_vs_expected(got.as_bytes(), expected.as_bytes())
                    .raise();
            }
            return;
        }
    }

    /// Sends `/rooms` and expects `expected` as the answer.
    #[track_caller]
    fn expect_rooms(&mut self, expected: &str, why: &str) {
        self.conn.send_line("/rooms");
        self.expect(expected, why);
    }
}

// ---------------------------------------------------------------- step 1

#[test]
fn step1_a_message_reaches_every_other_member_once() {
    step(
        1,
        "a message goes to every other member of the room, once, and not back to its sender",
    );
    let server = start_server();
    let (mut a, mut b, mut c) = (
        Chatter::connect(&server),
        Chatter::connect(&server),
        Chatter::connect(&server),
    );
    for chatter in [&mut a, &mut b, &mut c] {
        chatter.join_skipping_events("lobby");
    }
    a.say("hello everyone");
    let hello = format!("MSG lobby {} hello everyone", a.name);
    b.expect_skipping_events(&hello, "a's message reaches b");
    c.expect_skipping_events(&hello, "a's message reaches c");

    // b answers only after it got the hello: had a got its own message back,
    // it would come before b's answer.
    b.say("hi a");
    let hi = format!("MSG lobby {} hi a", b.name);
    a.expect_skipping_events(
        &hi,
        "the sender does not get its own message back: b's answer comes next",
    );
    c.expect_skipping_events(
        &hi,
        "c gets the hello once: b's answer comes next, not the hello again",
    );
    c.say("bye");
    let bye = format!("MSG lobby {} bye", c.name);
    b.expect_skipping_events(
        &bye,
        "b gets the hello once: c's bye comes next, not the hello again",
    );
    a.expect_skipping_events(&bye, "c's bye reaches a");
}

#[test]
fn step1_lines_sent_together_are_separate_messages() {
    step(
        1,
        "TCP is a stream: three lines in one write are three messages",
    );
    let server = start_server();
    let (mut a, mut b) = (Chatter::connect(&server), Chatter::connect(&server));
    a.join_skipping_events("lobby");
    b.join_skipping_events("lobby");
    a.conn.send(b"one\ntwo\nthree\n");
    for text in ["one", "two", "three"] {
        b.expect_skipping_events(
            &format!("MSG lobby {} {text}", a.name),
            "each line is a message of its own, however the bytes were cut into reads",
        );
    }
}

#[test]
fn step1_a_line_split_across_two_reads_is_one_message() {
    step(
        1,
        "TCP is a stream: a line that arrives in two pieces is one message",
    );
    let server = start_server();
    let (mut a, mut b) = (Chatter::connect(&server), Chatter::connect(&server));
    a.join_skipping_events("lobby");
    b.join_skipping_events("lobby");
    a.conn.stream().set_nodelay(true).unwrap();
    a.conn.send_piece(b"hel");
    a.conn.send(b"lo there\n");
    b.expect_skipping_events(
        &format!("MSG lobby {} hello there", a.name),
        "\"hel\" came alone, and the server read it before \"lo there\\n\" was sent: a line ends at its \\n, not at the end of a read",
    );
}

// ---------------------------------------------------------------- step 2

#[test]
fn step2_rooms_are_isolated() {
    step(2, "a message goes only to the members of the sender's room");
    let server = start_server();
    let (mut a, mut b) = (Chatter::connect(&server), Chatter::connect(&server));
    let (mut c, mut d) = (Chatter::connect(&server), Chatter::connect(&server));
    a.join("red");
    b.join("red");
    a.expect(
        &format!("JOIN red {}", b.name),
        "a is told that b joined red",
    );
    c.join("blue");
    d.join("blue");
    c.expect(
        &format!("JOIN blue {}", d.name),
        "c is told that d joined blue",
    );

    a.say("for red");
    b.expect(
        &format!("MSG red {} for red", a.name),
        "a's message reaches b, in red",
    );
    // Each message below is sent after the one before it arrived: a message
    // that leaked into the other room would come first.
    d.say("for blue");
    c.expect(
        &format!("MSG blue {} for blue", d.name),
        "c is in blue: a's message to red must not reach it; d's comes next",
    );
    c.say("blue again");
    d.expect(
        &format!("MSG blue {} blue again", c.name),
        "d is in blue: a's message to red must not reach it; c's comes next",
    );
    b.say("red again");
    a.expect(
        &format!("MSG red {} red again", b.name),
        "a is in red: the messages to blue must not reach it; b's comes next",
    );
}

#[test]
fn step2_join_switches_rooms() {
    step(
        2,
        "`/join` leaves the old room (`LEAVE` there) and joins the new one (`JOIN` there)",
    );
    let server = start_server();
    let (mut a, mut b, mut c) = (
        Chatter::connect(&server),
        Chatter::connect(&server),
        Chatter::connect(&server),
    );
    a.join("red");
    b.join("red");
    a.expect(
        &format!("JOIN red {}", b.name),
        "a is told that b joined red",
    );
    c.join("blue");

    a.join("blue");
    b.expect(
        &format!("LEAVE red {}", a.name),
        "a switched to blue: red is told it left",
    );
    c.expect(
        &format!("JOIN blue {}", a.name),
        "a switched to blue: blue is told it joined",
    );
    a.say("moved");
    c.expect(&format!("MSG blue {} moved", a.name), "a now talks to blue");
    b.say("anyone?");

    // Joining the room you are in changes nothing, and tells nobody: the
    // next thing c hears is a's next message, not a LEAVE or a JOIN.
    a.join("blue");
    a.say("still blue");
    c.expect(
        &format!("MSG blue {} still blue", a.name),
        "a sent `/join blue` while already in blue: that changes nothing and tells nobody (no \
         LEAVE or JOIN), so c's next line is a's next message",
    );
    c.join("red");
    a.expect(
        &format!("LEAVE blue {}", c.name),
        "c left blue; a's second `/join blue` changed nothing (no LEAVE or JOIN for it), and b's message \
         stayed in red",
    );
    b.expect(
        &format!("JOIN red {}", c.name),
        "c joined red; a's message went to blue only, so this is b's next line",
    );
}

#[test]
fn step2_a_client_that_vanishes_leaves_its_room() {
    step(
        2,
        "a client that disconnects (end of stream or reset) leaves its room at once: `LEAVE`",
    );
    let server = start_server();
    let (mut a, mut b, mut c) = (
        Chatter::connect(&server),
        Chatter::connect(&server),
        Chatter::connect(&server),
    );
    a.join("red");
    b.join("red");
    a.expect(&format!("JOIN red {}", b.name), "a is told that b joined");
    c.join("red");
    a.expect(&format!("JOIN red {}", c.name), "a is told that c joined");
    b.expect(&format!("JOIN red {}", c.name), "b is told that c joined");

    let b_name = b.name.clone();
    drop(b); // an orderly close: the server reads end of stream
    a.expect(
        &format!("LEAVE red {b_name}"),
        "b closed its connection without `/quit`",
    );
    c.expect(
        &format!("LEAVE red {b_name}"),
        "b closed its connection without `/quit`",
    );

    let c_name = c.name.clone();
    reset(c.conn); // an abrupt close: the server's read fails with a reset
    a.expect(
        &format!("LEAVE red {c_name}"),
        "c's connection was reset (a crash, a lost network)",
    );
}

// ---------------------------------------------------------------- step 3

#[test]
fn step3_nick_names_the_sender() {
    step(
        3,
        "`/nick NAME` sets the name others see; names are unique and valid",
    );
    let server = start_server();
    let mut alice = Chatter::named(&server, "alice");
    let mut bob = Chatter::connect(&server);
    bob.conn.send_line("/nick alice");
    bob.expect("ERR name taken", "alice is someone else's name");
    for bad in [
        "/nick",
        "/nick two words",
        "/nick dot.ted",
        "/nick caf\u{e9}",
        &format!("/nick {}", "x".repeat(33)),
    ] {
        bob.conn.send_line(bad);
        bob.expect(
            "ERR invalid name",
            "a name is 1 to 32 characters of A-Z a-z 0-9 _ -",
        );
    }
    bob.conn.send_line("/nick bob_2-B");
    bob.expect(
        "OK nick bob_2-B",
        "a valid name is taken, after errors on the same connection",
    );
    bob.name = "bob_2-B".into();
    alice.join("lobby");
    bob.join("lobby");
    alice.expect("JOIN lobby bob_2-B", "events use the name too");
    alice.say("hi bob");
    bob.expect("MSG lobby alice hi bob", "messages carry the sender's name");

    alice.conn.send_line("/quit");
    alice.conn.expect_closed("alice sent `/quit`");
    bob.expect("LEAVE lobby alice", "alice quit");
    let mut carol = Chatter::connect(&server);
    carol.conn.send_line("/nick alice");
    carol.expect("OK nick alice", "alice quit, so her name is free again");
}

#[test]
fn step3_errors_leave_the_connection_usable() {
    step(
        3,
        "bad input gets one `ERR …` line, and the connection goes on",
    );
    let mut server = start_server();
    let mut a = Chatter::connect(&server);
    let mut b = Chatter::connect(&server);
    let errors: [(&[u8], &str, &str); 8] = [
        (
            b"hello\n",
            "ERR join a room first: /join <room>",
            "a message before any `/join`",
        ),
        (
            b"/dance\n",
            "ERR unknown command /dance",
            "a command the server does not know",
        ),
        (
            b"/dance with me\n",
            "ERR unknown command /dance",
            "the error names the command word only",
        ),
        (b"/join\n", "ERR invalid room", "`/join` without a room"),
        (
            b"/join two words\n",
            "ERR invalid room",
            "a room is 1 to 32 characters of A-Z a-z 0-9 _ -",
        ),
        (
            b"\n/join \xff\xfe\n",
            "ERR invalid utf-8",
            "an empty line is ignored; a line that is not UTF-8 is refused",
        ),
        (
            b"/join ok\xc3\n",
            "ERR invalid utf-8",
            "a line cut in the middle of a character is not UTF-8",
        ),
        (b"\r\n\n", "", "empty lines, even with \\r, get no answer"),
    ];
    for (sent, answer, why) in errors {
        a.conn.send(sent);
        if !answer.is_empty() {
            a.expect(answer, why);
        }
    }
    a.join("lobby");
    b.join("lobby");
    a.expect(&format!("JOIN lobby {}", b.name), "b joined");

    let mut long = vec![b'x'; MAX_LINE + 1];
    long.push(b'\n');
    a.conn.send(&long);
    a.expect(
        "ERR line too long",
        "a line of 4097 bytes is over the limit of 4096",
    );
    let mut huge = vec![b'y'; 200_000];
    huge.extend_from_slice(b"\n");
    a.conn.send(&huge);
    a.expect(
        "ERR line too long",
        "a 200,000-byte line gets one error, and is discarded up to its \\n",
    );

    let longest = "z".repeat(MAX_LINE);
    a.conn.send(format!("{longest}\r\n").as_bytes());
    b.expect_from(
        &a,
        &format!("MSG lobby {} {longest}", a.name),
        "a line of exactly 4096 bytes (plus \\r\\n) is a message; the longer ones were discarded, not sent",
    );
    a.say("still here");
    b.expect_from(
        &a,
        &format!("MSG lobby {} still here", a.name),
        "the connection goes on after the errors",
    );
    a.expect_rooms("ROOMS lobby:2", "`/rooms` still answers after the errors");
    server.expect_alive("bad input");
}

/// How long the line of [`step3_a_long_line_never_sits_in_memory`] is.
const HUGE_LINE_MIB: usize = 32;
/// How much the server's peak memory may grow while it discards that line: far less than
/// the line, far more than a server needs (a few MiB in a debug build).
const MEMORY_BOUND_MIB: f64 = 16.0;

#[test]
fn step3_a_long_line_never_sits_in_memory() {
    step(
        3,
        "a line over 4096 bytes is discarded as it arrives: the server never buffers without bound",
    );
    let mut server = start_server();
    let mut a = Chatter::connect(&server);
    let mut b = Chatter::connect(&server);
    a.join("lobby");
    b.join("lobby");
    a.expect(&format!("JOIN lobby {}", b.name), "b joined");
    let before = harness::peak_rss_mib(server.process());
    a.conn.send_filler(b'x', HUGE_LINE_MIB * 1024 * 1024);
    a.conn.send(b"\n");
    a.expect(
        "ERR line too long",
        &format!("a line of {HUGE_LINE_MIB} MiB gets one error"),
    );
    a.say("after the long line");
    b.expect(
        &format!("MSG lobby {} after the long line", a.name),
        "the connection goes on after a long line",
    );
    // The message after the line came through, so the server read the whole
    // line: its peak is final.
    harness::expect_peak_growth_under(
        server.process(),
        before,
        MEMORY_BOUND_MIB,
        &format!("it read one {HUGE_LINE_MIB} MiB line"),
        "Count a line's bytes as they arrive, and stop keeping them at byte 4097: a \
         `read_until` or `read_line` with no bound keeps the whole line before its length \
         can be checked",
    );
}

#[test]
fn step3_rooms_lists_active_rooms_sorted_with_counts() {
    step(
        3,
        "`/rooms` answers `ROOMS room:count …`, sorted by name in byte order",
    );
    let server = start_server();
    let mut a = Chatter::connect(&server);
    a.expect_rooms("ROOMS", "no room has members yet: `ROOMS` alone");
    a.join("beta");
    let mut b = Chatter::connect(&server);
    b.join("alpha");
    let mut c = Chatter::connect(&server);
    c.join("beta");
    let mut d = Chatter::connect(&server);
    d.join("Zeta");
    d.expect_rooms(
        "ROOMS Zeta:1 alpha:1 beta:2",
        "byte order puts capitals first (`Z` is 0x5a, `a` is 0x61); a count per room",
    );
}

#[test]
fn step3_rooms_counts_follow_switches_quits_and_disconnects() {
    step(3, "`/rooms` counts stay right through joins, switches, `/quit` and disconnects; empty rooms go");
    let server = start_server();
    let (mut a, mut b, mut c) = (
        Chatter::named(&server, "a"),
        Chatter::named(&server, "b"),
        Chatter::named(&server, "c"),
    );
    a.join("beta");
    b.join("beta");
    a.expect("JOIN beta b", "b joined beta");
    c.join("alpha");
    c.expect_rooms("ROOMS alpha:1 beta:2", "c in alpha, a and b in beta");
    c.join("beta");
    a.expect("JOIN beta c", "c switched to beta");
    b.expect("JOIN beta c", "c switched to beta");
    c.expect_rooms(
        "ROOMS beta:3",
        "c left alpha for beta: alpha has no members left and is gone",
    );

    a.conn.send_line("/quit");
    a.conn
        .expect_closed("a sent `/quit`: the server closes the connection");
    b.expect("LEAVE beta a", "a quit");
    c.expect("LEAVE beta a", "a quit");
    b.expect_rooms("ROOMS beta:2", "a quit: beta has b and c");

    drop(c);
    b.expect("LEAVE beta c", "c closed its connection");
    b.expect_rooms("ROOMS beta:1", "c disconnected: beta has b only");
    b.join("gamma");
    b.expect_rooms(
        "ROOMS gamma:1",
        "b switched from beta to gamma: beta has no members left and is gone",
    );
    let mut d = Chatter::named(&server, "d");
    d.join("gamma");
    b.expect("JOIN gamma d", "d joined gamma");
    reset(d.conn);
    b.expect("LEAVE gamma d", "d's connection was reset");
    b.expect_rooms(
        "ROOMS gamma:1",
        "d's connection was reset: gamma has b only",
    );
}

#[test]
fn step3_quit_sends_what_is_queued_then_closes() {
    step(
        3,
        "`/quit`: the server sends what is still queued for the client, then closes",
    );
    let server = start_server();
    let (mut a, mut b) = (Chatter::named(&server, "a"), Chatter::named(&server, "b"));
    a.join("lobby");
    b.join("lobby");
    a.expect("JOIN lobby b", "b joined");
    // Answers queued right before `/quit`, in the same write.
    a.conn.send("/rooms\n".repeat(100).as_bytes());
    a.conn.send(b"/quit\n");
    for _ in 0..100 {
        a.expect(
            "ROOMS lobby:2",
            "each `/rooms` sent before `/quit` is answered before the connection closes",
        );
    }
    a.conn
        .expect_closed("a sent `/quit`, and every answer queued before it has come");
    b.expect("LEAVE lobby a", "a quit: its room is told");
}

// ---------------------------------------------------------------- step 4

#[test]
fn step4_load_every_message_exactly_once_in_order() {
    step(
        4,
        "30 clients in 3 rooms send 50 messages each at once: each arrives exactly once, in order",
    );
    const CLIENTS: usize = 30;
    const ROOMS: usize = 3;
    const MESSAGES: usize = 50;
    let server = start_server();
    // Joins one at a time: when each has its `OK`, every earlier member of
    // its room has been sent its `JOIN`, so all are in before anyone talks.
    let mut chatters = Vec::new();
    for i in 0..CLIENTS {
        let mut chatter = Chatter::named(&server, &format!("c{i:02}"));
        chatter.join(&format!("r{}", i % ROOMS));
        chatters.push(chatter);
    }
    let room_of = |name: &str| format!("r{}", name[1..].parse::<usize>().unwrap() % ROOMS);
    let start = Arc::new(Barrier::new(CLIENTS));
    let workers: Vec<_> = chatters
        .into_iter()
        .enumerate()
        .map(|(i, mut me)| {
            let start = Arc::clone(&start);
            spawn_in_step(move || {
                let room = room_of(&me.name);
                let members: Vec<String> = (0..CLIENTS)
                    .filter(|j| j % ROOMS == i % ROOMS)
                    .map(|j| format!("c{j:02}"))
                    .collect();
                // The members who joined after me: I am told of each.
                let mut joins_due: Vec<String> =
                    members.iter().filter(|m| **m > me.name).cloned().collect();
                start.wait();
                for k in 0..MESSAGES {
                    me.say(&format!("m{k} from {}", me.name));
                }
                let mut next: HashMap<String, usize> = members
                    .iter()
                    .filter(|m| **m != me.name)
                    .map(|m| (m.clone(), 0))
                    .collect();
                let mut left = next.len() * MESSAGES;
                while left > 0 {
                    let line = me.conn.expect_any_line(&format!(
                        "the other members' messages ({left} of {} still to come)",
                        next.len() * MESSAGES
                    ));
                    if let Some(joiner) = line.strip_prefix(&format!("JOIN {room} ")) {
                        if let Some(at) = joins_due.iter().position(|m| m == joiner) {
                            joins_due.remove(at);
                            continue;
                        }
                    }
                    let parsed = line.strip_prefix(&format!("MSG {room} ")).and_then(|rest| {
                        let (from, text) = rest.split_once(' ')?;
                        let k = text.strip_prefix('m')?.split_once(" from ")?;
                        Some((from.to_string(), k.0.parse::<usize>().ok()?, k.1 == from))
                    });
                    let problem = match &parsed {
                        None => "not a message from this room (nor a JOIN due)".to_string(),
                        Some((from, _, _)) if *from == me.name => {
                            "the sender got its own message back".into()
                        }
                        Some((from, ..)) if !next.contains_key(from) => {
                            format!("{from} is not in {room}")
                        }
                        Some((_, _, false)) => "the text does not name its sender: mangled".into(),
                        Some((from, k, _)) if *k != next[from] => format!(
                            "message m{k} from {from} where m{} was due: {}",
                            next[from],
                            if *k < next[from] {
                                "a duplicate"
                            } else {
                                "one lost or out of order"
                            }
                        ),
                        Some(_) => String::new(),
                    };
                    if !problem.is_empty() {
                        me.conn
                            .failure(format!("wrong line for {}: {problem}", me.name))
                            .with("line", &line)
                            .with(
                                "expected",
                                "from each other member of the room, m0 … m49 in order, each once",
                            )
                            .raise();
                    }
                    let (from, ..) = parsed.unwrap();
                    *next.get_mut(&from).unwrap() += 1;
                    left -= 1;
                }
                // Every message has come: anything more would be a duplicate,
                // and would come before this answer.
                let everyone = format!("ROOMS r0:{0} r1:{0} r2:{0}", CLIENTS / ROOMS);
                me.expect_rooms(
                    &everyone,
                    "every message came once: the answer to `/rooms` comes next",
                );
                me // stays connected until every worker is done
            })
        })
        .collect();
    let done: Vec<Chatter> = workers.into_iter().map(join).collect();
    drop(done);
}

#[test]
fn step4_a_silent_client_never_stalls_the_others() {
    step(4, "a client that stops reading is disconnected (its queue is bounded) and never stalls the others");
    /// How long a delivery may take while the silent client's buffers fill.
    const STALL: Duration = Duration::from_secs(2);
    /// Lines the talker may send ahead of what the listener has received:
    /// the listener, which reads all the time, never falls behind by more.
    const WINDOW: u64 = 64;
    const LINE: usize = 4000;
    const CAP_BYTES: u64 = 64 << 20;
    const CAP_TIME: Duration = Duration::from_secs(10);

    let server = start_server();
    let mut listener = Chatter::named(&server, "listener");
    listener.join("busy");
    let mut talker = Chatter::named(&server, "talker");
    talker.join("busy");
    listener.expect("JOIN busy talker", "talker joined");
    let _silent = SilentClient::connect(&server, 4096, b"/nick silent\n/join busy\n");
    listener.expect(
        "JOIN busy silent",
        "the silent client joined (and now reads nothing more)",
    );
    talker.expect("JOIN busy silent", "the silent client joined");

    /// What the listener has received, for the talker's window.
    #[derive(Default)]
    struct Progress {
        received: u64,
        stop: bool,
        /// Set when the talker gave up: the caps were reached.
        gave_up: Option<String>,
    }
    let progress = Arc::new((Mutex::new(Progress::default()), Condvar::new()));
    /// Stops the talker however the test ends.
    struct StopOnDrop(Arc<(Mutex<Progress>, Condvar)>);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0 .0.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
            self.0 .1.notify_all();
        }
    }
    let _stop = StopOnDrop(Arc::clone(&progress));

    let shared = Arc::clone(&progress);
    let talking = spawn_in_step(move || {
        let (state, changed) = &*shared;
        let started = Instant::now();
        let mut sent = 0u64;
        loop {
            let mut now = state.lock().unwrap();
            while !now.stop && now.received + WINDOW <= sent {
                now = changed
                    .wait_timeout(now, Duration::from_millis(100))
                    .unwrap()
                    .0;
                if started.elapsed() > CAP_TIME {
                    break;
                }
            }
            if now.stop {
                break;
            }
            if sent * LINE as u64 >= CAP_BYTES || started.elapsed() > CAP_TIME {
                now.gave_up = Some(format!(
                    "talker sent {sent} lines ({} MiB) in {:.1} s and the silent client was never disconnected",
                    (sent * LINE as u64) >> 20,
                    started.elapsed().as_secs_f64()
                ));
                break;
            }
            drop(now);
            let mut line = format!("{sent:08} ");
            line.push_str(&"x".repeat(LINE - line.len()));
            talker.say(&line);
            sent += 1;
        }
        talker
    });

    listener.conn.set_patience(STALL);
    let by_hand = harness::by_hand(
        &server,
        "nc {addr}    # /join busy, then Ctrl-Z: a client that stops reading",
    );
    let (state, changed) = &*progress;
    let mut expected = 0u64;
    loop {
        let line = match listener.conn.read_line() {
            Reply::Line(line) => String::from_utf8_lossy(&line).into_owned(),
            Reply::NoResponse(_) => {
                let done = state.lock().unwrap().gave_up.clone();
                let headline = match done {
                    Some(why) => format!("no `LEAVE busy silent` came: {why} (is each client's queue bounded?)"),
                    None => format!(
                        "the listener got nothing for {:.1} s while talker kept sending: the silent client \
                         stalled everyone (a write while holding the lock?)",
                        STALL.as_secs_f64()
                    ),
                };
                // Not the transcript: thousands of lines of 4000 bytes.
                Failure::new(headline)
                    .with(
                        "setup",
                        "listener, talker and silent in room busy; silent never reads",
                    )
                    .with(
                        "delivered",
                        format!("{expected} lines of talker's to listener, each once and in order"),
                    )
                    .with(
                        "expected",
                        "`LEAVE busy silent` once silent's queue is full, and no stall over 2 s",
                    )
                    .context(&by_hand)
                    .raise();
            }
            Reply::Closed(_) => Failure::new(
                "the server closed the listener's connection, though it reads everything",
            )
            .with(
                "delivered",
                format!("{expected} lines of talker's to listener"),
            )
            .context(&by_hand)
            .raise(),
        };
        if line == "LEAVE busy silent" {
            break;
        }
        let want = format!("MSG busy talker {expected:08} ");
        if !line.starts_with(&want) || line.len() != want.len() + LINE - 9 {
            listener
                .conn
                .failure("wrong line for listener: the talker's messages arrive each once, in order, whole")
                .got_vs_expected(line.as_bytes(), want.as_bytes())
                .raise();
        }
        expected += 1;
        state.lock().unwrap().received = expected;
        changed.notify_all();
    }
    drop(_stop);
    let mut talker = join(talking);
    talker.conn.set_patience(STALL);
    talker.expect(
        "LEAVE busy silent",
        "the silent client was disconnected: its room is told",
    );
}

// ---------------------------------------------------------------- step 5

/// Runs `chat-client --server ADDR ARGS…` with `stdin`.
fn chat_client(server: &ScriptedServer, args: &[&str], stdin: &str) -> Client {
    Client::new(program!("chat-client"))
        .args(["--server", &server.addr().to_string()])
        .args(args)
        .stdin(stdin)
        .deadline(Duration::from_secs(8))
}

/// How to play the server by hand against your client.
const PLAY_THE_SERVER: &str =
    "nc -l 127.0.0.1 6667 in one terminal (you play the server: type its lines), \
     then cargo run -q --bin chat-client -- --server 127.0.0.1:6667 --name alice --room general";

/// Fails the test unless the client exited with `code` by itself.
#[track_caller]
fn expect_code(run: &Run, code: i32, why: &str) {
    if run.timed_out() || run.code() != Some(code) {
        run.failure(format!("expected exit code {code} ({why})"))
            .with("by hand", PLAY_THE_SERVER)
            .raise();
    }
}

/// Fails the test unless the client printed exactly `expected` on stdout.
#[track_caller]
fn expect_stdout(run: &Run, expected: &[&str], why: &str) {
    let want: String = expected.iter().map(|line| format!("{line}\n")).collect();
    harness::expect_stdout(run, &want, why, Some(PLAY_THE_SERVER));
}

#[test]
fn step5_client_sends_nick_join_and_every_stdin_line() {
    step(
        5,
        "the client sends `/nick` and `/join` when given, then every stdin line, then `/quit`",
    );
    let server = ScriptedServer::start(|conn| {
        conn.expect_line("/nick alice");
        conn.expect_line("/join general");
        conn.expect_line("hello there");
        conn.expect_line("/rooms");
        conn.expect_line("  spaced  out ");
        conn.expect_line("/quit");
    });
    let run = chat_client(
        &server,
        &["--name", "alice", "--room", "general"],
        "hello there\n/rooms\n  spaced  out \n",
    )
    .run();
    server.finish(&run);
    expect_code(
        &run,
        0,
        "stdin ended, the client sent `/quit`, the server closed",
    );
    expect_stdout(&run, &[], "the server said nothing");
}

#[test]
fn step5_client_renders_every_server_line() {
    step(
        5,
        "the client shows each kind of server line as text for people",
    );
    let server = ScriptedServer::start(|conn| {
        conn.expect_line("/nick alice");
        conn.send_line("OK nick alice");
        conn.expect_line("/join general");
        for line in [
            "OK joined general",
            "JOIN general bob",
            "MSG general bob hi alice",
            "MSG general bob  two  spaces: kept ",
            "ROOMS general:2 random:1",
            "ERR name taken",
            "LEAVE general bob",
        ] {
            conn.send_line(line);
        }
        conn.expect_line("/quit");
    });
    let run = chat_client(&server, &["--name", "alice", "--room", "general"], "").run();
    server.finish(&run);
    expect_code(
        &run,
        0,
        "stdin ended, the client sent `/quit`, the server closed",
    );
    expect_stdout(
        &run,
        &[
            "* nick alice",
            "* joined general",
            "* bob joined general",
            "[general] bob: hi alice",
            "[general] bob:  two  spaces: kept ",
            "rooms: general (2), random (1)",
            "error: name taken",
            "* bob left general",
        ],
        "each server line rendered, in order (and no `* disconnected`: the client quit)",
    );
}

#[test]
fn step5_client_quits_at_end_of_input_and_shows_the_rest() {
    step(
        5,
        "at the end of stdin: send `/quit`, show what still comes until the server closes, exit 0",
    );
    let server = ScriptedServer::start(|conn| {
        conn.expect_line("hi");
        conn.expect_line("/quit");
        // A server with much to send after `/quit` (or a slow one): a client
        // that exits at the end of stdin is gone by then.
        thread::sleep(Duration::from_millis(300)); // injected delay: the server is slow to send the rest
        conn.send_line("MSG general bob too late?");
        conn.send_line("LEAVE general bob");
    });
    let run = chat_client(&server, &[], "hi\n").run();
    server.finish(&run);
    expect_code(&run, 0, "the client quit and the server closed");
    expect_stdout(
        &run,
        &["[general] bob: too late?", "* bob left general"],
        "the lines sent after `/quit` are shown, and no `* disconnected` (the client asked to quit)",
    );
}

#[test]
fn step5_client_shows_messages_while_waiting_for_input() {
    step(5, "receiving and typing happen at once; when the server closes first: `* disconnected`, exit 0");
    let server = ScriptedServer::start(|conn| {
        conn.expect_line("/join general");
        conn.send_line("MSG general bob are you there?");
        // Then the server goes away, while the user has typed nothing.
    });
    let run = chat_client(&server, &["--room", "general"], "")
        .hold_stdin_open()
        .deadline(Duration::from_secs(5))
        .run();
    server.finish(&run);
    expect_code(
        &run,
        0,
        "the server closed first: the client says so and exits 0, though stdin is still open",
    );
    expect_stdout(
        &run,
        &["[general] bob: are you there?", "* disconnected"],
        "the message shows while the user types nothing (a reader thread), then `* disconnected`",
    );
}

#[test]
fn step5_client_passes_typed_commands_through() {
    step(
        5,
        "typed commands go to the server as they are: `/rooms x` shows `rooms: …`, a typed `/quit x` \
         ends in `* disconnected`",
    );
    let server = ScriptedServer::start(|conn| {
        conn.expect_line("/nick alice");
        conn.send_line("OK nick alice");
        conn.expect_line("/rooms x");
        conn.send_line("ROOMS general:1");
        conn.expect_line("/quit x");
        // A server closes after any `/quit`, whatever follows the word.
    });
    let run = chat_client(&server, &["--name", "alice"], "/rooms x\n/quit x\n")
        .hold_stdin_open()
        .deadline(Duration::from_secs(5))
        .run();
    server.finish(&run);
    expect_code(
        &run,
        0,
        "the server closed after the typed `/quit x`: the client says so and exits 0",
    );
    expect_stdout(
        &run,
        &["* nick alice", "rooms: general (1)", "* disconnected"],
        "`OK nick alice` is `* nick alice`, `ROOMS general:1` is `rooms: general (1)`, and the \
         server closing before stdin ended is `* disconnected`",
    );
}

#[test]
fn step5_client_fails_without_a_server() {
    step(
        5,
        "with nothing listening: exit 1 with one line `error: …` on stderr",
    );
    let refused = RefusedTcpPort::bind();
    let run = Client::new(program!("chat-client"))
        .args(["--server", &refused.addr().to_string()])
        .deadline(Duration::from_secs(4))
        .run();
    run.expect_code(1, "the connection was refused");
    run.assert().stderr(predicate::str::starts_with("error: "));
}

// ---------------------------------------------------------------- step 6

/// The most threads the server may run, for any number of clients: enough for
/// a runtime's worker per core and a few helpers, far fewer than one per
/// client. Counted over all its processes.
fn thread_ceiling() -> u64 {
    let cores = thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    32.max(2 * cores + 8)
}

/// Fails the test if the server's family runs more threads than
/// [`thread_ceiling`] with `connected` clients.
#[track_caller]
fn expect_few_threads(server: &mut Server, crowd: &Crowd, connected: usize, ceiling: u64) {
    let counted = census(server.process());
    if counted.threads > ceiling {
        crowd.fail(format!(
            "with {connected} clients connected the server runs {}: at most {ceiling} \
             (max(32, 2 × cores + 8)) may run, however many clients come. A thread per client \
             costs a stack and a kernel task each, and 2,000 clients would make 2,000 threads \
             or more; step 6 serves every client from a task instead, on a runtime with a \
             thread per core",
            counted.threads_shown()
        ));
    }
}

#[test]
fn step6_two_thousand_clients_on_a_handful_of_threads() {
    step(
        6,
        "2,000 clients at once in 20 rooms: messages reach every member within 2 s, on at \
         most max(32, 2 × cores + 8) threads and 64 KiB per client",
    );
    const ROOMS: usize = 20;
    let (clients, fewer) = clients_that_fit(2000);
    if let Some(why) = &fewer {
        eprintln!("note: {why}");
    }
    let ceiling = thread_ceiling();
    let mut server = start_server();
    let before = census(server.process());
    let mut crowd = Crowd::new(&server);

    // At most `WINDOW` clients wait for their `OK` at a time, so that the
    // queue of connections not yet accepted stays short (a connection that
    // finds it full waits a second for the kernel to retry).
    const WINDOW: usize = 64;
    // Until the message, each wait has its own deadline: on a loaded
    // machine, 2,000 joins take a while, and that is not what is measured.
    let patience = || Instant::now() + harness::PATIENCE;
    let expect_joined = |crowd: &mut Crowd, i: usize| {
        let ok = format!("OK joined r{}", i % ROOMS);
        let got = crowd.next_line(
            i,
            patience(),
            &format!(
                "`{ok}` (a server that blocks inside a task stops answering once each of its \
                 worker threads is held by one client)"
            ),
        );
        if got != ok {
            crowd.fail(format!(
                "wrong reply to `/join r{}` for {}: got `{got}`, expected `{ok}`",
                i % ROOMS,
                crowd.name(i)
            ));
        }
    };
    for i in 0..clients {
        crowd.connect(&[&format!("/join r{}", i % ROOMS)]);
        if i >= WINDOW {
            expect_joined(&mut crowd, i - WINDOW);
        }
        // Counted as they come, so that a thread per client fails at once,
        // and with a count that says so.
        if (i + 1) % 100 == 0 {
            expect_few_threads(&mut server, &crowd, i + 1, ceiling);
        }
    }
    // Once every member has its `OK`, every `JOIN` is queued (with the `OK`
    // of the one who joined), and the answer to a `/rooms` sent now comes
    // after them.
    for i in clients.saturating_sub(WINDOW)..clients {
        expect_joined(&mut crowd, i);
    }
    let mut names: Vec<usize> = (0..ROOMS).collect();
    names.sort_by_key(|room| format!("r{room}"));
    let rooms: String = names
        .into_iter()
        .map(|room| {
            let members = (room..clients).step_by(ROOMS).count();
            format!(" r{room}:{members}")
        })
        .collect();
    let rooms = format!("ROOMS{rooms}");
    for i in 0..clients {
        crowd.send(i, &["/rooms"]);
    }
    // Each pair of members of a room makes one `JOIN`, to the one who was
    // there first: m × (m − 1) / 2 in a room of m.
    let mut joins = [0; ROOMS];
    for i in 0..clients {
        let room = i % ROOMS;
        loop {
            let got = crowd.next_line(i, patience(), &format!("`JOIN r{room} …` or `{rooms}`"));
            if got == rooms {
                break;
            }
            if !got.starts_with(&format!("JOIN r{room} ")) {
                crowd.fail(format!(
                    "wrong line for {}: got `{got}`, expected `JOIN r{room} …` (members who \
                     joined after it) or the answer to its `/rooms`, `{rooms}`",
                    crowd.name(i)
                ));
            }
            joins[room] += 1;
        }
    }
    for (room, &got) in joins.iter().enumerate() {
        let members = (room..clients).step_by(ROOMS).count();
        let due = members * (members - 1) / 2;
        if got != due {
            crowd.fail(format!(
                "room r{room} of {members} members got {got} `JOIN` lines in all, expected \
                 {due}: one for each pair of members, to the one who was there first"
            ));
        }
    }
    expect_few_threads(&mut server, &crowd, clients, ceiling);
    let after = census(server.process());
    let grown = after.rss_kib.saturating_sub(before.rss_kib);
    let allowed = 64 * clients as u64;
    if grown > allowed {
        crowd.fail(format!(
            "the server's resident memory grew by {} KiB with {clients} clients connected \
             ({} KiB each): at most 64 KiB per client. A client that says nothing needs a \
             socket, a small read buffer and an empty queue, not a thread's stack or a \
             preallocated MiB",
            grown,
            grown / clients as u64
        ));
    }
    // One message in each room, from its first member: every other member
    // gets it within 2 s.
    let start = Instant::now();
    for room in 0..ROOMS.min(clients) {
        crowd.send(room, &[&format!("hello {room}")]);
    }
    let deadline = start + Duration::from_secs(2);
    for i in ROOMS..clients {
        let room = i % ROOMS;
        let msg = format!("MSG r{room} {} hello {room}", crowd.name(room));
        let got = crowd.next_line(
            i,
            deadline,
            &format!("`{msg}` within 2 s of its sending, with {clients} clients connected"),
        );
        if got != msg {
            crowd.fail(format!(
                "wrong line for {}: got `{got}`, expected `{msg}`",
                crowd.name(i)
            ));
        }
    }
    expect_few_threads(&mut server, &crowd, clients, ceiling);
}

// ------------------------------------------- found by mutation testing

#[test]
fn step5_client_renders_rooms_alone_as_none() {
    step(
        5,
        "`ROOMS` alone (no room has members) is shown as `rooms: (none)`, not as an empty list",
    );
    let server = ScriptedServer::start(|conn| {
        conn.expect_line("/rooms");
        conn.send_line("ROOMS");
        conn.expect_line("/quit");
    });
    let run = chat_client(&server, &[], "/rooms\n").run();
    server.finish(&run);
    expect_code(
        &run,
        0,
        "stdin ended, the client sent `/quit`, the server closed",
    );
    expect_stdout(
        &run,
        &["rooms: (none)"],
        "the server answered `ROOMS` with no room after it: the README shows that as \
         `rooms: (none)` (a bare `rooms: ` tells the user nothing)",
    );
}

#[test]
fn step3_a_command_is_its_first_word_whatever_follows() {
    step(
        3,
        "a command is its first word: `/rooms x` is `/rooms`, `/quit now` is `/quit` (what follows \
         is ignored, as step 5 says a typed command reaches the server as it is)",
    );
    let server = start_server();
    let mut a = Chatter::named(&server, "a");
    a.join("lobby");
    a.conn.send_line("/rooms x");
    a.expect(
        "ROOMS lobby:1",
        "`/rooms x` is `/rooms`: the command word is what comes before the first space, and \
         what follows it is ignored (`/dance with me` is `ERR unknown command /dance` the same way)",
    );
    let mut b = Chatter::named(&server, "b");
    b.join("lobby");
    a.expect("JOIN lobby b", "b joined lobby");
    a.conn.send_line("/quit now");
    a.conn.expect_closed(
        "`/quit now` is `/quit`: the server sends what is queued, then closes the connection",
    );
    b.expect("LEAVE lobby a", "a quit with `/quit now`: its room is told");
}
