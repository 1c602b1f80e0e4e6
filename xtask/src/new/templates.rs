//! The text of every file `xtask new` writes, with `@name@` placeholders
//! filled in from the exercise's [`Names`].

use std::path::PathBuf;

use super::{Bin, Names};

/// Every file of the skeleton, by its path in the kit.
pub fn files(names: &Names) -> Vec<(PathBuf, String)> {
    let dir = &names.dir;
    let mut files = vec![
        (
            format!("exercises/{dir}/Cargo.toml"),
            fill(STUB_MANIFEST, names) + &bin_targets(names) + &fill(TEST_TARGET, names),
        ),
        (format!("exercises/{dir}/src/lib.rs"), stub_lib(names)),
        (format!("exercises/{dir}/README.md"), readme(names)),
        (
            format!("solutions/{dir}/Cargo.toml"),
            fill(SOLUTION_MANIFEST, names) + &fill(TEST_TARGET, names),
        ),
        (
            format!("solutions/{dir}/src/lib.rs"),
            fill(SOLUTION_LIB, names),
        ),
        (format!("tests/{}.rs", names.ident), tests(names)),
        (
            format!("tests/faults/{dir}/Cargo.toml"),
            faults_manifest(names),
        ),
        (
            format!("tests/faults/{dir}/src/lib.rs"),
            fill(FAULTS_LIB, names),
        ),
    ];
    for bin in &names.bins {
        let name = &bin.name;
        files.push((
            format!("exercises/{dir}/src/bin/{name}.rs"),
            fill_bin(STUB_BIN, names, bin),
        ));
        files.push((
            format!("solutions/{dir}/src/bin/{name}.rs"),
            fill_bin(SOLUTION_BIN, names, bin),
        ));
    }
    files
        .into_iter()
        .map(|(path, text)| (PathBuf::from(path), text))
        .collect()
}

fn fill(template: &str, names: &Names) -> String {
    template
        .replace("@dir@", &names.dir)
        .replace("@number@", &names.number)
        .replace("@title@", &names.title)
        .replace("@crate@", &names.krate)
        .replace("@ident@", &names.ident)
        .replace("@port@", &port(names))
        .replace("@bins@", &bin_list(names))
        .replace("@args@", &args_list(names))
}

fn fill_bin(template: &str, names: &Names, bin: &Bin) -> String {
    let (what, todo) = match bin.server {
        true => (
            "a server: TODO say what it serves, in a sentence",
            "\"README step 1: bind {}:{}, print `listening on <addr>`, then answer each line\",\n        args.host,\n        args.port",
        ),
        false => (
            "a client: TODO say what it does, in a sentence",
            "\"README step 1: connect to {}; with no server there, exit 1 with `error: …` on stderr\",\n        args.server",
        ),
    };
    fill(template, names)
        .replace("@bin@", &bin.name)
        .replace("@Args@", &bin.args)
        .replace("@what@", what)
        .replace("@todo@", todo)
}

/// The servers' default port: 9000 plus the exercise's number.
fn port(names: &Names) -> String {
    (9000 + names.number.parse::<u16>().unwrap_or(0)).to_string()
}

