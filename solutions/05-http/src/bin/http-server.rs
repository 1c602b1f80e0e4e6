//! http-server: a small HTTP/1.1 server. It serves `/`, `/about` and
//! `/contact`, answers 404 for any other path, and refuses what it does not
//! understand with the status code that says why.
//!
//! Every connection has a thread of its own: a client that connects and
//! sends nothing (or trickles its request a byte a second) blocks only its
//! own thread, so everyone else is served. Each connection is closed 10 s
//! after it was accepted if its request has not come by then, so such
//! threads are not held for ever.
//!
//! # Threads are reused, not spawned per request
//!
//! The first version of this server spawned a thread in the accept loop for
//! each connection: `thread::spawn(move || handle(stream))`. That is right,
//! and it is what the exercise asks, but with one request per connection it
//! starts and ends a thread for every request, and starting a thread (a
//! stack to map, a clone, the scheduler) costs about as much as serving the
//! request. Under load it halved the requests per second, next to nginx.
//!
//! So here the threads take turns at `accept` instead. Each one loops:
//! accept a connection, serve it, accept again. The kernel hands each new
//! connection to one of the threads waiting in `accept` on the shared
//! listener. `waiting` counts them, and one rule keeps the old guarantee:
//! **a thread that accepts the last waiting place starts a new thread before
//! it serves**. So there is always a thread in `accept`, however many clients
//! stay silent; the pool grows to the most connections ever open at once,
//! and stays at that size with no spawn at all while the load is steady. After
//! a burst, a thread that finds [`SPARE`] others already waiting exits.
//!
//! One more wake-up is saved by [`defer_accept`]: the kernel hands over a
//! connection once its request has come, so the thread that accepts it
//! reads at once instead of going back to sleep. (`bench/http/run.sh`
//! measures both: the CPU time per request fell from about 1.4 x nginx's to
//! 1.1 x.)

use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use clap::Parser;
use http_server::{connection, site, Args};

/// How many idle threads to keep waiting in `accept` after a burst; a thread
/// that would be one more exits.
const SPARE: usize = 32;

/// What the threads share: the listening socket, and how many of them are
/// waiting in (or on their way to) `accept`.
struct Pool {
    listener: TcpListener,
    waiting: AtomicUsize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let listener = match TcpListener::bind((args.host.as_str(), args.port)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot bind {}:{}: {err}", args.host, args.port);
            return ExitCode::from(1);
        }
    };
    // The address actually bound: with --port 0 this is where the OS put us.
    println!(
        "listening on {}",
        listener
            .local_addr()
            .expect("a bound socket has an address")
    );

    defer_accept(&listener);

    // The main thread is the pool's first thread: it never exits (it is
    // never a spare, see `serve`), so neither does the server.
    let pool = Arc::new(Pool {
        listener,
        waiting: AtomicUsize::new(1),
    });
    serve(&pool, false);
    ExitCode::SUCCESS
}

/// One thread of the pool: accept, serve, accept again, until it is a spare
/// (never, for the main thread: `may_retire` is false).
fn serve(pool: &Arc<Pool>, may_retire: bool) {
    loop {
        let accepted = pool.listener.accept();
        // We were waiting; now we are not. If we were the last one waiting,
        // start the next before serving, so the listener is never left alone.
        if pool.waiting.fetch_sub(1, Ordering::SeqCst) == 1 {
            start_thread(pool);
        }
        match accepted {
            Ok((stream, _)) => connection::handle(stream, site::route),
            // A client that reset before we accepted it, or no file
            // descriptors left: that client's problem, not a reason to stop.
            Err(err) => eprintln!("accept failed: {err}"),
        }
        if pool.waiting.fetch_add(1, Ordering::SeqCst) >= SPARE && may_retire {
            pool.waiting.fetch_sub(1, Ordering::SeqCst);
            return;
        }
    }
}

/// Starts one more thread of the pool, counted as waiting from now on.
fn start_thread(pool: &Arc<Pool>) {
    pool.waiting.fetch_add(1, Ordering::SeqCst);
    let pool_for_thread = Arc::clone(pool);
    let spawned = thread::Builder::new().spawn(move || serve(&pool_for_thread, true));
    // Out of threads: the pool does not grow this time. The connection we
    // hold is still served, and the next waits until a thread is free.
    if let Err(err) = spawned {
        pool.waiting.fetch_sub(1, Ordering::SeqCst);
        eprintln!("cannot start a thread: {err}");
    }
}

/// Asks the kernel to hand over a connection only once its first bytes have
/// come (`TCP_DEFER_ACCEPT`, Linux), so that the thread woken by `accept`
/// finds the request there, instead of being put to sleep again at once by
/// its first `read`. A client that sends nothing is accepted all the same
/// after a second or so, and then has its 10 s. Only a hint: if it fails,
/// nothing changes but the speed.
fn defer_accept(listener: &TcpListener) {
    use std::os::fd::AsRawFd;
    let seconds: libc::c_int = 1;
    // SAFETY: a valid socket, and a pointer to an int with its size, as
    // setsockopt(2) takes them for this option. (std has no method for it.)
    unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_DEFER_ACCEPT,
            (&seconds as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}
