//! The standalone mock (`cargo xtask mock` runs this binary): the spec's examples served on
//! 127.0.0.1 the way Plivo answers, until Ctrl-C. See `plivo_mpc_conformance::mock_server`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use plivo_mpc_conformance::{default_spec_path, mock_server, mount, workspace_root, SpecDocument};

/// Serve the spec's examples on 127.0.0.1 the way Plivo answers, until Ctrl-C.
#[derive(Parser)]
#[command(name = "cargo xtask mock")]
struct Args {
    /// Port to listen on (0 picks a free one; the first line printed names it).
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// The OpenAPI document to serve.
    #[arg(long, value_name = "PATH", default_value_os_t = default_spec_path())]
    spec: PathBuf,
    /// Seconds a connection may take to send its request head before it is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    header_read_timeout: u64,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let Args {
        port,
        spec,
        header_read_timeout,
    } = args;
    let doc = SpecDocument::load(&spec)?;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            format!("127.0.0.1:{port} is already in use; choose another port with --port")
        } else {
            format!("cannot listen on 127.0.0.1:{port}: {e}")
        }
    })?;
    let address = listener.local_addr()?;
    let shown = spec
        .strip_prefix(workspace_root())
        .map(PathBuf::from)
        .unwrap_or_else(|_| spec.clone());
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let timeout = std::time::Duration::from_secs(header_read_timeout);
        let server = mock_server::start_with(&doc, listener, true, timeout).await?;
        println!(
            "serving {} at http://{address} (Ctrl-C stops)",
            shown.display()
        );
        // The seed page's curl command, pointed here, with the spec's example values: one line
        // for the first GET operation, which answers without a body.
        let operations = plivo_mpc_conformance::operations(&doc)?;
        if let Some(op) = operations.iter().find(|op| op.method == "GET") {
            let auth_id = mount::example_path_value(op, "auth_id").unwrap_or_default();
            if let Ok(path) = mount::example_path(op) {
                println!(
                    "try: curl -i --user {auth_id}:AUTH_TOKEN {}{path}",
                    server.uri()
                );
            }
        }
        tokio::signal::ctrl_c().await?;
        drop(server);
        println!("stopped");
        Ok(())
    })
}
