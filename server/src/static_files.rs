//! The site's build output under `/pkg` (WASM, JS, CSS), served precompressed.
//!
//! The site build (`build_site` in `scripts/tools.sh`) writes a Brotli (`.br`) and a gzip
//! (`.gz`) copy next to each file; a browser that accepts one gets it with `Content-Encoding`
//! (the WASM bundle goes from 1.9 MB to about half a megabyte on the wire). Nothing is
//! compressed per request: the CPU stays with the app, and no page carrying a session's data
//! is ever compressed (BREACH).
//!
//! A site rebuilt by `cargo leptos` alone has no copies, or copies older than their files;
//! then the files are served as they are, never a stale copy.

use std::{
    path::{Path, PathBuf},
    time::SystemTime,
};

use axum::{
    http::{header, HeaderValue},
    Router,
};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// The names do not change between builds, so a browser keeps its copy but asks whether it is
/// still current (`If-Modified-Since`, answered 304) before each use.
const CACHE_CONTROL: HeaderValue = HeaderValue::from_static("no-cache");

/// The extensions of the precompressed copies, as `ServeDir` looks for them.
const COPY_EXTENSIONS: [&str; 2] = ["br", "gz"];

/// The `pkg` folder, mounted at `/pkg`; with the precompressed copies when they are current.
pub fn router(pkg_dir: &Path) -> Router {
    let files = ServeDir::new(pkg_dir);
    // `cargo leptos watch` rebuilds the files under a running server, and only them.
    let copies = if std::env::var_os("LEPTOS_WATCH").is_some() {
        Copies::None
    } else {
        copies_of(pkg_dir)
    };
    let files = match copies {
        Copies::Current => files.precompressed_br().precompressed_gzip(),
        Copies::None => {
            tracing::info!(
                "{} holds no precompressed copies: its files are served uncompressed \
                 (build the site with `make run` to have them)",
                pkg_dir.display()
            );
            files
        }
        Copies::Stale(copy) => {
            tracing::warn!(
                "{} is older than the file it compresses (the site was rebuilt without \
                 scripts/precompress.mjs): serving every file uncompressed rather than an old \
                 copy. Run `node scripts/precompress.mjs {}` or delete the .br and .gz files.",
                copy.display(),
                pkg_dir.display()
            );
            files
        }
    };
    Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            CACHE_CONTROL,
        ))
        // The same URL has several bodies; a shared cache must keep them apart.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
}

#[derive(Debug, PartialEq)]
enum Copies {
    /// Every copy is at least as new as its file, and there is at least one.
    Current,
    None,
    /// This copy is older than its file, or its file is gone.
    Stale(PathBuf),
}

fn copies_of(pkg_dir: &Path) -> Copies {
    let Ok(entries) = std::fs::read_dir(pkg_dir) else {
        return Copies::None;
    };
    let mut found = false;
    for path in entries.flatten().map(|entry| entry.path()) {
        let is_copy = path
            .extension()
            .is_some_and(|ext| COPY_EXTENSIONS.iter().any(|copy| ext == *copy));
        if !is_copy {
            continue;
        }
        found = true;
        let original = path.with_extension("");
        match (modified(&original), modified(&path)) {
            (Some(original), Some(copy)) if copy >= original => {}
            _ => return Copies::Stale(path),
        }
    }
    if found {
        Copies::Current
    } else {
        Copies::None
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{fs::File, time::Duration};

    /// A fresh folder under the system's temporary one, removed when dropped.
    struct Folder(PathBuf);
    impl Folder {
        fn new(test: &str) -> Self {
            let path =
                std::env::temp_dir().join(format!("portico-static-{}-{test}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }
        fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn write(dir: &Path, name: &str, age: Duration) {
        let file = File::create(dir.join(name)).unwrap();
        file.set_modified(SystemTime::now() - age).unwrap();
    }

    #[test]
    fn copies_are_current_only_when_none_is_older_than_its_file() {
        let dir = Folder::new("current");
        assert_eq!(copies_of(dir.path()), Copies::None);
        write(dir.path(), "portico.wasm", Duration::from_secs(60));
        assert_eq!(copies_of(dir.path()), Copies::None);
        write(dir.path(), "portico.wasm.br", Duration::from_secs(30));
        write(dir.path(), "portico.wasm.gz", Duration::from_secs(30));
        assert_eq!(copies_of(dir.path()), Copies::Current);

        // The WASM rebuilt after its copies were written.
        write(dir.path(), "portico.wasm", Duration::ZERO);
        assert!(matches!(copies_of(dir.path()), Copies::Stale(_)));
    }

    #[test]
    fn a_copy_whose_file_is_gone_is_stale() {
        let dir = Folder::new("gone");
        write(dir.path(), "old.js.gz", Duration::ZERO);
        assert_eq!(
            copies_of(dir.path()),
            Copies::Stale(dir.path().join("old.js.gz"))
        );
    }

    #[test]
    fn a_missing_folder_has_no_copies() {
        assert_eq!(
            copies_of(Path::new("/nonexistent/portico/pkg")),
            Copies::None
        );
    }
}
