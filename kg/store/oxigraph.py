"""The embedded store: Oxigraph persisted in a directory (e.g. ``build/store``), one named graph per report
plus the ontology graph :data:`~kg.rdf.vocab.ONTOLOGY_GRAPH`.

Report graphs are **disjoint** (the graph builder makes every node report-local, documents included; no
triple is in two report graphs, nor in a report graph and the ontology graph), so the union of the named
graphs is a set and needs no copy: :class:`Store` stores only the named graphs and queries with Oxigraph's
``use_default_graph_as_union``; its stored default graph stays empty. Replacing or dropping a report is
removing its named graph (no SPARQL Update). Oxigraph's union is a bag (one solution per graph holding a
matching triple), so disjointness is what keeps answers right.

A build's store directory (``build/store``, :class:`StoreDir`) holds complete stores side by side
(``gen-000001/`` …) and a pointer to the current one (``kg-current``). Readers open the current one
(:meth:`Store.open` with ``read_only=True`` follows the pointer) and so always see the last complete
build; a build writes a new one (a hard-linked checkpoint of the current one, or an empty one) and, once
it is closed, switches the pointer atomically. A store no pointer names is never read; an old one is
deleted once replaced unless a reader still has it open (readers hold a shared ``flock`` on it: Oxigraph
opens its files lazily, so deleting it under a reader would break the reader's next query).
"""
from __future__ import annotations

import gc
import io
import json
import os
import re
import shutil
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not Linux/macOS: no reader locks, old stores kept until the next build
    fcntl = None  # type: ignore[assignment]

import pyoxigraph as ox

from kg.errors import KgQueryError, KgStoreError
from kg.fileio import atomic_write
from kg.rdf.ntriples import as_nt, iri_ok, iter_nquads, sorted_nt, to_nquads
from kg.rdf.ontology import ontology_nt
from kg.rdf.vocab import ONTOLOGY_GRAPH, PREFIXES, SUMMARY_GRAPH, with_prefixes
from kg.store.guard import check
from kg.store.results import QueryResult, from_ox, json_from_ox


class _ChunkReader(io.RawIOBase):
    """A binary file over a list of byte strings, consumed (and freed) as it is read."""

    def __init__(self, chunks: list[bytes]):
        self._chunks = chunks[::-1]
        self._cur = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        while not self._cur and self._chunks:
            self._cur = memoryview(self._chunks.pop())
        n = min(len(buf), len(self._cur))
        buf[:n] = self._cur[:n]
        self._cur = self._cur[n:]
        return n


#: in a build's store directory: the file naming the current store, the build lock, the stores' prefix
POINTER = "kg-current"
BUILD_LOCK = "kg-build.lock"
GEN_PREFIX = "gen-"
#: in a complete store: its files' sizes, mtimes and checksums (see :func:`check_files`)
FILES = "kg-files.json"
_GEN_RE = re.compile(r"gen-(\d{6,})")
_DAMAGE_RE = re.compile(r"corrupt|checksum|no such file|not found|bad magic|truncated|invalid argument", re.I)
FIX = "delete it or run kg build --rebuild"


def _looks_like_store(path: Path) -> bool:
    return (path / "CURRENT").exists() or (path / "IDENTITY").exists() or (path / POINTER).exists()


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


def is_damage(e: BaseException) -> bool:
    """Whether an error raised by Oxigraph says that the files of a store are damaged or missing
    (a checksum failure, a lost ``.sst``), not that the store is busy or not allowed."""
    return isinstance(e, (OSError, RuntimeError)) and bool(_DAMAGE_RE.search(str(e))) and not _denied(e)


def _denied(e: BaseException) -> bool:
    msg = str(e).lower()
    return isinstance(e, PermissionError) or "permission denied" in msg or "read-only file system" in msg


