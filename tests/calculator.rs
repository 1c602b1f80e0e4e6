//! Exercise 06, calculator: the tests of `calc-server` and `calc-client`.
//!
//! Each test is named after the README step it checks. The server is tested
//! through the harness's own TCP connections; the expected answers come from
//! the README's examples and, for random expressions, from the harness's oracle
//! (`harness::calc`, a shunting-yard evaluator written independently of the
//! reference solution's recursive descent). The client is tested against the
//! harness's calculator peer, which answers with the same oracle.

use std::cell::RefCell;
use std::io::Write;
use std::time::{Duration, Instant};

use harness::calc::{self, CalcPeer};
use harness::{
    escape, join, program, spawn_in_step, step, Client, Failure, RefusedTcpPort, Reply, Run,
    ScriptedServer, Server, TcpConn,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

fn start() -> Server {
    Server::start(program!("calc-server"), &[])
}

fn connect(server: &Server) -> TcpConn {
    TcpConn::to(server, "nc {addr}")
}

/// Sends each expression, one at a time, and expects its answer.
#[track_caller]
fn expect_answers(conn: &mut TcpConn, cases: &[(&str, &str)]) {
    for (line, answer) in cases {
        conn.send_line(line);
        conn.expect_line(answer);
    }
}

/// Waits for `expected` on `conn`, explaining silence by `why`.
#[track_caller]
fn expect_reply(conn: &mut TcpConn, expected: &str, why: &str) {
    conn.expect_line_why(expected, why);
}

/// `n` nested parentheses around `1`: 2n + 1 bytes.
fn nested_parens(n: usize) -> String {
    format!("{}1{}", "(".repeat(n), ")".repeat(n))
}

// ---------------------------------------------------------------- step 1

#[test]
fn step1_server_answers_a_number_on_each_line() {
    step(
        1,
        "answer each line holding a number with that number, printed with `{}`",
    );
    let server = start();
    let mut conn = connect(&server);
    expect_answers(
        &mut conn,
        &[
            ("42", "42"),
            ("3.5", "3.5"),
            ("  7  ", "7"),
            ("\t0.25", "0.25"),
            ("007", "7"),
            ("1000000", "1000000"),
        ],
    );
    // A line may end in \r\n (what `nc -C` and telnet send).
    conn.send(b"12\r\n");
    conn.expect_line("12");
}

#[test]
fn step1_each_answer_is_sent_at_once() {
    step(
        1,
        "send each answer as soon as its line is complete, before reading on",
    );
    let server = start();
    let mut conn = connect(&server);
    // The first line is complete, the second not yet: its answer must come
    // now. A server that flushes only when its output buffer is full, or that
    // waits for a second line (or for the end of the input), sends nothing.
    conn.send(b"1\n2");
    expect_reply(
        &mut conn,
        "1",
        "the line `1` is complete, the next is not: is the answer waiting in an unflushed buffer, \
         or is the server waiting for another whole line?",
    );
    conn.send(b"\n");
    conn.expect_line("2");
    conn.send(b"3\n");
    conn.expect_line("3");
}

#[test]
fn step1_a_line_may_arrive_in_pieces() {
    step(
        1,
        "a line is everything up to its \\n, however many reads it takes",
    );
    let server = start();
    let mut conn = connect(&server);
    conn.stream().set_nodelay(true).unwrap();
    for piece in ["1", "2", "3", "4"] {
        conn.send_piece(piece.as_bytes());
    }
    conn.send(b"\n");
    conn.expect_line("1234");
}

#[test]
fn step1_pipelined_10000_lines_are_answered_in_order() {
    step(
        1,
        "a client may send many lines before reading: every one is answered, in order",
    );
    const LINES: usize = 10_000;
    let server = start();
    let mut conn = connect(&server);
    // First one line alone, by events: a server that answers only at the end
    // of the input (or that never flushes) fails here at once, not by
    // deadlocking the harness on the bulk below.
    conn.send_line("0");
    expect_reply(
        &mut conn,
        "0",
        "one line was sent, and its answer must come before the client sends more: does the server \
         wait for the end of the input, or leave its answers in an unflushed buffer?",
    );
    let line = |i: usize| {
        if i.is_multiple_of(3) {
            format!("{i}.5")
        } else {
            i.to_string()
        }
    };
    // The bulk is written by a thread of its own while this one reads, so
    // neither side waits on a full socket buffer; both have deadlines.
    let mut writer = conn.stream().try_clone().expect("clone the socket");
    let bulk: String = (1..LINES).map(|i| line(i) + "\n").collect();
    let sender = spawn_in_step(move || {
        for chunk in bulk.as_bytes().chunks(8 * 1024) {
            writer.write_all(chunk)?;
        }
        Ok::<(), std::io::Error>(())
    });
    let started = Instant::now();
    for i in 1..LINES {
        let expected = line(i);
        match conn.read_line() {
            Reply::Line(got) if got == expected.as_bytes() || got == format!("{expected}\r").as_bytes() => {}
            Reply::Line(got) => conn
                .failure(format!("answer {i} of {LINES} is wrong: answers must come back in order, one per line"))
                .with("sent", format!("lines \"0\" to \"{}\", one per line, before reading", LINES - 1))
                .got_vs_expected(&got, expected.as_bytes())
                .raise(),
            reply => conn
                .failure(format!(
                    "got {i} of {LINES} answers, then {} after {:.1} s",
                    if matches!(reply, Reply::Closed(_)) { "the connection closed" } else { "nothing more" },
                    started.elapsed().as_secs_f64()
                ))
                .with("sent", format!("lines \"0\" to \"{}\", one per line, before reading", LINES - 1))
                .with("hint", "read line by line (BufReader), answer each line, and flush when no whole line is left")
                .raise(),
        }
    }
    match join(sender) {
        Ok(()) => {}
        Err(err) => conn
            .failure(format!(
                "the harness could not send all {LINES} lines: {err}"
            ))
            .raise(),
    }
}

// ---------------------------------------------------------------- step 2

#[test]
fn step2_numbers_in_every_format() {
    step(
        2,
        "numbers: digits, an optional fraction (`.5`, `5.`), an optional exponent",
    );
    let server = start();
    let mut conn = connect(&server);
    expect_answers(
        &mut conn,
        &[
            (".5", "0.5"),
            ("5.", "5"),
            ("00.50", "0.5"),
            ("1e3", "1000"),
            ("1E3", "1000"),
            ("2.5e-3", "0.0025"),
            ("1e+2", "100"),
            ("1.e1", "10"),
            (".5E1", "5"),
            ("0.1", "0.1"),
            ("123456789012", "123456789012"),
            ("1e21", "1000000000000000000000"),
            ("1e-7", "0.0000001"),
        ],
    );
}

#[test]
fn step2_any_other_character_is_a_syntax_error_with_its_column() {
    step(
        2,
        "any other character is a token of its own, reported with its 1-based column",
    );
    let server = start();
    let mut conn = connect(&server);
    expect_answers(
        &mut conn,
        &[
            ("abc", "ERR unexpected a at column 1"),
            ("2 $ 3", "ERR unexpected $ at column 3"),
            ("__import__('os')", "ERR unexpected _ at column 1"),
            ("7 x", "ERR unexpected x at column 3"),
            ("\t\tπ", "ERR unexpected π at column 3"),
            ("2e", "ERR unexpected e at column 2"),
            ("1e5e5", "ERR unexpected e at column 4"),
            ("1 . 2", "ERR unexpected . at column 3"),
        ],
    );
}

// ---------------------------------------------------------------- step 3

#[test]
fn step3_precedence_and_associativity() {
    step(
        3,
        "`* / %` bind tighter than `+ -`; both groups are left-associative",
    );
    let server = start();
    let mut conn = connect(&server);
    expect_answers(
        &mut conn,
        &[
            ("3 + 4 * 2", "11"),
            ("(3 + 4) * 2", "14"),
            ("8 - 2 - 1", "5"),
            ("1 - 2 + 3", "2"),
            ("8 / 2 / 2", "2"),
            ("100 / 10 * 10", "100"),
            ("2 * 3 % 4", "2"),
            ("7 % 4 * 2", "6"),
            ("2 + 3 ^ 2", "11"),
            ("2 * 3 ^ 2", "18"),
            ("((2))", "2"),
        ],
    );
}

#[test]
fn step3_power_is_right_associative_and_binds_tighter_than_minus() {
    step(
        3,
        "`^` is right-associative (2^3^2 = 512), and -2^2 is -(2^2) = -4",
    );
    let server = start();
    let mut conn = connect(&server);
    expect_answers(
        &mut conn,
        &[
            ("2^3^2", "512"),
            ("2 ^ 2 ^ 3", "256"),
            ("(2^3)^2", "64"),
            ("-2^2", "-4"),
            ("(-2)^2", "4"),
            ("2^-1", "0.5"),
            ("-2^-2", "-0.25"),
            ("2^3^0", "2"),
        ],
    );
}

#[test]
fn step3_unary_operators() {
    step(
        3,
        "unary `-` and `+`, any number of them, also after an operator",
    );
    let server = start();
    let mut conn = connect(&server);
    expect_answers(
        &mut conn,
        &[
            ("-3", "-3"),
            ("- 3", "-3"),
            ("--3", "3"),
            ("+3", "3"),
            ("-+-3", "3"),
            ("2 - -3", "5"),
            ("2--3", "5"),
            ("2*-3", "-6"),
            ("-(2+3)", "-5"),
        ],
    );
}

#[test]
fn step3_syntax_errors_name_the_token_and_its_column() {
    step(
        3,
        "a syntax error names the first token that does not fit, or the end of the input",
    );
    let server = start();
    let mut conn = connect(&server);
    expect_answers(
        &mut conn,
        &[
            ("2 ** 3", "ERR unexpected * at column 4"),
            ("2 +", "ERR unexpected end of input"),
            ("1 2", "ERR unexpected 2 at column 3"),
            ("(1 + 2", "ERR unexpected end of input"),
            ("1 + 2)", "ERR unexpected ) at column 6"),
            ("()", "ERR unexpected ) at column 2"),
            ("(1)(2)", "ERR unexpected ( at column 4"),
            ("*2", "ERR unexpected * at column 1"),
            ("2 (3)", "ERR unexpected ( at column 3"),
            ("", "ERR empty expression"),
            (" \t ", "ERR empty expression"),
        ],
    );
}

// ---------------------------------------------------------------- step 4

#[test]
fn step4_arithmetic_in_f64_printed_with_display() {
    step(
        4,
        "f64 arithmetic: `^` is powf, `%` is Rust's remainder; print with `{}`",
    );
    let server = start();
    let mut conn = connect(&server);
    expect_answers(
        &mut conn,
        &[
            ("0.1 + 0.2", "0.30000000000000004"),
            ("1 / 3", "0.3333333333333333"),
            ("10 / 4", "2.5"),
            ("2 ^ 0.5", "1.4142135623730951"),
            ("2 ^ 10", "1024"),
            ("-7 % 3", "-1"),
            ("7 % -3", "1"),
            ("5.5 % 2", "1.5"),
            ("0*-1", "-0"),
            ("-(0)", "-0"),
            ("1e-400", "0"),
            ("1e20 * 10", "1000000000000000000000"),
            ("0 ^ 0", "1"),
        ],
    );
}

#[test]
fn step4_division_by_zero_and_out_of_range_are_errors() {
    step(
        4,
        "`/` or `%` by zero, and any infinite or NaN value, are errors, never `inf` or `NaN`",
    );
    let server = start();
    let mut conn = connect(&server);
    expect_answers(
        &mut conn,
        &[
            ("1 / 0", "ERR division by zero"),
            ("0 / 0", "ERR division by zero"),
            ("5 % 0", "ERR division by zero"),
            ("1 / -0", "ERR division by zero"),
            ("1 % (2 - 2)", "ERR division by zero"),
            ("1e400", "ERR result out of range"),
            ("-1e400", "ERR result out of range"),
            ("1e308 * 10", "ERR result out of range"),
            ("1 / (1e308 * 10)", "ERR result out of range"),
            ("1e308 * 10 * 0", "ERR result out of range"),
            ("0 ^ -1", "ERR result out of range"),
            ("(-8) ^ (1/3)", "ERR result out of range"),
            ("10 ^ 400", "ERR result out of range"),
            ("1/0 + 1e400", "ERR division by zero"),
            ("1e400 + 1/0", "ERR result out of range"),
        ],
    );
}

#[test]
fn step4_a_syntax_error_wins_over_an_evaluation_error() {
    step(4, "the whole line is parsed before anything is evaluated");
    let server = start();
    let mut conn = connect(&server);
    expect_answers(
        &mut conn,
        &[
            ("1/0 +", "ERR unexpected end of input"),
            ("1e400 x", "ERR unexpected x at column 7"),
            ("1/0)", "ERR unexpected ) at column 4"),
        ],
    );
}

/// A random expression tree. It is printed with random spacing, and both the
/// server and the oracle evaluate the *printed* text.
#[derive(Debug, Clone)]
enum Tree {
    Number(String),
    Unary(char, Box<Tree>),
    Binary(char, Box<Tree>, Box<Tree>),
    Group(Box<Tree>),
}

/// Mostly small numbers, so that chains of `^` and `*` stay in range and
/// their grouping shows in the result; now and then a zero, a format of the
/// spec, or a number at the edge of f64.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (0u32..6).prop_map(|n| n.to_string()),
        2 => (0u32..10, 1u32..10).prop_map(|(a, b)| format!("{a}.{b}")),
        1 => prop::sample::select(vec![
            "0", ".5", "5.", "1e3", "2.5E-3", "1e308", "1e-320", "0.1", "1e400", "3e+2", "12", "100"
        ])
        .prop_map(String::from),
    ]
}

