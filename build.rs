//! Links the C++ standard library statically into iijwh's binaries.
//!
//! DuckDB's sys crate asks for `-lstdc++`, which the linker resolves to libstdc++.so: every
//! process start then binds thousands of symbols by name (libstdc++'s own relocations, and the
//! typeinfo and vtable references of DuckDB's classes), ~0.5 ms of every command. A search
//! directory holding only `libstdc++.a`, searched before the system's, makes the same `-lstdc++`
//! take the archive. Where the compiler has no archive, the shared library is linked as before.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CXX");
    let compiler = std::env::var("CXX").unwrap_or_else(|_| "c++".to_string());
    let Ok(out) = Command::new(&compiler)
        .arg("-print-file-name=libstdc++.a")
        .output()
    else {
        return;
    };
    let archive = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    // Without the archive, the compiler prints the bare name back.
    if !archive.is_absolute() || !archive.exists() {
        return;
    }
    let Ok(out_dir) = std::env::var("OUT_DIR") else {
        return;
    };
    let dir = PathBuf::from(out_dir).join("static-cxx");
    let link = dir.join("libstdc++.a");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::remove_file(&link);
    if std::os::unix::fs::symlink(&archive, &link).is_ok() {
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
}