def store_error(e: BaseException, where: str | os.PathLike, doing: str = "") -> KgStoreError:
    """One line for an error of Oxigraph on the store at ``where``: damaged (and the fix), not allowed,
    in use by another process, or (else) what failed while ``doing``."""
    msg = _one_line(e)
    if _denied(e):
        return KgStoreError(f"cannot {doing or 'open'} the store at {where}: permission denied ({msg}); "
                            "run kg as a user who may write there, or build into another directory with --out")
    if is_damage(e) or isinstance(e, RuntimeError):
        return KgStoreError(f"store at {where} is damaged ({msg}); {FIX}")
    if "lock" in msg.lower():
        return KgStoreError(f"store at {where} is in use by another kg process")
    if doing:
        return KgStoreError(f"store at {where}: cannot {doing}: {msg}")
    return KgStoreError(f"store at {where} is damaged ({msg}); {FIX}")


def _crc32(path: Path) -> int:
    crc = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            crc = zlib.crc32(chunk, crc)
    return crc


def _file_list(path: Path) -> dict[str, list[int]]:
    """The store's files (RocksDB's own, not ours) → [size, mtime_ns, CRC-32]."""
    out = {}
    for f in sorted(path.iterdir()):
        if f.is_file() and (f.suffix in (".sst", ".blob") or f.name.startswith(("MANIFEST-", "CURRENT"))):
            st = f.stat()
            out[f.name] = [st.st_size, st.st_mtime_ns, _crc32(f)]
    return out


