//! Fault: a pool of 4 worker threads, each serving one connection to its end:
//! the fifth client to stay connected waits until one of the first four
//! leaves.
//!
//! replaces: calc-server
//! rejected-by: step6_20_clients_at_once_200_expressions_each

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use calculator_faults::{bind, serve};

fn main() {
    let listener = bind();
    let (queue, jobs) = mpsc::channel();
    let jobs = Arc::new(Mutex::new(jobs));
    for _ in 0..4 {
        let jobs = Arc::clone(&jobs);
        thread::spawn(move || loop {
            let next = jobs.lock().unwrap().recv();
            let Ok(stream) = next else { return };
            let _ = serve(&stream, calculator::answer);
        });
    }
    for stream in listener.incoming().flatten() {
        queue.send(stream).unwrap();
    }
}