fn tree() -> impl Strategy<Value = Tree> {
    number()
        .prop_map(Tree::Number)
        .prop_recursive(6, 40, 2, |inner| {
            prop_oneof![
                (prop::sample::select(vec!['-', '+']), inner.clone())
                    .prop_map(|(s, t)| Tree::Unary(s, Box::new(t))),
                (
                    prop::sample::select(vec!['+', '-', '*', '/', '%', '^']),
                    inner.clone(),
                    inner.clone()
                )
                    .prop_map(|(op, l, r)| Tree::Binary(
                        op,
                        Box::new(l),
                        Box::new(r)
                    )),
                inner.prop_map(|t| Tree::Group(Box::new(t))),
            ]
        })
}

/// Prints `tree`, taking the spacing between tokens from `spacing` in turn.
fn render(tree: &Tree, spacing: &[u8], turn: &mut usize, out: &mut String) {
    fn space(spacing: &[u8], turn: &mut usize, out: &mut String) {
        out.push_str(["", " ", "\t", "  "][usize::from(spacing[*turn % spacing.len()] % 4)]);
        *turn += 1;
    }
    match tree {
        Tree::Number(text) => out.push_str(text),
        Tree::Unary(sign, operand) => {
            out.push(*sign);
            space(spacing, turn, out);
            render(operand, spacing, turn, out);
        }
        Tree::Binary(op, left, right) => {
            render(left, spacing, turn, out);
            space(spacing, turn, out);
            out.push(*op);
            space(spacing, turn, out);
            render(right, spacing, turn, out);
        }
        Tree::Group(inner) => {
            out.push('(');
            space(spacing, turn, out);
            render(inner, spacing, turn, out);
            space(spacing, turn, out);
            out.push(')');
        }
    }
}

