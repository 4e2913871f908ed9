//! Source files and byte spans.
//!
//! Every AST node and diagnostic carries a [`Span`]: a file and a byte range in it. The
//! proc-macro maps the byte range back to the token it came from; `scc` turns it into
//! `file:line:col` and a caret.

use std::fmt;
use std::io::{self, Read as _};
use std::path::Path;

/// The largest policy file (root or included) read, in bytes: 1 MiB, about 70 times
/// Docker's default profile. A larger file is refused before it is read, so that
/// `include "/dev/zero"` or a runaway generated file cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Reads a policy file: only a regular file of at most [`MAX_FILE_BYTES`], as UTF-8.
///
/// Every front end reads policies through this function (the root file of `scc` and
/// [`crate::compile_file`], `include`s, the proc-macro), because reading whatever a path
/// names is a denial of service: `/dev/zero` never ends, and opening a FIFO blocks until a
/// writer comes. The path is checked before it is opened (so a FIFO is never opened;
/// on Linux it is also opened with `O_NONBLOCK`, which regular files ignore, against a
/// FIFO swapped in between) and the open file again, and the read stops one byte past
/// the limit whatever the file claims.
pub fn read_policy_file(path: &Path) -> io::Result<String> {
    let bytes = read_regular_file(path, MAX_FILE_BYTES, "a policy file")?;
    String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// Reads a regular file of at most `limit` bytes (`what` names it in the error), the
/// way [`read_policy_file`] does: also for raw filters (`scc disasm`, `scc check
/// --bpf`), which are at most 4096 instructions of 8 bytes.
pub fn read_regular_file(path: &Path, limit: u64, what: &str) -> io::Result<Vec<u8>> {
    regular(&std::fs::metadata(path)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // `O_NONBLOCK` on these architectures (asm-generic/fcntl.h).
        options.custom_flags(0o4000);
    }
    let file = options.open(path)?;
    let len = regular(&file.metadata()?)?;
    let too_large = || {
        let size = if limit >= 1 << 10 {
            format!("{} KiB", limit >> 10)
        } else {
            format!("{limit} bytes")
        };
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {size}, the limit for {what}"),
        )
    };
    if len > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The length of a regular file; an error naming what else it is.
fn regular(meta: &std::fs::Metadata) -> io::Result<u64> {
    if meta.is_file() {
        return Ok(meta.len());
    }
    let what = if meta.is_dir() {
        "is a directory, not a policy file"
    } else {
        "is not a regular file (a device, FIFO or socket): only regular files are read"
    };
    Err(io::Error::new(io::ErrorKind::InvalidInput, what))
}

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub(crate) u32);

impl FileId {
    /// The first file added to a map: the root policy.
    pub const ROOT: FileId = FileId(0);
}

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both (same file assumed; `self`'s file wins).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Byte range as `usize`s.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// An empty span right after this one (where a missing `;` would go).
    pub fn after(self) -> Span {
        Span {
            file: self.file,
            start: self.end,
            end: self.end,
        }
    }
}

/// One source file: its display name and text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// How the file is shown in messages (a path, or `<macro>`).
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// `(byte offset, characters before it)` every [`MARK_EVERY`] bytes or so (on
    /// character boundaries), so that a column costs at most that much counting: a
    /// one-line file of a hundred thousand errors is not quadratic.
    marks: Vec<(usize, usize)>,
}

/// Bytes between two entries of [`SourceFile`]'s character marks.
const MARK_EVERY: usize = 1024;

impl SourceFile {
    fn new(name: String, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut marks = vec![(0, 0)];
        for (chars, (i, _)) in text.char_indices().enumerate() {
            if i >= marks.last().map_or(0, |m| m.0) + MARK_EVERY {
                marks.push((i, chars));
            }
        }
        SourceFile {
            name,
            text,
            line_starts,
            marks,
        }
    }

    /// The number of characters before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let (at, chars) = self.marks[self.marks.partition_point(|m| m.0 <= offset) - 1];
        chars + self.text[at..offset].chars().count()
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.chars_before(offset) - self.chars_before(start) + 1;
        (line + 1, col)
    }

    /// The byte range of the 1-based lines `first..=last`, newline of the last excluded.
    pub fn line_range(&self, first: usize, last: usize) -> std::ops::Range<usize> {
        let start = self.line_starts[first - 1];
        let end = self
            .line_starts
            .get(last)
            .map_or(self.text.len(), |&e| e - 1);
        start..end.max(start)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

/// The files of one compilation: the root policy and everything it includes.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile::new(name.into(), text.into()));
        FileId(self.files.len() as u32 - 1)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The id of an already added file, by name.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.name == name)
            .map(|i| FileId(i as u32))
    }

    /// The text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        &self.file(span.file).text[span.range()]
    }

    /// `file:line:col` of a span's start.
    pub fn location(&self, span: Span) -> Location<'_> {
        let file = self.file(span.file);
        let (line, col) = file.line_col(span.start as usize);
        Location {
            file: &file.name,
            line,
            col,
        }
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// A human-readable position: `policy.sc:4:12`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location<'a> {
    pub file: &'a str,
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}
