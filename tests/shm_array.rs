//! Exercise 04, shm-array: the tests of `shm-writer` and `shm-reader`.
//!
//! Each test is named after the README step it checks. Every student program
//! is tested against the harness's own peer, which writes and reads blocks by
//! the layout of the contract on its own (tests/harness/src/shm.rs); only the
//! step 6 tests run the two programs together. Every test uses a block name of
//! its own, and its `ShmName` guard removes whatever is left under it.

use std::thread;
use std::time::{Duration, Instant};

use harness::shm::{
    cpu_seconds, interrupt, shm_mean, wait_for_block, ShmBlock, ShmName, SHM_DONE, SHM_HEADER,
    SHM_MAGIC, SHM_READY, SHM_VERSION, SHM_WRITING,
};
use harness::{program, step, Client, Failure, Process, Run, PATIENCE};

/// The large block of the contract: 4,000,000 values, 32 MB.
const LARGE: usize = 4_000_000;

// ---------------------------------------------------------------- helpers

/// Starts `shm-writer --name NAME ARGS…`.
fn writer(name: &ShmName, args: &[&str]) -> Process {
    let mut all = vec!["--name", name.as_str()];
    all.extend(args);
    Process::spawn(program!("shm-writer"), &all)
}

/// Starts `shm-reader --name NAME ARGS…` in the background.
fn reader(name: &ShmName, args: &[&str]) -> Process {
    let mut all = vec!["--name", name.as_str()];
    all.extend(args);
    Process::spawn(program!("shm-reader"), &all)
}

/// Runs `shm-reader --name NAME ARGS…` to completion (within `deadline`).
fn read_block(name: &ShmName, args: &[&str], deadline: Duration) -> Run {
    Client::new(program!("shm-reader"))
        .args(["--name", name.as_str()])
        .args(args)
        .deadline(deadline)
        .run()
}

/// A report about `process` and the block `name`, with lines to look at the
/// block by hand.
fn failure(process: &Process, name: &ShmName, headline: impl Into<String>) -> Failure {
    let mut context = process.context();
    context.repro.extend(name.inspect_lines());
    Failure::new(headline).context(&context)
}

/// Waits until the writer's block shows state 1, failing the test (at once)
/// if the writer exits first, or after `PATIENCE`.
fn published(writer: &mut Process, name: &ShmName) -> ShmBlock {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match wait_for_block(name, SHM_READY, Duration::from_millis(50)) {
            Ok(block) => return block,
            Err(seen) => {
                if let Some(status) = writer.wait(Duration::ZERO) {
                    failure(
                        writer,
                        name,
                        format!(
                            "it exited ({}) before publishing its block",
                            harness::describe_status(status)
                        ),
                    )
                    .with("block", seen)
                    .raise();
                }
                if Instant::now() >= deadline {
                    failure(
                        writer,
                        name,
                        format!("no published block within {:.1} s: {seen}", PATIENCE.as_secs_f64()),
                    )
                    .with(
                        "expected",
                        "the block created, sized, its header and values written, then state = 1 (Release)",
                    )
                    .raise();
                }
            }
        }
    }
}