/// The line for one case: the tree, spaced, and now and then a stray
/// character inserted somewhere (a syntax error the oracle places too).
fn line_of(tree: &Tree, spacing: &[u8], stray: &Option<(prop::sample::Index, char)>) -> String {
    let mut line = String::new();
    render(tree, spacing, &mut 0, &mut line);
    if let Some((at, c)) = stray {
        let chars: Vec<char> = line.chars().collect();
        let at = at.index(chars.len() + 1);
        line = chars[..at].iter().chain([c]).chain(&chars[at..]).collect();
    }
    line
}

#[test]
fn step4_random_expressions_agree_with_the_oracle() {
    step(4, "random expressions evaluate as the README says (the harness's oracle computes the expected answer)");
    // 300 cases: each is one round trip, well under a second in all.
    const CASES: u32 = 300;
    let seed: u64 = match std::env::var("CALC_SEED") {
        Ok(seed) => seed.parse().expect("CALC_SEED is a number"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    };
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = (
        tree(),
        prop::collection::vec(any::<u8>(), 1..12),
        prop::option::weighted(
            0.2,
            (
                any::<prop::sample::Index>(),
                prop::sample::select(vec!['x', '$', 'é', '(', ')', '.', 'e', '*']),
            ),
        ),
    );
    let mut server = start();
    let conn = RefCell::new(connect(&server));
    // A connection that broke (silence, a close) fails the test as it is,
    // without shrinking: every further case would only wait again.
    let broken: RefCell<Option<Failure>> = RefCell::new(None);
    let ask = |line: &str| -> Result<String, TestCaseError> {
        if broken.borrow().is_some() {
            return Err(TestCaseError::fail("the connection broke earlier"));
        }
        let mut conn = conn.borrow_mut();
        // A failed send (the server is gone) panics; proptest would catch
        // that and shrink on, sending again and again.
        let sent = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| conn.send_line(line)));
        if sent.is_err() {
            *broken.borrow_mut() = Some(conn.failure("could not send: the server is gone"));
            return Err(TestCaseError::fail("could not send"));
        }
        match conn.read_line() {
            Reply::Line(got) => {
                Ok(String::from_utf8_lossy(got.strip_suffix(b"\r").unwrap_or(&got)).into_owned())
            }
            Reply::NoResponse(_) => {
                *broken.borrow_mut() = Some(conn.failure("no answer within the deadline"));
                Err(TestCaseError::fail("no answer"))
            }
            Reply::Closed(_) => {
                *broken.borrow_mut() = Some(conn.failure("the server closed the connection"));
                Err(TestCaseError::fail("closed"))
            }
        }
    };
    let agrees = |got: &str, expected: &str| {
        got == expected || (got.starts_with("ERR ") && calc::kind(got) == calc::kind(expected))
    };
    let result = runner.run(&strategy, |(tree, spacing, stray)| {
        let line = line_of(&tree, &spacing, &stray);
        let got = ask(&line)?;
        let expected = calc::evaluate(&line);
        if agrees(&got, &expected) {
            Ok(())
        } else {
            Err(TestCaseError::fail(format!(
                "{line:?}: got {got:?}, expected {expected:?}"
            )))
        }
    });
    let repro = format!("CALC_SEED={seed} cargo test -p calculator step4_random");
    if let Some(mut failure) = broken.take() {
        if let Some(status) = server.process().wait(Duration::from_millis(500)) {
            failure = failure.with("server", format!("exited ({status}) on the last line sent"));
        }
        failure.with("seed", &repro).raise();
    }
    match result {
        Ok(()) => {}
        Err(TestError::Fail(_, (tree, spacing, stray))) => {
            // Ask once more with the smallest failing case, on the same
            // connection: a second one would not be served by a server that
            // serves one connection at a time, which is allowed until step 6.
            let line = line_of(&tree, &spacing, &stray);
            let expected = calc::evaluate(&line);
            let mut conn = conn.into_inner();
            conn.send_line(&line);
            let got = conn.expect_any_line("the answer to the smallest failing case, sent again");
            let got = got.strip_suffix('\r').unwrap_or(&got);
            conn
                .failure("a random expression got another answer than the oracle's (smallest failing case shown)")
                .with("expression", format!("\"{}\"", escape(line.as_bytes())))
                .got_vs_expected(got.as_bytes(), expected.as_bytes())
                .with("note", "syntax errors compare by kind and column, not by the token's text")
                .with("seed", repro)
                .raise();
        }
        Err(TestError::Abort(why)) => Failure::new(format!("proptest gave up: {why}"))
            .with("seed", repro)
            .raise(),
    }
}

