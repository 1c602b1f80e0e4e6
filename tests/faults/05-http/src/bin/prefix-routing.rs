//! Fault: routes match by prefix (`path.starts_with("/about")`), so
//! `/about/team` and `/aboutus` get the About page instead of a 404.
//!
//! replaces: http-server
//! rejected-by: step2_unknown_paths_get_404

use http_server::request::Request;
use http_server::response::Response;
use http_server::site;
use http_server_faults::serve_site;

/// Routes by prefix: the mistake.
fn route(request: &Request) -> Response {
    let path = request.path();
    let target = ["/about", "/contact"]
        .into_iter()
        .find(|page| path.starts_with(page));
    match target {
        Some(page) => site::route(&Request {
            target: page,
            ..*request
        }),
        None => site::route(request),
    }
}

fn main() {
    serve_site(route);
}