/// `` `a` and `b` ``.
fn bin_list(names: &Names) -> String {
    let quoted: Vec<String> = names.bins.iter().map(|b| format!("`{}`", b.name)).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// `ServerArgs, ClientArgs`.
fn args_list(names: &Names) -> String {
    let args: Vec<&str> = names.bins.iter().map(|b| b.args.as_str()).collect();
    args.join(", ")
}

fn ident(name: &str) -> String {
    name.replace('-', "_")
}

/// The test of step 1 for `bin`, named as `verify` and the hostile
/// declarations expect.
fn step1_test(bin: &Bin) -> String {
    match bin.server {
        true => format!("step1_{}_answers_a_line", ident(&bin.name)),
        false => format!("step1_{}_fails_without_a_server", ident(&bin.name)),
    }
}

const STUB_MANIFEST: &str = r#"[package]
name = "@crate@"
version = "0.1.0"
description = "Exercise @number@: @title@ (your work goes here)"
edition.workspace = true
publish.workspace = true
license.workspace = true

[lints]
workspace = true

# The programs' command lines, given (src/lib.rs): the reference solution
# parses them with this very code. It has no unit tests of its own.
[lib]
name = "@ident@"
test = false
doctest = false

[dependencies]
clap.workspace = true

[dev-dependencies]
harness.workspace = true

# The binaries have no unit tests of their own (the tests are in tests/):
# `test = false` keeps `cargo test` from printing an empty block for each.
"#;

fn bin_targets(names: &Names) -> String {
    let mut text = String::new();
    for bin in &names.bins {
        text.push_str(&format!(
            "[[bin]]\nname = \"{0}\"\npath = \"src/bin/{0}.rs\"\ntest = false\n\n",
            bin.name
        ));
    }
    text
}

const TEST_TARGET: &str = r#"# The tests live in the kit's tests/ folder, shared by the stub and the solution.
[[test]]
name = "@ident@"
path = "../../tests/@ident@.rs"
"#;

fn stub_lib(names: &Names) -> String {
    let mut text = fill(
        r#"//! @crate@: the command lines of @bins@, given. The tests run the
//! programs with these flags, and the reference solution parses them with
//! this very code.

use clap::Parser;
"#,
        names,
    );
    for bin in &names.bins {
        let fields = match bin.server {
            true => format!(
                r#"    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = {})]
    pub port: u16,"#,
                port(names)
            ),
            false => r#"    /// The server, as host:port.
    #[arg(long)]
    pub server: String,"#
                .to_string(),
        };
        text.push_str(&format!(
            "\n/// {}: TODO say what it does, in a sentence (its --help shows this line).\n\
             #[derive(Parser, Debug)]\n#[command(version)]\npub struct {} {{\n{fields}\n}}\n",
            bin.name, bin.args
        ));
    }
    text
}

const STUB_BIN: &str = r#"//! @bin@: @what@. Your task is in README.md, step 1.

use @ident@::@Args@;
use clap::Parser;

fn main() {
    let args = @Args@::parse();
    todo!(
        @todo@
    );
}
"#;

fn readme(names: &Names) -> String {
    let server = names.bins.iter().find(|b| b.server);
    let by_hand = match server {
        Some(server) => format!(
            "cargo run -q --bin {} -- --port {}\nnc 127.0.0.1 {}            # in a second terminal: type a line",
            server.name,
            port(names),
            port(names)
        ),
        None => format!("cargo run -q --bin {} -- --help", names.bins[0].name),
    };
    let step1: Vec<String> = names
        .bins
        .iter()
        .map(|bin| match bin.server {
            true => format!(
                "- `{}` prints `listening on <addr>` (the address it bound), then answers each line \
                 with that line (`{}`).",
                bin.name,
                step1_test(bin)
            ),
            false => format!(
                "- `{}` with no server at `--server` exits 1 with an `error: …` line on stderr \
                 (`{}`).",
                bin.name,
                step1_test(bin)
            ),
        })
        .collect();
    fill(README, names)
        .replace("@by-hand@", &by_hand)
        .replace("@step1@", &step1.join("\n"))
}

const README: &str = r#"# @number@ @title@: TODO a title

Concepts: TODO the concepts, comma-separated (`cargo xtask list` shows this line).

TODO: what you build, in a paragraph: @bins@.

Check your work at any time:

```sh
cargo test -p @crate@                 # all steps
cargo test -p @crate@ step1_          # one step (end it with `_`: `step1` would match `step10_…` too)
```

Each test is named after the step it checks (`step1_…`, `step2_…`), and a failing test tells you what it
sent, what came back, what it expected and how to try it by hand.

Try it by hand:

```sh
@by-hand@
```

## Step 1: TODO a title

TODO: what step 1 asks, and why. For now the tests of this step ask:

@step1@

## Hints

### Step 1

TODO: a hint for step 1 (`cargo xtask hint @crate@ 1` prints it).

## After it passes

TODO: what to try next, what the lecture builds on it.
"#;

const SOLUTION_MANIFEST: &str = r#"[package]
name = "@crate@-solution"
version = "0.1.0"
description = "Exercise @number@, reference solution: TODO"
edition.workspace = true
publish.workspace = true
license.workspace = true

[lints]
workspace = true

[dependencies]
clap.workspace = true
# For its command lines only: the exercise crate's src/lib.rs, written once.
@crate@ = { path = "../../exercises/@dir@" }

[dev-dependencies]
harness.workspace = true

"#;

const SOLUTION_LIB: &str = r#"//! @crate@'s reference solution: what its programs share, for them and for
//! the faults (tests/faults/@dir@), which reuse it for all but their mistake.
//!
//! The command lines are the exercise crate's own (exercises/@dir@/src/lib.rs),
//! re-exported: the stub, the solution and the faults parse the same flags.

pub use @ident@::{@args@};
"#;

const SOLUTION_BIN: &str = r#"//! @bin@: the reference solution. TODO: write it for a lecture, top to
//! bottom, doc comments saying why.

use @ident@_solution::@Args@;
use clap::Parser;

fn main() {
    let args = @Args@::parse();
    todo!(
        @todo@
    );
}
"#;

fn tests(names: &Names) -> String {
    let servers = names.bins.iter().any(|b| b.server);
    let clients = names.bins.iter().any(|b| !b.server);
    let mut imports = vec!["program", "step"];
    if clients {
        imports.extend(["Client", "RefusedTcpPort"]);
    }
    if servers {
        imports.extend(["Server", "TcpConn"]);
    }
    if clients {
        imports.push("PATIENCE");
    }
    let mut text = fill(
        r#"//! Exercise @number@, @title@: the tests of @bins@.
//!
//! Each test is named after the README step it checks and starts with
//! `step(N, …)`; the harness spawns the programs, holds every deadline and
//! writes the report a student reads.

"#,
        names,
    );
    text.push_str(&format!("use harness::{{{}}};\n", imports.join(", ")));
    for bin in &names.bins {
        let body = match bin.server {
            true => format!(
                r#"    step(
        1,
        "print `listening on <addr>`, then answer a line with that line",
    );
    let server = Server::start(program!("{}"), &[]);
    let mut conn = TcpConn::to(&server, "nc {{addr}}");
    conn.send_line("hello");
    conn.expect_line_why("hello", "the server answers each line with that line");"#,
                bin.name
            ),
            false => format!(
                r#"    step(1, "with no server, exit 1 with `error: …` on stderr");
    let refused = RefusedTcpPort::bind();
    let run = Client::new(program!("{}"))
        .args(["--server", &refused.addr().to_string()])
        .deadline(PATIENCE)
        .run();
    run.expect_code(1, "nothing listens on that port");
    if !run.stderr().lines().any(|l| l.starts_with("error: ")) {{
        run.failure("no `error: …` line on stderr").raise();
    }}"#,
                bin.name
            ),
        };
        text.push_str(&format!(
            "\n#[test]\nfn {}() {{\n{body}\n}}\n",
            step1_test(bin)
        ));
    }
    text
}