/// The header as hex, 16 bytes a line, for reports.
fn hex(header: &[u8]) -> String {
    header
        .chunks(16)
        .enumerate()
        .map(|(i, row)| {
            let bytes: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
            format!("{:04x}: {}", i * 16, bytes.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fails the test unless the block's header is magic, version 1 and `len`.
fn expect_header(writer: &Process, name: &ShmName, block: &ShmBlock, len: u64) {
    let (magic, version, found) = block.fields();
    let size_ok = block.size() as u64 >= SHM_HEADER as u64 + 8 * len;
    let reserved_ok = block.header()[24..].iter().all(|&b| b == 0);
    if magic != SHM_MAGIC || version != SHM_VERSION || found != len || !size_ok || !reserved_ok {
        failure(
            writer,
            name,
            "the block's header is not the one the contract lays out",
        )
        .with("header", hex(&block.header()))
        .with(
            "got",
            format!(
                "magic {:?}, version {version}, len {found}, reserved {}, block size {} bytes",
                magic.escape_ascii().to_string(),
                if reserved_ok { "zero" } else { "NOT zero" },
                block.size()
            ),
        )
        .with(
            "expected",
            format!(
                "magic \"SHMARRAY\", version 1 (u32, native order), len {len} (u64 at offset 16), \
                     bytes 24..64 zero, block size ≥ 64 + 8 × {len} = {}",
                64 + 8 * len
            ),
        )
        .raise();
    }
}

/// The writer's `mean=<value>` line.
fn mean_line(process: &mut Process, name: &ShmName) -> String {
    let line = process.expect_stdout_line("`mean=<value>` line", PATIENCE);
    if !line.starts_with("mean=") {
        failure(process, name, "the line on stdout is not `mean=<value>`")
            .got(line.as_bytes())
            .with("expected", "\"mean=0.4998…\" (the mean printed with `{}`)")
            .raise();
    }
    line
}

/// Fails the test unless `got` is the mean line of `values`.
fn expect_mean(process: &Process, name: &ShmName, got: &str, values: &[f64], why: &str) {
    let expected = format!("mean={}", shm_mean(values));
    if got != expected {
        // A NaN is the one sign of values read too early (the tests fill a
        // block with NaN until they publish it); any other wrong number is
        // another summation order, or other values.
        let cause = if got.contains("NaN") {
            "a NaN: values were read before state 1 (the block holds NaN until it is published)"
        } else {
            "no NaN, so not values read too early: the values were added in another order (a \
             running or pairwise mean, or a compensated sum such as Python 3.12's `sum`), or \
             other values were read"
        };
        failure(process, name, format!("wrong mean: {why}"))
            .got_vs_expected(got.as_bytes(), expected.as_bytes())
            .with("cause", cause)
            .with(
                "rule",
                "the values summed left to right from 0.0, divided by len, printed with `{}`: \
                 `v.iter().sum::<f64>() / v.len() as f64`",
            )
            .raise();
    }
}

/// Fails the test unless `process` exits by itself with `code`.
fn expect_code(process: &mut Process, name: &ShmName, code: i32, why: &str) {
    let status = process.expect_exit(why, PATIENCE);
    if status.code() != Some(code) {
        failure(
            process,
            name,
            format!(
                "it exited with {}, expected exit code {code} ({why})",
                harness::describe_status(status)
            ),
        )
        .raise();
    }
}

/// Fails the test unless the block `name` is gone.
fn expect_gone(process: &Process, name: &ShmName, why: &str) {
    if let Some(size) = name.size() {
        failure(
            process,
            name,
            format!(
                "the block is still there ({size} bytes in {}): {why}",
                name.path()
            ),
        )
        .with(
            "expected",
            "the writer unlinks its block (`shm_unlink`) on every way out: a name in /dev/shm \
                 outlives every process, until someone removes it or the machine reboots",
        )
        .raise();
    }
}

/// `len` values that are hard to average: negative, tiny (down to
/// subnormal), large and ordinary, so that summing in any other order than
/// left to right, or in f32, prints another mean. Seeded; reports print the seed.
fn known_values(len: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    let mut next = move || {
        // xorshift64*, the harness's own generator
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..len)
        .map(|i| {
            let u = next();
            match i % 6 {
                0 => -1e12 * u,
                1 => u * 1e-300,
                2 => 5e-324 * (i % 97) as f64,
                3 => 3e13 * u,
                _ => 1000.0 * u - 500.0,
            }
        })
        .collect()
}

// ---------------------------------------------------------------- step 1

#[test]
fn step1_writer_creates_the_block_with_its_header() {
    step(
        1,
        "create /NAME, size it to 64 + 8 × len bytes, map it, write the header",
    );
    let name = ShmName::unique("step1-create");
    let mut writer = writer(&name, &["--len", "1000", "--seed", "1"]);
    let block = published(&mut writer, &name);
    expect_header(&writer, &name, &block, 1000);
    block.set_state(SHM_DONE);
    expect_code(&mut writer, &name, 0, "the harness marked the block done");
}

#[test]
fn step1_writer_refuses_an_existing_block() {
    step(
        1,
        "a block that already exists is refused (exit 1, naming the file), and left alone",
    );
    let name = ShmName::unique("step1-exists");
    let mut theirs = ShmBlock::create(&name, 4096);
    theirs.bytes_mut(0).fill(0x5a);
    let run = Client::new(program!("shm-writer"))
        .args([
            "--name",
            name.as_str(),
            "--len",
            "10",
            "--timeout-ms",
            "500",
        ])
        .deadline(PATIENCE)
        .run();
    run.expect_code(
        1,
        "the block already existed: someone else's, or a leftover of a crash",
    );
    if !run.stderr().contains("error:") || !run.stderr().contains(&name.path()) {
        run.failure("the error does not name the file to remove")
            .with(
                "expected",
                format!("a line `error: …` on stderr naming {}", name.path()),
            )
            .raise();
    }
    let intact = name.size() == Some(4096) && theirs.bytes_mut(0).iter().all(|&b| b == 0x5a);
    if !intact {
        run.failure(format!(
            "the existing block {} was changed or removed",
            name.path()
        ))
        .with(
            "expected",
            "it is not yours: create with O_CREAT | O_EXCL, which fails with EEXIST, and \
                 unlink only a block you created",
        )
        .raise();
    }
}

// ---------------------------------------------------------------- step 2

#[test]
fn step2_writer_publishes_values_in_0_1_and_their_mean() {
    step(2, "fill the values with pseudo-random numbers in [0, 1), print their mean, then set state = 1");
    let name = ShmName::unique("step2-values");
    let mut writer = writer(&name, &["--len", "1000", "--seed", "42"]);
    let block = published(&mut writer, &name);
    let values = block.values(1000).to_vec();
    if let Some(i) = values.iter().position(|v| !(0.0..1.0).contains(v)) {
        failure(
            &writer,
            &name,
            format!("value {i} is {:e}, not in [0, 1)", values[i]),
        )
        .with("bytes", hex(&values[i].to_ne_bytes()))
        .with(
            "hint",
            "f64 values in the machine's native byte order: to_ne_bytes, not to_be_bytes",
        )
        .raise();
    }
    let line = mean_line(&mut writer, &name);
    expect_mean(
        &writer,
        &name,
        &line,
        &values,
        "the printed mean is not that of the values in the block",
    );
    block.set_state(SHM_DONE);
    expect_code(&mut writer, &name, 0, "the harness marked the block done");
}

#[test]
fn step2_writer_publishes_a_large_block_only_when_filled() {
    step(
        2,
        "state = 1 (Release) comes after the last value: a reader may read at once",
    );
    let name = ShmName::unique("step2-large");
    let len = LARGE.to_string();
    let mut writer = writer(&name, &["--len", &len, "--seed", "3"]);
    let block = published(&mut writer, &name);
    // Read at once, as a reader would: copy every value the moment state 1 shows.
    let values = block.values(LARGE).to_vec();
    let line = mean_line(&mut writer, &name);
    let expected = format!("mean={}", shm_mean(&values));
    if line != expected {
        let zeros = values.iter().filter(|&&v| v == 0.0).count();
        let first = values.iter().position(|&v| v == 0.0);
        failure(
            &writer,
            &name,
            "the values read as soon as state 1 showed do not have the printed mean",
        )
        .got_vs_expected(line.as_bytes(), expected.as_bytes())
        .with(
            "seen",
            format!(
                "{zeros} of {LARGE} values were still 0.0 (the new block's bytes){}",
                first.map_or(String::new(), |i| format!(", the first at index {i}"))
            ),
        )
        .with(
            "expected",
            "every value written before state = 1: the Release store publishes what came \
                 before it, nothing written after it",
        )
        .raise();
    }
    block.set_state(SHM_DONE);
    expect_code(&mut writer, &name, 0, "the harness marked the block done");
}

#[test]
fn step2_same_seed_same_values() {
    step(2, "the same --seed gives the same values");
    let mut seen: Vec<(Vec<f64>, String)> = Vec::new();
    for run in 0..2 {
        let name = ShmName::unique(&format!("step2-seed-{run}"));
        let mut writer = writer(&name, &["--len", "1000", "--seed", "7"]);
        let block = published(&mut writer, &name);
        let values = block.values(1000).to_vec();
        let line = mean_line(&mut writer, &name);
        block.set_state(SHM_DONE);
        expect_code(&mut writer, &name, 0, "the harness marked the block done");
        if let Some((first, first_line)) = seen.first() {
            if *first != values {
                let i = first
                    .iter()
                    .zip(&values)
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                failure(
                    &writer,
                    &name,
                    "two runs with --seed 7 wrote different values",
                )
                .with(
                    "first run",
                    format!("value {i} = {}, {first_line}", first[i]),
                )
                .with("second run", format!("value {i} = {}, {line}", values[i]))
                .with(
                    "hint",
                    "seed the generator with --seed only: not the clock, not the pid",
                )
                .raise();
            }
        }
        seen.push((values, line));
    }
}

#[test]
fn step2_without_a_seed_each_run_differs() {
    step(
        2,
        "without --seed, the generator is seeded from the clock: two runs write different values",
    );
    let mut first: Option<(Vec<f64>, String)> = None;
    for run in 0..2 {
        let name = ShmName::unique(&format!("step2-noseed-{run}"));
        let mut writer = writer(&name, &["--len", "1000"]);
        let block = published(&mut writer, &name);
        let values = block.values(1000).to_vec();
        let line = mean_line(&mut writer, &name);
        block.set_state(SHM_DONE);
        expect_code(&mut writer, &name, 0, "the harness marked the block done");
        match &first {
            None => first = Some((values, line)),
            Some((earlier, earlier_line)) if *earlier == values => failure(
                &writer,
                &name,
                "two runs without --seed wrote the same 1000 values",
            )
            .with(
                "first run",
                format!("value 0 = {}, {earlier_line}", earlier[0]),
            )
            .with("second run", format!("value 0 = {}, {line}", values[0]))
            .with(
                "hint",
                "with no --seed, take the seed from the clock (SystemTime::now()), not a constant",
            )
            .raise(),
            Some(_) => {}
        }
    }
}

// ---------------------------------------------------------------- step 3

#[test]
fn step3_reader_waits_for_state_1() {
    step(
        3,
        "the reader waits until state = 1 (Acquire) before it reads a value",
    );
    let name = ShmName::unique("step3-wait");
    let len = 1000;
    // The header is there, the values are sentinels (NaN), the state is 0.
    let mut block = ShmBlock::create_with(&name, &vec![f64::NAN; len]);
    let mut reader = reader(&name, &[]);
    // Hold the block in state 0 for 300 ms, and until the reader has it mapped.
    let held = Instant::now();
    loop {
        if block.state() != SHM_WRITING {
            failure(
                &reader,
                &name,
                format!(
                    "the reader set state {} while the block was in state 0",
                    block.state()
                ),
            )
            .with(
                "expected",
                "state 0 means being written: wait for 1, read, then set 2",
            )
            .raise();
        }
        if let Some(status) = reader.wait(Duration::ZERO) {
            failure(
                &reader,
                &name,
                format!(
                    "it exited ({}) while the block was in state 0",
                    harness::describe_status(status)
                ),
            )
            .with(
                "expected",
                "it waits for state 1 (until its --timeout-ms, 10 s by default)",
            )
            .raise();
        }
        let long_enough = held.elapsed() >= Duration::from_millis(300);
        if long_enough && (name.mapped_by(reader.pid()) || held.elapsed() >= PATIENCE) {
            break;
        }
        thread::sleep(Duration::from_millis(5)); // injected delay: the writer is still writing
    }
    let values = known_values(len, 11);
    block.values_mut(len).copy_from_slice(&values);
    block.set_state(SHM_READY);
    let line = reader.expect_stdout_line("`mean=<value>` line", PATIENCE);
    expect_mean(
        &reader,
        &name,
        &line,
        &values,
        "the mean of the values published with state 1 (seed 11)",
    );
    expect_code(&mut reader, &name, 0, "it read a published block");
}

#[test]
fn step3_reader_started_before_the_writer() {
    step(
        3,
        "the reader may start before the block exists, and find it still being sized: it waits",
    );
    let name = ShmName::unique("step3-first");
    let mut reader = reader(&name, &[]);
    // Events, not delays: it is up and looking for the name before the
    // block exists, and has had a look at the block while it is being sized.
    reader.until_waiting(PATIENCE);
    let sizing = ShmBlock::create_unsized(&name);
    reader.until_it_looked_again(PATIENCE);
    if let Some(status) = reader.wait(Duration::ZERO) {
        failure(
            &reader,
            &name,
            format!(
                "it exited ({}) before the block was published",
                harness::describe_status(status)
            ),
        )
        .with(
            "expected",
            "no block yet, or a block smaller than its 64-byte header, means \"not yet\": wait",
        )
        .raise();
    }
    let values = known_values(1000, 12);
    let mut block = sizing.size_to(SHM_HEADER + 8 * values.len());
    block.write_header(&SHM_MAGIC, SHM_VERSION, values.len() as u64);
    block.values_mut(values.len()).copy_from_slice(&values);
    block.set_state(SHM_READY);
    let line = reader.expect_stdout_line("`mean=<value>` line", PATIENCE);
    expect_mean(
        &reader,
        &name,
        &line,
        &values,
        "the block was published after the reader started (seed 12)",
    );
    expect_code(&mut reader, &name, 0, "it read a published block");
}

#[test]
fn step3_reader_gives_up_without_a_writer() {
    step(
        3,
        "with no writer, or a block never published, the reader exits 1 after --timeout-ms",
    );
    let name = ShmName::unique("step3-timeout");
    let run = read_block(&name, &["--timeout-ms", "500"], PATIENCE);
    run.expect_code(1, "no block appeared within --timeout-ms 500");
    expect_error_line(&run);

    let block = ShmBlock::create_with(&name, &[0.5; 10]);
    let run = read_block(&name, &["--timeout-ms", "500"], PATIENCE);
    run.expect_code(
        1,
        "the block stayed in state 0 (being written) for --timeout-ms 500",
    );
    expect_error_line(&run);
    if block.state() != SHM_WRITING {
        run.failure(format!(
            "the reader set state {} on a block it never saw published",
            block.state()
        ))
        .raise();
    }
}

fn expect_error_line(run: &Run) {
    if !run.stderr().lines().any(|l| l.starts_with("error: ")) {
        run.failure("no `error: …` line on stderr").raise();
    }
}

/// The reader's `--timeout-ms` in [`expect_refused`]: far beyond the test's
/// deadline, so a reader that waits on a bad block (rather than refusing it)
/// is still waiting when the deadline kills it. Refusing "at once" is thus
/// told by what it did, not by a clock that would count its start-up.
const REFUSE_TIMEOUT_MS: &str = "600000";

/// Runs the reader on a published block, and fails the test unless it
/// refuses it at once, without waiting for its `--timeout-ms`: exit 1 with
/// an `error:` line, and no crash.
fn expect_refused(name: &ShmName, block: &ShmBlock, what: &str) {
    let run = read_block(name, &["--timeout-ms", REFUSE_TIMEOUT_MS], PATIENCE);
    let refused = run.code() == Some(1) && run.stderr().lines().any(|l| l.starts_with("error: "));
    if !refused {
        let headline = if run.timed_out() {
            format!(
                "a published block with {what} was not refused: the reader was still running \
                 after {:.1} s (its --timeout-ms was {REFUSE_TIMEOUT_MS}), as if waiting for a \
                 good block",
                run.elapsed().as_secs_f64()
            )
        } else {
            format!("a published block with {what} was not refused")
        };
        run.failure(headline)
            .with("header", hex(&block.header()))
            .with("block size", format!("{} bytes", block.size()))
            .with("ran for", format!("{:.2} s", run.elapsed().as_secs_f64()))
            .with(
                "expected",
                "exit 1 with `error: …` at once: every field of the block comes from another \
                 program, so check it before trusting it (a panic or a crash is never a refusal)",
            )
            .raise();
    }
}

#[test]
fn step3_reader_refuses_a_bad_magic_or_version() {
    step(
        3,
        "check magic and version before reading: a bad one is an error, not a crash",
    );
    for (tag, magic, version, what) in [
        ("magic", *b"SHMARRAX", SHM_VERSION, "magic \"SHMARRAX\""),
        ("zero", [0u8; 8], SHM_VERSION, "an all-zero magic"),
        ("version", SHM_MAGIC, 2, "version 2"),
    ] {
        let name = ShmName::unique(&format!("step3-{tag}"));
        let mut block = ShmBlock::create(&name, SHM_HEADER + 8 * 10);
        block.write_header(&magic, version, 10);
        block.values_mut(10).fill(0.25);
        block.set_state(SHM_READY);
        expect_refused(&name, &block, what);
    }
}

#[test]
fn step3_reader_refuses_a_len_larger_than_the_block() {
    step(
        3,
        "check that 64 + 8 × len fits the block (checked arithmetic) before reading",
    );
    for (tag, len, values, what) in [
        (
            "one-more",
            101u64,
            100,
            "len 101 in a block of 64 + 8 × 100 bytes",
        ),
        (
            "wraps",
            1 << 61,
            100,
            "len 2^61 (8 × len wraps to 0 in a u64)",
        ),
        ("max", u64::MAX, 100, "len u64::MAX"),
        // Sized (it holds the whole header) and published: refuse it, do not
        // wait for it to grow.
        (
            "header-only",
            1,
            0,
            "len 1 in a block of only the 64-byte header",
        ),
    ] {
        let name = ShmName::unique(&format!("step3-len-{tag}"));
        let mut block = ShmBlock::create(&name, SHM_HEADER + 8 * values);
        block.write_header(&SHM_MAGIC, SHM_VERSION, len);
        block.values_mut(values).fill(0.25);
        block.set_state(SHM_READY);
        expect_refused(&name, &block, what);
    }
}

// ---------------------------------------------------------------- step 4

#[test]
fn step4_reader_prints_the_mean_and_marks_the_block_done() {
    step(
        4,
        "read len values as &[f64], print their mean, then set state = 2 (Release)",
    );
    let name = ShmName::unique("step4-mean");
    let values = known_values(1000, 21);
    // The block is a page larger than its values, the rest full of junk: the
    // values are `len` long, whatever the size of the block.
    let size = SHM_HEADER + 8 * values.len() + 4096;
    let mut block = ShmBlock::create(&name, size);
    block.write_header(&SHM_MAGIC, SHM_VERSION, values.len() as u64);
    block.values_mut(values.len()).copy_from_slice(&values);
    for junk in block
        .bytes_mut(SHM_HEADER + 8 * values.len())
        .chunks_exact_mut(8)
    {
        junk.copy_from_slice(&1e300f64.to_ne_bytes());
    }
    block.set_state(SHM_READY);
    let run = read_block(&name, &[], PATIENCE);
    run.expect_code(0, "it read a published block");
    let line = run.stdout_line();
    let expected = format!("mean={}", shm_mean(&values));
    if line != expected {
        run.failure("wrong mean of the harness's 1000 values (seed 21)")
            .got_vs_expected(line.as_bytes(), expected.as_bytes())
            .with(
                "rule",
                "exactly len values from offset 64 (the block may be larger), summed left to \
                 right from 0.0, divided by len, printed with `{}`",
            )
            .raise();
    }
    if block.state() != SHM_DONE {
        run.failure(format!("the state is {} after the reader printed its mean", block.state()))
            .with("expected", "state 2 (done), stored with Release once the mean is computed: the writer waits for it")
            .raise();
    }
}

#[test]
fn step4_reader_reads_a_large_block() {
    step(4, "a block of 4,000,000 values (32 MB) reads the same way");
    let name = ShmName::unique("step4-large");
    let values = known_values(LARGE, 22);
    let block = ShmBlock::create_with(&name, &values);
    block.set_state(SHM_READY);
    let run = read_block(&name, &[], PATIENCE);
    run.expect_code(0, "it read a published block");
    let line = run.stdout_line();
    let expected = format!("mean={}", shm_mean(&values));
    if line != expected || block.state() != SHM_DONE {
        run.failure(format!(
            "wrong mean, or state {} (expected 2), on 4,000,000 values (seed 22)",
            block.state()
        ))
        .got_vs_expected(line.as_bytes(), expected.as_bytes())
        .raise();
    }
}

// ---------------------------------------------------------------- step 5

#[test]
fn step5_writer_unlinks_after_the_reader_is_done() {
    step(
        5,
        "once state = 2, the writer unlinks the block and exits 0",
    );
    let name = ShmName::unique("step5-done");
    let mut writer = writer(&name, &["--len", "1000"]);
    let block = published(&mut writer, &name);
    block.set_state(SHM_DONE);
    expect_code(&mut writer, &name, 0, "the harness marked the block done");
    expect_gone(
        &writer,
        &name,
        "the writer exited after the block was marked done",
    );
}

#[test]
fn step5_the_writer_waits_without_burning_a_core() {
    step(
        5,
        "wait without burning a core: sleep between looks at the state, never spin on it",
    );
    let name = ShmName::unique("step5-idle");
    let mut writer = writer(&name, &["--len", "1000", "--timeout-ms", "3000"]);
    let block = published(&mut writer, &name);
    let before = cpu_seconds(&writer);
    thread::sleep(Duration::from_secs(1)); // injected delay: one second of the writer's wait, to measure
    let after = cpu_seconds(&writer);
    block.set_state(SHM_DONE);
    expect_code(&mut writer, &name, 0, "the harness marked the block done");
    if let (Some(before), Some(after)) = (before, after) {
        // A sleeping waiter uses a few milliseconds; a spinning one all the
        // CPU it gets, a good share of a second even on a busy machine.
        if after - before > 0.1 {
            failure(
                &writer,
                &name,
                format!(
                    "while it waited one second for a reader, the writer used {:.2} s of CPU",
                    after - before
                ),
            )
            .with("expected", "under 0.1 s: a waiter blocks (a futex wait, or a pause of a few ms) between looks at the state") // report text: the test measures CPU time
            .raise();
        }
    }
}

#[test]
fn step5_writer_times_out_without_a_reader() {
    step(
        5,
        "with no reader, the writer gives up after --timeout-ms: unlink, exit 1",
    );
    let name = ShmName::unique("step5-timeout");
    let mut writer = writer(&name, &["--len", "1000", "--timeout-ms", "500"]);
    let block = published(&mut writer, &name);
    let seen = Instant::now();
    expect_code(
        &mut writer,
        &name,
        1,
        "nobody marked the block done within --timeout-ms 500",
    );
    if seen.elapsed() < Duration::from_millis(300) || block.state() != SHM_READY {
        failure(
            &writer,
            &name,
            format!(
                "it exited {} ms after publishing",
                seen.elapsed().as_millis()
            ),
        )
        .with(
            "expected",
            "it waits for state 2 (done) for --timeout-ms 500 before it gives up",
        )
        .raise();
    }
    if !writer.stderr_when_closed(PATIENCE).contains("error:") {
        failure(&writer, &name, "no `error: …` line on stderr").raise();
    }
    expect_gone(&writer, &name, "the writer gave up waiting");
}

#[test]
fn step5_writer_unlinks_on_sigterm() {
    step(
        5,
        "on SIGTERM the writer unlinks its block and exits 1 (`error: interrupted`)",
    );
    let name = ShmName::unique("step5-sigterm");
    let mut writer = writer(&name, &["--len", "1000"]);
    let _block = published(&mut writer, &name);
    let status = writer.terminate(PATIENCE);
    if status.code() != Some(1) {
        failure(
            &writer,
            &name,
            format!(
                "after SIGTERM it exited with {}",
                harness::describe_status(status)
            ),
        )
        .with(
            "expected",
            "exit code 1 after unlinking: by default a signal kills a Rust program at once, \
                 and no cleanup runs; install a handler (signal-hook) that makes the wait return",
        )
        .raise();
    }
    expect_gone(
        &writer,
        &name,
        "the writer was sent SIGTERM while waiting for a reader",
    );
}

#[test]
fn step5_writer_unlinks_on_sigint() {
    step(
        5,
        "on SIGINT (Ctrl-C) the writer unlinks its block and exits 1 (`error: interrupted`)",
    );
    let name = ShmName::unique("step5-sigint");
    let mut writer = writer(&name, &["--len", "1000"]);
    let _block = published(&mut writer, &name);
    let status = interrupt(&mut writer, PATIENCE);
    if status.code() != Some(1) {
        failure(
            &writer,
            &name,
            format!(
                "after SIGINT it exited with {}",
                harness::describe_status(status)
            ),
        )
        .with("expected", "exit code 1 after unlinking the block")
        .raise();
    }
    expect_gone(
        &writer,
        &name,
        "the writer was sent SIGINT while waiting for a reader",
    );
}

// ---------------------------------------------------------------- step 6

/// Your reader, started first, then your writer, on a block of `len` values.
fn together(tag: &str, len: usize) {
    let name = ShmName::unique(tag);
    let mut reader = reader(&name, &[]);
    let len = len.to_string();
    let mut writer = writer(&name, &["--len", &len, "--seed", "5"]);
    let written = mean_line(&mut writer, &name);
    let read = reader.expect_stdout_line("`mean=<value>` line", PATIENCE);
    if read != written {
        failure(
            &reader,
            &name,
            format!("the reader's mean differs from the writer's ({len} values)"),
        )
        .got_vs_expected(read.as_bytes(), written.as_bytes())
        .raise();
    }
    expect_code(&mut reader, &name, 0, "it read the writer's block");
    expect_code(&mut writer, &name, 0, "the reader marked the block done");
    expect_gone(&writer, &name, "both programs are done");
}

#[test]
fn step6_writer_and_reader_together_reader_first() {
    step(
        6,
        "your reader, started first, and your writer print the same mean",
    );
    together("step6-small", 1000);
}

#[test]
fn step6_writer_and_reader_together_on_a_large_block() {
    step(6, "the same on 4,000,000 values (32 MB)");
    together("step6-large", LARGE);
}