// ---------------------------------------------------------------- step 5

#[test]
fn step5_each_error_is_followed_by_a_good_answer() {
    step(5, "after any error the connection keeps working");
    let server = start();
    let mut conn = connect(&server);
    let long = format!("{}1", " ".repeat(5_000));
    let too_deep = nested_parens(257);
    let bad: [(&[u8], &str); 9] = [
        (b"2 ** 3", "ERR unexpected * at column 4"),
        (b"2 +", "ERR unexpected end of input"),
        (b"", "ERR empty expression"),
        (b"1 / 0", "ERR division by zero"),
        (b"1e400", "ERR result out of range"),
        (b"abc", "ERR unexpected a at column 1"),
        (too_deep.as_bytes(), "ERR nesting too deep"),
        (long.as_bytes(), "ERR line too long"),
        (b"1 + \xff", "ERR invalid utf-8"),
    ];
    for (i, (line, error)) in bad.iter().enumerate() {
        conn.send(&[line, &b"\n"[..]].concat());
        conn.expect_line(error);
        conn.send_line(&format!("{i} + 1"));
        conn.expect_line(&(i + 1).to_string());
    }
}

#[test]
fn step5_256_nested_levels_evaluate_257_do_not() {
    step(
        5,
        "at most 256 levels of parentheses, unary operators and `^`, counted together",
    );
    let server = start();
    let mut conn = connect(&server);
    let minus = |n: usize| format!("{}1", "-".repeat(n));
    let powers = |n: usize| vec!["1"; n + 1].join("^");
    let mixed = |parens: usize, minus: usize| {
        format!(
            "{}{}1{}",
            "(".repeat(parens),
            "-".repeat(minus),
            ")".repeat(parens)
        )
    };
    let cases = [
        (nested_parens(256), "1"),
        (nested_parens(257), "ERR nesting too deep"),
        (nested_parens(1_000), "ERR nesting too deep"),
        (minus(256), "1"),
        (minus(257), "ERR nesting too deep"),
        (powers(256), "1"),
        (powers(257), "ERR nesting too deep"),
        (mixed(128, 128), "1"),
        (mixed(128, 129), "ERR nesting too deep"),
    ];
    for (line, answer) in &cases {
        conn.send_line(line);
        conn.expect_line(answer);
    }
}

