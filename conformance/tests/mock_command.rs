//! The mock binary (`cargo xtask mock` runs it) as a person runs it: it prints where it listens, logs each request, stops
//! cleanly on Ctrl-C, and says so when its port is taken.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn spawn(port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_plivo-mpc-mock"))
        .args(["--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn serves_logs_and_stops_on_ctrl_c() {
    let mut child = spawn(0);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no base URL in {first:?}"))
        .to_owned();
    let mut curl = String::new();
    stdout.read_line(&mut curl).unwrap();
    assert!(curl.starts_with("try: curl -i --user "), "{curl}");
    let url = curl.split_whitespace().last().unwrap().to_owned();
    assert!(url.starts_with(&base), "{url}");
    let user = curl
        .split_whitespace()
        .nth(4)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .to_owned();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .get(&url)
            .basic_auth(user, Some("t"))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status.as_u16(), 200);

    // The mock is stopped once its log shows the request. A mock that never logs it would keep
    // this test reading for ever (cargo-mutants: `SpecMock::log` doing nothing hung here until
    // its 240 s timeout): after 60 s the watchdog kills it, its output ends, and the asserts
    // below fail. The child is not reaped before `done` is sent, so its id is still its own.
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let pid = child.id().to_string();
    let watchdog = std::thread::spawn(move || {
        if finished
            .recv_timeout(std::time::Duration::from_secs(60))
            .is_err()
        {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
        }
    });
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if line.contains("-> 200") {
            lines.push(line);
            // Ctrl-C, as a terminal sends it.
            Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .unwrap();
        } else {
            lines.push(line);
        }
    }
    let _ = done.send(());
    watchdog.join().unwrap();
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let log = lines.concat();
    assert!(log.contains("GET /v1/Account/"), "{log}");
    assert!(log.contains("-> 200 (example 200-"), "{log}");
    assert!(log.ends_with("stopped\n"), "{log}");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = spawn(port).wait_with_output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("127.0.0.1:{port} is already in use")),
        "{stderr}"
    );
}
