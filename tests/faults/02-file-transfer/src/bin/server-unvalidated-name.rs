//! Fault: the server joins the client's name to its directory without
//! checking it, so `../x` lands beside the directory and an absolute path
//! replaces any file the server may write.
//!
//! replaces: file-server
//! rejected-by: step5_server_refuses_hostile_names

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::UnvalidatedName)
}