#[test]
fn step5_depth_is_how_deep_not_how_many() {
    step(
        5,
        "the depth is how deeply a point is nested: 300 `(1)`, `-1` or `2^1` side by side are each one level deep",
    );
    let server = start();
    let mut conn = connect(&server);
    let side_by_side = |term: &str| vec![term; 300].join("+");
    for (line, answer) in [
        (side_by_side("(1)"), "300"),
        (side_by_side("-1"), "-300"),
        (side_by_side("2^1"), "600"),
    ] {
        conn.send_line(&line);
        expect_reply(
            &mut conn,
            answer,
            "300 terms side by side, none inside another: a depth that is incremented on the way \
             in but not decremented on the way out counts them all, and refuses the 257th",
        );
    }
}

#[test]
fn step5_hostile_lines_get_an_error_and_the_server_lives() {
    step(
        5,
        "no line can crash the server: 4,096 bytes of `-`, of `(`, of `1^1^…`",
    );
    let mut server = start();
    let mut conn = connect(&server);
    let chain = |op: &str, bytes: usize| vec!["1"; bytes / 2 + 1].join(op);
    let cases = [
        ("-".repeat(4_096), "ERR nesting too deep".to_string()),
        ("(".repeat(4_096), "ERR nesting too deep".to_string()),
        ("+".repeat(4_096), "ERR nesting too deep".to_string()),
        (chain("^", 4_095), "ERR nesting too deep".to_string()),
        ("1^".repeat(2_048), "ERR nesting too deep".to_string()),
        // `+ - * / %` chains are loops, not nesting: 2,048 ones add up.
        (chain("+", 4_095), "2048".to_string()),
        (nested_parens(5_000), "ERR line too long".to_string()),
    ];
    for (line, answer) in &cases {
        conn.send_line(line);
        conn.expect_line(answer);
        server.expect_alive(&format!(
            "a line of {} bytes: \"{}…\"",
            line.len(),
            &line[..8]
        ));
    }
    // Closed first, so that even a server that serves one connection at a
    // time (allowed until step 6) can take the next.
    drop(conn);
    let mut fresh = connect(&server);
    fresh.send_line("6 * 7");
    expect_reply(
        &mut fresh,
        "42",
        "a second connection, opened after the first closed, is served: the server lived through \
         the hostile lines",
    );
}