fn faults_manifest(names: &Names) -> String {
    let mut hostile = String::new();
    for bin in &names.bins {
        let fixtures = match bin.server {
            true => r#"["exits-at-once", "never-listens", "silent-server"]"#,
            false => r#"["never-exits"]"#,
        };
        hostile.push_str(&format!(
            "{} = {{ fixtures = {fixtures}, rejected-by = \"{}\" }}\n",
            bin.name,
            step1_test(bin)
        ));
    }
    fill(FAULTS_MANIFEST, names).replace("@hostile@", &hostile)
}

const FAULTS_MANIFEST: &str = r#"[package]
name = "@crate@-faults"
version = "0.1.0"
description = "Exercise @number@: faulty solutions that the tests must reject"
edition.workspace = true
publish.workspace = true
license.workspace = true

[lints]
workspace = true

# The hostile fixtures (bins of tests/faults/hostile) that verify runs in place
# of each program, and the test that must reject them within 5 s.
[package.metadata.hostile]
@hostile@
[dependencies]
clap.workspace = true
@crate@-solution = { path = "../../../solutions/@dir@" }
"#;

const FAULTS_LIB: &str = r#"//! @crate@'s faults: each bin of src/bin/ is the reference solution with
//! exactly one classic mistake, reusing `@ident@_solution` for all the rest,
//! and names in its header the test that must reject it:
//!
//! ```text
//! //! Fault: the mistake, in a sentence, and what it breaks.
//! //!
//! //! replaces: <program>
//! //! rejected-by: step1_…
//! ```
//!
//! What several faults share goes here.
"#;

/// The root README's exercise table with a row for the new exercise, in
/// number order; `None` when the README has no such table.
pub fn readme_with_row(text: &str, names: &Names) -> Option<String> {
    let row = fill(
        "| [@number@ @title@](exercises/@dir@/README.md) | `@crate@` | TODO what you build | TODO concepts |",
        names,
    );
    let lines: Vec<&str> = text.lines().collect();
    let rows: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("| [") && lines[i].contains("](exercises/"))
        .collect();
    let last = *rows.last()?;
    let at = rows
        .iter()
        .copied()
        .find(|&i| lines[i]["| [".len()..].get(..2) > Some(names.number.as_str()))
        .unwrap_or(last + 1);
    let mut out: Vec<&str> = lines[..at].to_vec();
    out.push(&row);
    out.extend(&lines[at..]);
    Some(out.join("\n") + "\n")
}

pub fn grading_note(names: &Names) -> String {
    fill(
        "\n# [@dir@]: every test is worth one point until a section here weighs them.\n",
        names,
    )
}

pub fn next_steps(names: &Names) -> String {
    fill(
        r#"
Next:
  1. cargo xtask verify --exercise @dir@
     The stub fails every test, as it must, and the hostile fixtures are rejected. The solution
     fails the tests too until you write it (solutions/@dir@/src/bin/*.rs stop at todo!()):
     verify's rows for it say FAIL until then.
  2. Write the README's steps (exercises/@dir@/README.md: the TODOs, a `### Step N` hint per step),
     the tests (tests/@ident@.rs: `stepN_…`, each starting with step(N, …)), and the solution.
  3. Add the faults: tests/faults/@dir@/src/bin/<fault>.rs, each the solution with one mistake;
     adjust the hostile declarations in tests/faults/@dir@/Cargo.toml to the tests you wrote.
  4. Fill in the row of the README's table; weigh the tests in grading.toml if one point each is wrong.
See docs/adding-an-exercise.md."#,
        names,
    )
}