def check_files(path: Path, full: bool = False) -> str | None:
    """What is wrong with the files of the complete store at ``path`` (``None``: nothing found): a file
    missing, of another size, or whose bytes changed since the build that made it. Each file's size and
    mtime are compared (cheap: what a reader does); the checksum of a file whose mtime changed, or with
    ``full`` of every file (what a build does before it copies the store: ~1 s per GB)."""
    try:
        listed = json.loads((path / FILES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None     # not recorded (a store made by hand or by an older kg): nothing to compare
    for name, rec in sorted(listed.items()):
        size, mtime_ns, crc = (rec if isinstance(rec, list) and len(rec) == 3 else (rec, None, None))
        try:
            st = (path / name).stat()
            if st.st_size != size:
                return f"{name} has {st.st_size} bytes instead of {size}"
            if crc is not None and (full or st.st_mtime_ns != mtime_ns) and _crc32(path / name) != crc:
                return f"{name} changed since it was written: checksum mismatch"
        except FileNotFoundError:
            return f"{name} is missing"
        except OSError as e:
            return f"{name} cannot be read: {e.strerror or e}"
    return None


def _held_open(path: Path) -> bool:
    """Whether this process still has the RocksDB store at ``path`` open (its ``LOCK`` file), Linux only."""
    lock = str((path / "LOCK").resolve())
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:  # pragma: no cover - no /proc
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == lock:
                return True
        except OSError:
            continue
    return False


def _lock_dir(path: Path, exclusive: bool, wait: bool = True) -> int | None:
    """An open descriptor of the directory ``path`` holding a ``flock`` on it (shared for readers, exclusive
    to delete it); ``None`` when the lock is taken (``wait=False``) or the directory is gone."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except FileNotFoundError:
        return None
    if fcntl is None:   # pragma: no cover
        return fd
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(fd)
        return None
    return fd


def _same_dir(fd: int, path: Path) -> bool:
    """Whether ``path`` is still the directory open as ``fd`` (not deleted or renamed meanwhile)."""
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


class StoreDir:
    """A build's store directory (e.g. ``build/store``): complete stores ``gen-NNNNNN/`` and the pointer
    ``kg-current`` naming the current one. Before generations (kg ≤ 0.1), the directory was itself one
    store ("legacy"): readers still open it until a build has made a generation and switched to it.

    Only :func:`kg.store.build.build_corpus` writes here, holding :meth:`locked`.
    """

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def current(self) -> Path | None:
        """The current complete store named by the pointer (``None``: no pointer)."""
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as e:
            raise store_error(e, self.root) from e
        if not _GEN_RE.fullmatch(name):
            raise KgStoreError(f"store at {self.root} is damaged ({POINTER} names no store: {name[:40]!r}); {FIX}")
        return self.root / name

    def legacy(self) -> bool:
        """Whether the directory is a store itself (made before generations) and no generation replaced it yet."""
        return not (self.root / POINTER).exists() and (self.root / "CURRENT").exists()

    def resolve(self) -> Path | None:
        """What a reader opens: the current store, the legacy store, or ``None`` (no store here)."""
        cur = self.current()
        if cur is not None:
            return cur
        return self.root if self.legacy() else None

    def generations(self) -> list[Path]:
        """The store directories here, oldest first (complete or not)."""
        try:
            return sorted(p for p in self.root.iterdir() if _GEN_RE.fullmatch(p.name) and p.is_dir())
        except FileNotFoundError:
            return []

    def new_generation(self) -> Path:
        """A path for the next store (not created)."""
        nums = [int(_GEN_RE.fullmatch(p.name).group(1)) for p in self.generations()]   # type: ignore[union-attr]
        try:
            cur = self.current()
        except KgStoreError:     # a damaged pointer (a rebuild replaces it)
            cur = None
        if cur is not None:
            nums.append(int(_GEN_RE.fullmatch(cur.name).group(1)))   # type: ignore[union-attr]
        return self.root / f"{GEN_PREFIX}{max(nums, default=0) + 1:06d}"

    @contextmanager
    def locked(self):
        """Hold the build lock (one build at a time); a store in use gives one clear error."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / BUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            if isinstance(e, (FileExistsError, NotADirectoryError)) or self.root.is_file():
                raise KgStoreError(f"store at {self.root} is damaged (not a directory); {FIX}") from e
            raise store_error(e, self.root, "write") from e
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as e:
                    raise KgStoreError(f"store at {self.root} is in use by another kg process (a build)") from e
            yield self
        finally:
            os.close(fd)

    def seal(self, gen: Path) -> None:
        """Record the files of the closed, complete store ``gen`` (readers check they are all there);
        nothing is recorded while this process still has it open (its files may still change)."""
        if not _held_open(gen):
            atomic_write(gen / FILES, json.dumps(_file_list(gen), sort_keys=True))

    def switch(self, gen: Path) -> None:
        """Make ``gen`` (complete, closed, sealed) the current store: one atomic rename."""
        atomic_write(self.root / POINTER, gen.name + "\n")
        try:
            dfd = os.open(self.root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:  # pragma: no cover - fsync of a directory is not supported everywhere
            pass

    def remove_others(self, keep: Iterable[Path]) -> list[Path]:
        """Delete every store here but ``keep`` (and the legacy store once a generation is current), except
        those a reader holds open; the paths left (deleted by a later build)."""
        keep = {Path(k).name for k in keep}
        left = []
        for gen in self.generations():
            if gen.name not in keep and not self.remove(gen):
                left.append(gen)
        if (self.root / POINTER).exists() and (self.root / "CURRENT").exists() and not self._remove_legacy():
            left.append(self.root)
        return left

    def remove(self, gen: Path) -> bool:
        """Delete the store ``gen`` unless a reader holds it: renamed first, so no reader opens it half-deleted."""
        fd = _lock_dir(gen, exclusive=True, wait=False)
        if fd is None:
            return not gen.exists()
        try:
            trash = gen.with_name(f".trash-{gen.name}-{os.getpid()}")
            os.rename(gen, trash)
        except OSError:
            os.close(fd)
            return False
        os.close(fd)
        shutil.rmtree(trash, ignore_errors=True)
        return True

    def remove_trash(self) -> None:
        """Finish deletions a killed build left half done."""
        for p in self.root.glob(".trash-*"):
            shutil.rmtree(p, ignore_errors=True)

    def _remove_legacy(self) -> bool:
        """Delete the files of the legacy store (the directory's own RocksDB files) unless a reader holds it."""
        fd = _lock_dir(self.root, exclusive=True, wait=False)
        if fd is None:
            return False
        try:
            for f in self.root.iterdir():
                if f.is_file() and (f.suffix in (".sst", ".log", ".blob") or f.name in ("CURRENT", "IDENTITY", "LOCK")
                                    or f.name.startswith(("MANIFEST-", "OPTIONS-", "LOG"))):
                    f.unlink(missing_ok=True)
        finally:
            os.close(fd)
        return True


class Store:
    """Embedded Oxigraph store persisted in a directory (e.g. ``build/store``).

    Only the named graphs (reports, ontology) are stored; queries run on their union.
    Only one writer at a time (RocksDB lock). A build's store directory (:class:`StoreDir`) is opened
    read-only: :meth:`open` then opens its current complete store, which no process writes.
    """

    def __init__(self, store: ox.Store, path: Path | None, read_only: bool, root: Path | None = None,
                 lock_fd: int | None = None):
        self._store = store
        self.path = path                 # the RocksDB directory
        self.root = root or path         # what messages and the manifest call the store (e.g. build/store)
        self.read_only = read_only
        self._lock_fd = lock_fd          # a shared flock on ``path``: no build deletes it while it is open

    # -- opening
    @classmethod
    def open(cls, path: str | os.PathLike | None, read_only: bool = False) -> "Store":
        """Open (create) the store at ``path``; ``None`` gives an in-memory store. With ``read_only``,
        a build's store directory gives its current complete store."""
        if path is None:
            return cls(ox.Store(), None, False)
        p = Path(path)
        if p.exists() and not p.is_dir():
            raise KgStoreError(f"store at {p} is damaged (not a directory); {FIX}")
        if read_only:
            if not _looks_like_store(p):
                raise KgStoreError(f"no kg store at {p}; run kg build first")
            return cls._open_current(p)
        if (p / POINTER).exists():
            raise KgStoreError(f"{p} holds the stores of kg build, which alone writes them: open it read-only, "
                               "or build into it with kg build")
        if p.is_dir() and any(p.iterdir()) and not _looks_like_store(p):
            raise KgStoreError(f"{p} is not a kg store (a non-empty directory without store files); choose another --store")
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            st = ox.Store(str(p))
        except (OSError, RuntimeError) as e:
            raise store_error(e, p) from e
        return cls(st, p, False)

    @classmethod
    def _open_current(cls, root: Path) -> "Store":
        """Open read-only what ``root`` holds now: its current complete store (or the legacy store), under a
        shared lock; a build that switches stores meanwhile is followed, never taken for damage."""
        sd = StoreDir(root)
        for _ in range(20):
            target = sd.resolve()
            if target is None:
                raise KgStoreError(f"no kg store at {root}; run kg build first")
            fd = _lock_dir(target, exclusive=False)
            if fd is None or not _same_dir(fd, target):   # deleted or replaced meanwhile: look again
                if fd is not None:
                    os.close(fd)
                if sd.resolve() == target and target != root:
                    raise KgStoreError(f"store at {root} is damaged (its current store {target.name} is missing); "
                                       f"{FIX}")
                continue
            try:
                missing = check_files(target) if target != root else None
                if missing:
                    raise KgStoreError(f"store at {root} is damaged ({target.name}/{missing}); {FIX}")
                st = ox.Store.read_only(str(target))
            except (OSError, RuntimeError, KgStoreError) as e:
                os.close(fd)
                if sd.resolve() != target:    # a build switched stores meanwhile: open the new one
                    continue
                if isinstance(e, KgStoreError):
                    raise
                raise store_error(e, root) from e
            return cls(st, target, True, root=root, lock_fd=fd)
        raise KgStoreError(f"store at {root} keeps changing (builds one after another); try again")

    def backup(self, target: str | os.PathLike) -> None:
        """A copy of this store in the new directory ``target`` (hard links to its immutable files: fast).
        All its data must be in its files: a store closed by a build is."""
        try:
            self._st().backup(str(target))
        except (OSError, RuntimeError) as e:
            raise store_error(e, self.root or "?", "copy it") from e

    @staticmethod
    def destroy(path: str | os.PathLike) -> None:
        """Delete a store directory (refuses directories that are not stores)."""
        p = Path(path)
        if not p.exists():
            return
        if p.is_dir() and any(p.iterdir()) and not _looks_like_store(p):
            raise KgStoreError(f"refusing to delete {p}: it is not a kg store")
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()

    @property
    def location(self) -> str:
        return str(self.root.resolve()) if self.root else ":memory:"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Flush (a writable store) and release the store."""
        if self._store is not None:
            st, self._store = self._store, None
            try:
                if not self.read_only:
                    st.flush()
            except (OSError, RuntimeError) as e:
                raise store_error(e, self.root, "write its last changes") from e
            finally:
                del st
                if not self.read_only and self.path is not None and (_held_open(self.path)
                                                                     or not os.path.isdir("/proc/self/fd")):
                    gc.collect()   # an answer caught in a reference cycle keeps RocksDB open (and compacting)
                if self._lock_fd is not None:
                    os.close(self._lock_fd)
                    self._lock_fd = None

    def _st(self) -> ox.Store:
        if self._store is None:
            raise KgStoreError("store is closed")
        return self._store

    def _writable(self) -> ox.Store:
        if self.read_only:
            raise KgStoreError(f"store at {self.path} is open read-only")
        return self._st()

    # -- writing
    def replace_report(self, iri: str, data) -> None:
        """Replace the named graph ``iri`` with ``data`` (rdflib Graph or N-Triples bytes/str)."""
        st = self._writable()
        nt = as_nt(data)
        g = ox.NamedNode(iri_ok(iri))
        try:
            if st.contains_named_graph(g):
                st.remove_graph(g)
            if nt:
                st.load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
            else:
                st.add_graph(g)
        except SyntaxError as e:
            raise KgStoreError(f"graph {iri}: invalid N-Triples: {e}") from e
        except (OSError, RuntimeError) as e:
            raise store_error(e, self.root, f"write graph {iri}") from e

    def replace_reports(self, items: Iterable[tuple[str, bytes]], nquads: bool = False) -> None:
        """Replace several report graphs at once: ``(iri, N-Triples bytes)`` pairs (with
        ``nquads=True``: the N-Quads of graph ``iri``, as made by :func:`to_nquads`).

        Much faster than :meth:`replace_report` one by one for builds (old graphs are
        removed, then one ``bulk_load`` of the N-Quads of all new graphs, ~2× faster than
        transactional loads on disk) but not atomic: after a crash part of the batch may
        be loaded; the build manifest is only updated afterwards, so the next build
        re-extracts and replaces those reports.
        """
        st = self._writable()
        chunks: list[bytes] = []
        try:
            for iri, data in items:
                g = ox.NamedNode(iri_ok(iri))
                if st.contains_named_graph(g):
                    st.remove_graph(g)
                quads = data if nquads else to_nquads(as_nt(data), iri)
                if not quads:
                    st.add_graph(g)
                    continue
                chunks.append(quads)
            if chunks:   # streamed, not joined: a batch can be a hundred MB
                st.bulk_load(_ChunkReader(chunks), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as e:
            raise KgStoreError(f"invalid N-Triples in a report graph: {e}") from e
        except (OSError, RuntimeError) as e:
            raise store_error(e, self.root, "write report graphs") from e

    def drop_report(self, iri: str) -> None:
        """Remove the named graph ``iri`` (and so its triples); a missing graph is fine."""
        st = self._writable()
        g = ox.NamedNode(iri_ok(iri))
        try:
            if st.contains_named_graph(g):
                st.remove_graph(g)
        except (OSError, RuntimeError) as e:
            raise store_error(e, self.root, f"drop graph {iri}") from e

    def ensure_ontology(self, path: str | os.PathLike | None = None) -> bool:
        """(Re)load the ontology graph from ``path`` (default ``ontology/kg.ttl``)."""
        self.replace_report(ONTOLOGY_GRAPH, ontology_nt(path))
        return True

    def clear(self) -> None:
        try:
            self._writable().clear()
        except (OSError, RuntimeError) as e:
            raise store_error(e, self.root, "clear it") from e

    def flush(self) -> None:
        if not self.read_only:
            try:
                self._st().flush()
            except (OSError, RuntimeError) as e:
                raise store_error(e, self.root, "write its changes") from e

    def optimize(self) -> None:
        if not self.read_only:
            try:
                self._st().optimize()
            except (OSError, RuntimeError) as e:
                raise store_error(e, self.root, "compact it") from e

    # -- reading
    def reports(self) -> set[str]:
        try:
            return {g.value for g in self._st().named_graphs()
                    if isinstance(g, ox.NamedNode) and g.value not in (ONTOLOGY_GRAPH, SUMMARY_GRAPH)}
        except (OSError, RuntimeError) as e:
            raise store_error(e, self.root, "list its graphs") from e

    def __len__(self) -> int:
        return int(self.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }").rows[0]["n"]["value"])

    def query(self, sparql: str, union: bool = True, *, max_rows: int | None = None, allow_service: bool = False,
              timeout: float | None = None) -> QueryResult:
        """Run a SPARQL query whose default graph is the union of all graphs (reports and
        ontology). ``union=False`` queries the stored default graph instead (kept empty).

        The query is checked first (:func:`kg.store.guard.check`: no update, no ``FROM``, no ``SERVICE``
        unless ``allow_service``); the answer is read row by row and cut after ``max_rows`` rows
        (``truncated``); ``timeout`` is checked between rows (to stop a query at any moment, run it
        with :func:`kg.store.guard.run`)."""
        return self._query(from_ox, sparql, union, max_rows, allow_service, timeout)

    def query_json(self, sparql: str, union: bool = True, *, max_rows: int | None = None,
                   allow_service: bool = False, timeout: float | None = None) -> QueryResult:
        """:meth:`query`, a SELECT answer written as W3C JSON by Oxigraph (``json_bytes``, no ``rows``:
        :func:`kg.store.results.json_from_ox`): what ``kg serve`` sends."""
        return self._query(json_from_ox, sparql, union, max_rows, allow_service, timeout)

    def _query(self, read, sparql: str, union: bool, max_rows: int | None, allow_service: bool,
               timeout: float | None) -> QueryResult:
        check(sparql, allow_service)
        try:
            res = self._st().query(with_prefixes(sparql), use_default_graph_as_union=union)
            return read(res, max_rows, timeout)
        except SyntaxError as e:
            raise KgQueryError(f"invalid SPARQL: {e}") from e
        except (OSError, RuntimeError) as e:
            raise store_error(e, self.path, "run the query") from e

    def graph_nt(self, iri: str) -> bytes:
        """The triples of one named graph as N-Triples bytes."""
        try:
            return self._st().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri)) or b""
        except (OSError, RuntimeError) as e:
            raise store_error(e, self.root, f"read graph {iri}") from e

    def iter_nquads(self, graphs: Iterable[str] | None = None, include_ontology: bool = False) -> Iterator[bytes]:
        """Deterministic N-Quads lines: graphs in sorted order, lines sorted inside each graph."""
        return iter_nquads(self, graphs, include_ontology)

    def graph(self):
        """The report graphs merged into one rdflib ``Graph`` (not the ontology graph; the
        same triples as a build's ``graph.ttl``; for views, SHACL validation, stats and
        the ``kg.backend`` interface)."""
        import rdflib

        g = rdflib.Graph()
        for p, ns in PREFIXES.items():
            g.bind(p, ns)
        parts = []
        for iri in sorted(self.reports()):
            data = self.graph_nt(iri)
            if b"_:" in data:   # canonical, graph-scoped blank node labels
                data = b"\n".join(sorted_nt(data, iri)) + b"\n"
            parts.append(data)
        data = b"".join(parts)
        if data.strip():
            g.parse(data=data, format="nt")
        return g

    def to_rdflib(self, include_ontology: bool = True, graphs: Iterable[str] | None = None):
        """An rdflib ``Dataset`` with the same named graphs (for views and exports)."""
        import rdflib

        names = set(graphs) if graphs is not None else self.reports()
        try:
            if include_ontology and graphs is None and ox.NamedNode(ONTOLOGY_GRAPH) in set(self._st().named_graphs()):
                names.add(ONTOLOGY_GRAPH)
        except (OSError, RuntimeError) as e:
            raise store_error(e, self.root, "list its graphs") from e
        ds = rdflib.Dataset()
        ds.default_union = True
        data = b"".join(self.iter_nquads(names))
        if data:
            ds.parse(data=data, format="nquads")
        return ds