#[test]
fn step5_long_lines_get_one_error_and_the_session_goes_on() {
    step(
        5,
        "a line over 4,096 bytes gets one `ERR line too long`; the rest of it is discarded",
    );
    let server = start();
    let mut conn = connect(&server);
    let padded = |bytes: usize| format!("{}7", " ".repeat(bytes - 1));
    conn.send_line(&padded(4_096));
    conn.expect_line("7");
    conn.send(format!("{}\r\n", padded(4_096)).as_bytes());
    conn.expect_line("7");
    conn.send_line(&padded(4_097));
    conn.expect_line("ERR line too long");
    // 100,000 bytes in one line, then a good one: exactly one error comes
    // before its answer, not one per 4,096-byte piece.
    conn.send_line(&"1+".repeat(50_000));
    conn.send_line("1 + 1");
    conn.expect_line("ERR line too long");
    conn.expect_line("2");
}

/// How long the line of [`step5_a_long_line_never_sits_in_memory`] is.
const HUGE_LINE_MIB: usize = 32;
/// The server's peak memory bound while it discards that line: far less than
/// the line, far more than a server needs (a few MiB in a debug build).
const MEMORY_BOUND_MIB: f64 = 16.0;

#[test]
fn step5_a_long_line_never_sits_in_memory() {
    step(
        5,
        "a line over 4,096 bytes is discarded as it arrives: the server never buffers without bound",
    );
    let mut server = start();
    let mut conn = connect(&server);
    conn.send_filler(b' ', HUGE_LINE_MIB * 1024 * 1024);
    conn.send_line("7");
    conn.send_line("6 * 7");
    conn.expect_line("ERR line too long");
    conn.expect_line("42");
    // The answer to the line after it came, so the server read the whole
    // long line: its peak is final.
    harness::expect_peak_under(
        server.process(),
        MEMORY_BOUND_MIB,
        &format!("it read one {HUGE_LINE_MIB} MiB line"),
        "Count a line's bytes as they arrive, and stop keeping them at byte 4,097: a \
         `read_until` or `read_line` with no bound keeps the whole line before its length \
         can be checked",
    );
}

