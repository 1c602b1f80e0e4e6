//! The student's build, run as the sandbox user.
//!
//! Compiling is running code: `include!("…/solutions/…")` in a submission's
//! `src/` would copy the reference solution in, if the compiler could read the
//! kit. So when grade runs as root, cargo and rustc run as the sandbox user,
//! who cannot read the kit. That user cannot reach the toolchain or the crates
//! either (they live under `/root`, which is 0700), so grade gives it its own,
//! once, in the work dir:
//!
//! - `<work>/toolchain/`: the sysroot's `bin/` and `lib/`, hard-linked (a copy
//!   when the work dir is on another file system), so nothing is duplicated;
//! - `<work>/vendor/`: the crates of the kit's `Cargo.lock` (`cargo vendor`;
//!   with `--offline`, from cargo's cache, filled by one `cargo fetch`), so
//!   the student's build itself never needs the network;
//! - `<work>/student-home/`: a `CARGO_HOME` of the user's, whose config sends
//!   every crate to the vendored copy.
//!
//! Each is made again only when the toolchain or the lock file changes.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a build as the sandbox user needs.
pub struct AsUser {
    pub uid: libc::uid_t,
    pub gid: libc::gid_t,
    toolchain: PathBuf,
    home: PathBuf,
}

impl AsUser {
    /// Readies the toolchain, the vendored crates and the user's `CARGO_HOME`
    /// under `work` (root's, 0711: the user may pass, not list).
    pub fn prepare(
        work: &Path,
        kit: &Path,
        uid: libc::uid_t,
        gid: libc::gid_t,
        offline: bool,
    ) -> Result<AsUser, String> {
        let toolchain = work.join("toolchain");
        let sysroot = output(Command::new("rustc").args(["--print", "sysroot"]))?;
        let version = output(Command::new("rustc").arg("-vV"))?;
        let stamp = format!("{sysroot}\n{version}");
        if read(&toolchain.join(".stamp")) != stamp {
            let _ = fs::remove_dir_all(&toolchain);
            fs::create_dir_all(&toolchain).map_err(|e| format!("{}: {e}", toolchain.display()))?;
            for part in ["bin", "lib"] {
                let from = Path::new(&sysroot).join(part);
                // Hard links first (instant, nothing copied); a copy otherwise.
                let linked = Command::new("cp")
                    .arg("-al")
                    .arg(&from)
                    .arg(&toolchain)
                    .status();
                if !linked.is_ok_and(|s| s.success()) {
                    run(Command::new("cp").arg("-a").arg(&from).arg(&toolchain))?;
                }
            }
            write(&toolchain.join(".stamp"), &stamp)?;
        }

        let vendor = work.join("vendor");
        let lock = read(&kit.join("Cargo.lock"));
        if read(&vendor.join(".stamp")) != lock {
            let _ = fs::remove_dir_all(&vendor);
            let mut command = crate::cargo::command();
            command
                .current_dir(kit)
                .args(["vendor", "--locked", "--versioned-dirs", "--quiet"])
                .arg(&vendor);
            if offline {
                command.arg("--offline");
            }
            run(&mut command).map_err(|e| {
                format!(
                    "{e} (the kit's crates must be in cargo's cache: run `cargo fetch` in the kit)"
                )
            })?;
            // A kit with no dependencies vendors nothing, not even the folder.
            fs::create_dir_all(&vendor).map_err(|e| format!("{}: {e}", vendor.display()))?;
            write(&vendor.join(".stamp"), &lock)?;
        }

        let home = work.join("student-home");
        fs::create_dir_all(&home).map_err(|e| format!("{}: {e}", home.display()))?;
        write(
            &home.join("config.toml"),
            &format!(
                "# Written by cargo xtask grade: the sandbox user's builds use the kit's\n\
                 # vendored crates, and nothing else.\n\
                 [source.crates-io]\nreplace-with = \"kit\"\n\n\
                 [source.kit]\ndirectory = \"{}\"\n\n[net]\noffline = true\n",
                vendor.display()
            ),
        )?;
        chown_tree(&home, uid, gid)?;
        Ok(AsUser {
            uid,
            gid,
            toolchain,
            home,
        })
    }

    /// `cargo` as the sandbox user: its own copy of the toolchain, its own
    /// `CARGO_HOME`, and none of grade's environment.
    pub fn cargo(&self) -> Command {
        let bin = self.toolchain.join("bin");
        let mut command = Command::new(bin.join("cargo"));
        command
            .env_clear()
            .env(
                "PATH",
                format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display()),
            )
            .env("HOME", &self.home)
            .env("CARGO_HOME", &self.home)
            .env("RUSTC", bin.join("rustc"))
            .env("LANG", "C.UTF-8")
            .uid(self.uid)
            .gid(self.gid);
        command
    }

    /// Makes the student's workspace (written by grade, as root) the user's.
    pub fn hand_over(&self, dir: &Path) -> Result<(), String> {
        chown_tree(dir, self.uid, self.gid)
    }
}

/// Gives `dir` and everything in it to `uid`, skipping a `target` folder that
/// is the user's already (its builds; one left by a build as root is taken too).
fn chown_tree(dir: &Path, uid: libc::uid_t, gid: libc::gid_t) -> Result<(), String> {
    std::os::unix::fs::lchown(dir, Some(uid), Some(gid))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    if dir.is_dir() {
        for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            let theirs = fs::symlink_metadata(&path).is_ok_and(|m| {
                use std::os::unix::fs::MetadataExt;
                m.uid() == uid
            });
            if path.file_name().is_some_and(|n| n == "target") && theirs {
                continue;
            }
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                chown_tree(&path, uid, gid)?;
            } else {
                std::os::unix::fs::lchown(&path, Some(uid), Some(gid))
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}

fn output(command: &mut Command) -> Result<String, String> {
    let out = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn run(command: &mut Command) -> Result<(), String> {
    output(command).map(|_| ())
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_default()
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
