//! Fault: only `HTTP/1.1` is served; an `HTTP/1.0` request gets a 505.
//!
//! replaces: http-server
//! rejected-by: step3_http_1_0_is_served

use http_server::request::Request;
use http_server::response::{Response, Status};
use http_server::site;
use http_server_faults::serve_site;

/// Versions compared to 1.1 exactly: the mistake.
fn route(request: &Request) -> Response {
    if request.version != (1, 1) {
        return Response::error(Status::HTTP_VERSION_NOT_SUPPORTED);
    }
    site::route(request)
}

fn main() {
    serve_site(route);
}