#[test]
fn step5_invalid_utf8_is_an_error() {
    step(
        5,
        "a line that is not UTF-8 gets `ERR invalid utf-8`, and the session goes on",
    );
    let server = start();
    let mut conn = connect(&server);
    conn.send(b"1 + \xff\n");
    conn.expect_line("ERR invalid utf-8");
    conn.send(b"\xc3\x28\n");
    conn.expect_line("ERR invalid utf-8");
    conn.send_line("2 * 3");
    conn.expect_line("6");
}

// ---------------------------------------------------------------- step 6

#[test]
fn step6_20_clients_at_once_200_expressions_each() {
    step(
        6,
        "serve many clients at once: 20 connections, 200 expressions each, all answered right",
    );
    let server = start();
    let mut clients: Vec<TcpConn> = (0..20).map(|_| connect(&server)).collect();
    // All 20 stay connected throughout, and take turns: a server that serves
    // one client at a time (or a few) leaves the second one unanswered.
    for round in 0..200 {
        for (c, conn) in clients.iter_mut().enumerate() {
            conn.send_line(&format!("{c} * 1000 + {round}"));
        }
        for (c, conn) in clients.iter_mut().enumerate() {
            let why = format!(
                "client {} of 20, round {round}, while the others stay connected: does the server serve \
                 one client at a time?",
                c + 1
            );
            expect_reply(conn, &(c * 1000 + round).to_string(), &why);
        }
    }
}

#[test]
fn step6_a_silent_or_vanished_client_stops_no_one() {
    step(
        6,
        "a client that is silent, or that vanishes mid-line, never stops the others",
    );
    let mut server = start();
    let mut half = connect(&server);
    half.send(b"1 +");
    let _silent = connect(&server);
    let mut vanished = connect(&server);
    vanished.send(b"2 *");
    drop(vanished);
    let mut other = connect(&server);
    other.send_line("6 * 7");
    expect_reply(
        &mut other,
        "42",
        "another client is connected and half-way through a line",
    );
    half.send(b" 1\n");
    expect_reply(&mut half, "2", "the rest of its line came");
    server.expect_alive("a client vanished mid-line");
}

// ---------------------------------------------------------------- step 7

