//! grade's command line.

use std::path::PathBuf;
use std::time::Duration;

use crate::kit;

pub const USAGE: &str = "\
usage: cargo xtask grade [options]

  --exercise NAME       grade this exercise only (folder or crate name; repeatable)
  --submission DIR      the checkout to grade: its exercises/*/src and [dependencies], or exercises/*/bin/<program>
  --format FORMAT       text (default), json (Gradescope results.json) or junit
  --out FILE            write the report there (default: stdout)
  --timeout-s N         time for one exercise's tests (default 300)
  --test-timeout-s N    time for one test (default 60)
  --build-timeout-s N   time for one exercise's build (default 1200)
  --require-pass        exit 1 unless every test passed (the report is written anyway)
  --require-sandbox     refuse to grade unless the programs run as the sandbox user, unable to read the kit
  --offline             build without the network (after one `cargo fetch`)
  --work-dir DIR        where the builds are made, outside the kit (default: $TMPDIR/ipc-kit-grade)";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Junit,
}

pub struct Options {
    pub only: Vec<String>,
    pub submission: PathBuf,
    pub format: Format,
    pub out: Option<PathBuf>,
    pub timeout: Duration,
    pub test_timeout: Duration,
    pub build_timeout: Duration,
    pub require_pass: bool,
    pub require_sandbox: bool,
    pub offline: bool,
    pub work: PathBuf,
    /// The kit whose tests grade (this one; another only in xtask's own tests).
    pub kit: PathBuf,
}

pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        only: Vec::new(),
        submission: kit::root(),
        format: Format::Text,
        out: None,
        timeout: Duration::from_secs(300),
        test_timeout: Duration::from_secs(60),
        build_timeout: Duration::from_secs(1200),
        require_pass: false,
        require_sandbox: false,
        offline: false,
        work: std::env::temp_dir().join("ipc-kit-grade"),
        kit: kit::root(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or(format!("grade: {arg} needs a value\n\n{USAGE}"))
        };
        let seconds = |text: String| -> Result<Duration, String> {
            text.parse::<f64>()
                .ok()
                .filter(|s| *s > 0.0 && s.is_finite())
                .map(Duration::from_secs_f64)
                .ok_or(format!(
                    "grade: {arg} takes a number of seconds, not {text:?}"
                ))
        };
        match arg.as_str() {
            "--exercise" => options.only.push(value()?),
            "--submission" => options.submission = absolute(value()?),
            "--format" => {
                options.format = match value()?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "junit" => Format::Junit,
                    other => {
                        return Err(format!(
                            "grade: --format is text, json or junit, not {other:?}"
                        ))
                    }
                }
            }
            "--out" => options.out = Some(absolute(value()?)),
            "--timeout-s" => options.timeout = seconds(value()?)?,
            "--test-timeout-s" => options.test_timeout = seconds(value()?)?,
            "--build-timeout-s" => options.build_timeout = seconds(value()?)?,
            "--require-pass" => options.require_pass = true,
            "--require-sandbox" => options.require_sandbox = true,
            "--offline" => options.offline = true,
            "--work-dir" => options.work = absolute(value()?),
            "--kit" => options.kit = absolute(value()?),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("grade: unknown argument {other}\n\n{USAGE}")),
        }
    }
    Ok(options)
}

fn absolute(path: String) -> PathBuf {
    std::path::absolute(&path).unwrap_or_else(|_| PathBuf::from(path))
}
