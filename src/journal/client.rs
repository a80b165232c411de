//! Asking a running watcher (see `watcher`) where its count of changes stands, and telling it
//! that a walk at that count found a generation current. One short connection a question; a
//! watcher that does not answer within `PATIENCE` is taken for none.
//!
//! Why a claim holds: `sync` returns only once the watcher has seen a cookie file it made after
//! the question arrived, and the kernel queues a watcher's events in the order they happen, so
//! the count it answers covers every change made before the question. A walk begun after that
//! answer sees those changes; any change made later, during the walk or after it, raises the
//! count. So while the count stays where it was, data/ and schema/ are as the walk found them.

use super::watcher::Answer;
use super::{place, private};
use crate::base::project::Project;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

/// How long a question may wait for its answer.
const PATIENCE: Duration = Duration::from_secs(3);

/// Where a watcher's count stood at a question: which watcher (its instance: a watcher started
/// again counts from zero), the count, whether a walk at that same count found the generation
/// asked about current, and else what changed since such a walk, when the watcher can name it.
#[derive(Debug, Clone)]
pub struct Synced {
    socket: PathBuf,
    answer: Answer,
}

/// Where the count of `project`'s watcher stands, when one runs and answers (None otherwise:
/// the caller walks); asked about the generation named `token` (see
/// `warehouse::staleness::journal_token`), whether data/ changed since a walk found it current.
pub fn sync(project: &Project, token: Option<&str>) -> Option<Synced> {
    let place = place(project).ok()?;
    if !private(&place.dir) {
        return None;
    }
    let question = match token {
        Some(token) => format!("sync {token}"),
        None => "sync".to_string(),
    };
    let said = match ask(&place.socket, &question) {
        Ok(said) => said?,
        Err(e) => {
            crate::base::note(&format!(
                "note: the watcher at {} did not answer ({e}); walking data/ instead",
                place.socket.display()
            ));
            return None;
        }
    };
    let Ok(mut answer) = serde_json::from_str::<Answer>(&said) else {
        crate::base::note(&format!(
            "note: the watcher at {} could not answer ({}); walking data/ instead",
            place.socket.display(),
            said.trim()
        ));
        return None;
    };
    if token.is_none() {
        answer.vouched = false;
        answer.changed = None;
    }
    Some(Synced {
        socket: place.socket,
        answer,
    })
}

impl Synced {
    /// Whether nothing changed since a walk found the generation asked about current.
    pub fn vouched(&self) -> bool {
        self.answer.vouched
    }

    /// The entries of data/ changed since a walk found the generation asked about current
    /// (`releases/NAME`, `companies/NAME` or a top-level NAME), when the watcher can name them.
    pub fn changed(&self) -> Option<&[String]> {
        self.answer.changed.as_deref()
    }

    /// Tell the watcher that a walk begun after this sync found the generation named `token`
    /// current (or made it). Best effort: a watcher gone meanwhile only means the next check walks.
    pub fn record(&self, token: &str) {
        let _ = ask(
            &self.socket,
            &format!(
                "clean {} {} {token}",
                self.answer.instance, self.answer.epoch
            ),
        );
    }
}

/// Send `question` and read the one-line answer; Ok(None) when nothing listens there.
fn ask(socket: &std::path::Path, question: &str) -> std::io::Result<Option<String>> {
    let mut stream = match UnixStream::connect(socket) {
        Ok(stream) => stream,
        // No socket, or one left by a watcher that has stopped: no watcher.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.set_write_timeout(Some(PATIENCE))?;
    stream.write_all(format!("{question}\n").as_bytes())?;
    let mut answer = String::new();
    // An answer is one line: up to `watcher::NAMED` names of entries.
    BufReader::new(std::io::Read::take(stream, 16 << 20)).read_line(&mut answer)?;
    Ok(Some(answer))
}