/// Runs `calc-client --server ADDR` with `stdin`.
fn calc_client(server: std::net::SocketAddr, stdin: &str) -> Run {
    Client::new(program!("calc-client"))
        .args(["--server", &server.to_string()])
        .stdin(stdin)
        // A right client is done in milliseconds; this only bounds a hung one.
        .deadline(Duration::from_secs(3))
        .run()
}

#[track_caller]
fn expect_stdout(run: &Run, expected: &str, why: &str) {
    harness::expect_stdout(run, expected, why, None);
}

#[test]
fn step7_client_prints_one_answer_per_line() {
    step(
        7,
        "the client sends each non-empty line and prints each answer; no prompt on a pipe",
    );
    let peer = CalcPeer::start();
    let run = calc_client(peer.addr(), "3 + 4 * 2\n\n2^3^2\r\n1e21\n");
    run.expect_code(0, "stdin ended");
    expect_stdout(
        &run,
        "11\n512\n1000000000000000000000\n",
        "one answer per non-empty line, and no `> ` prompt since stdin is not a terminal",
    );
    let received = peer.received();
    let expected = ["3 + 4 * 2", "2^3^2", "1e21"];
    let sent: Vec<&str> = received
        .iter()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if sent != expected {
        run.failure("the server received other lines than stdin's non-empty ones")
            .with("received", format!("{received:?}"))
            .with("expected", format!("{expected:?}"))
            .raise();
    }
}

#[test]
fn step7_client_prints_errors_as_error_lines_on_stdout() {
    step(
        7,
        "`ERR x` is printed as `error: x` on stdout, and the session goes on",
    );
    let peer = CalcPeer::start();
    let run = calc_client(peer.addr(), "1/0\n2 ** 3\n1 + 1\n");
    run.expect_code(
        0,
        "an ERR answer is part of the session, not a failure of the client",
    );
    expect_stdout(
        &run,
        "error: division by zero\nerror: unexpected * at column 4\n2\n",
        "errors as `error: …` lines",
    );
}

#[test]
fn step7_client_exits_1_when_the_server_is_unreachable() {
    step(7, "no server: exit 1 with `error: …` on stderr");
    let refused = RefusedTcpPort::bind();
    let run = calc_client(refused.addr(), "1 + 1\n");
    run.expect_code(1, "nothing listens on that port");
    if !run.stderr().lines().any(|l| l.starts_with("error: ")) {
        run.failure("expected a line `error: …` on stderr").raise();
    }
}

#[test]
fn step7_client_exits_1_when_the_server_closes_the_connection() {
    step(7, "the server hangs up: exit 1 with `error: …` on stderr");
    let peer = CalcPeer::closing_after(1);
    let run = calc_client(peer.addr(), "1 + 1\n2 + 2\n3 + 3\n");
    run.expect_code(1, "the server closed the connection after one answer");
    expect_stdout(&run, "2\n", "the one answer that came");
    if !run.stderr().lines().any(|l| l.starts_with("error: ")) {
        run.failure("expected a line `error: …` on stderr").raise();
    }
}

#[test]
fn step7_client_exits_1_when_the_server_closes_mid_answer() {
    step(
        7,
        "the server hangs up half-way through an answer line: that is no answer; exit 1 with `error: …` on stderr",
    );
    let server = ScriptedServer::start(|conn| {
        conn.expect_line("1 + 1");
        conn.send(b"2"); // no `\n`: the connection closes in the middle of the answer
    });
    let run = calc_client(server.addr(), "1 + 1\n");
    server.finish(&run);
    run.expect_code(
        1,
        "the server closed the connection before the end of its answer line: the session is broken, \
         even though stdin has ended too",
    );
    expect_stdout(
        &run,
        "",
        "an answer is a whole line: bytes cut off by the close without their `\\n` are not one (check \
         that the line read ends with `\\n`, not only that the read returned something)",
    );
    if !run.stderr().lines().any(|l| l.starts_with("error: ")) {
        run.failure("expected a line `error: …` on stderr").raise();
    }
}

#[test]
fn step7_client_against_your_server() {
    step(7, "your client against your server");
    let server = start();
    let run = calc_client(server.addr(), "1 + 2\nabc\n-2^2\n");
    run.expect_code(0, "stdin ended");
    expect_stdout(
        &run,
        "3\nerror: unexpected a at column 1\n-4\n",
        "your server's answers",
    );
}
