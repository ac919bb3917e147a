// Package wal is the write-ahead log behind durable analytics hooks: an
// append-only directory of segment files with one consumer that reads
// records from a persisted cursor, so that events survive a failing hook
// and a restart of the process.
//
// A record is a 4-byte little-endian length, a 4-byte CRC-32C of the
// payload and the payload. A torn record at the end of the last segment
// (the process died while writing it) is cut off when the log is opened.
// Delivery is at least once: records after the last committed cursor are
// read again after a restart.
package wal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/kefuai/kefu/internal/flock"
)

// ErrFull is returned by Append when the log holds MaxBytes.
var ErrFull = errors.New("wal: log full")

// ErrLocked is returned by Open when another log has the directory open.
var ErrLocked = errors.New("wal: directory in use by another log")

// ErrClosed is returned after Close.
var ErrClosed = errors.New("wal: log closed")

// Options configure a Log; the zero value works.
type Options struct {
	// SegmentBytes starts a new segment file past this size; 16 MiB when
	// zero.
	SegmentBytes int64
	// MaxBytes bounds the bytes on disk; Append returns ErrFull beyond it.
	// 1 GiB when zero.
	MaxBytes int64
}

// Cursor is a position in the log.
type Cursor struct {
	Seg uint64
	Off int64
}

// Log is a write-ahead log. Append may be called concurrently; Next and
// Commit belong to one consumer goroutine.
type Log struct {
	dir  string
	opts Options

	mu     sync.Mutex
	closed bool
	segs   []uint64 // existing segments, ascending
	sizes  map[uint64]int64
	total  int64
	cur    *os.File // the last segment, open for appending
	notify chan struct{}

	cursorFile *os.File
	cursor     Cursor
	recovered  bool
	lock       *os.File
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crashPoint is called at each step of Append and Commit that changes the
// files; tests set it to stop the log there as a crash would.
var crashPoint = func(step string) {}

const headerLen = 8

func segName(n uint64) string { return fmt.Sprintf("%020d.wal", n) }

// Open opens or creates the log in dir.
func Open(dir string, opts Options) (*Log, error) {
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = 16 << 20
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 1 << 30
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("wal: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	l, err := open(dir, opts)
	if err != nil {
		lock.Close()
		return nil, err
	}
	l.lock = lock
	return l, nil
}

func open(dir string, opts Options) (*Log, error) {
	l := &Log{dir: dir, opts: opts, sizes: map[uint64]int64{}, notify: make(chan struct{}, 1)}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("wal: %w", err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".wal")
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(name, 10, 64)
		if err != nil {
			continue
		}
		l.segs = append(l.segs, n)
	}
	slices.Sort(l.segs)
	for _, n := range l.segs {
		fi, err := os.Stat(filepath.Join(dir, segName(n)))
		if err != nil {
			return nil, fmt.Errorf("wal: %w", err)
		}
		l.sizes[n] = fi.Size()
		l.total += fi.Size()
	}
	if len(l.segs) == 0 {
		l.segs = []uint64{1}
		l.sizes[1] = 0
	}
	last := l.segs[len(l.segs)-1]
	f, err := os.OpenFile(filepath.Join(dir, segName(last)), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("wal: %w", err)
	}
	valid, err := validEnd(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	if valid < l.sizes[last] {
		if err := f.Truncate(valid); err != nil {
			f.Close()
			return nil, fmt.Errorf("wal: cut torn record: %w", err)
		}
		l.total -= l.sizes[last] - valid
		l.sizes[last] = valid
	}
	if _, err := f.Seek(valid, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("wal: %w", err)
	}
	l.cur = f
	if err := l.openCursor(); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// validEnd returns the offset after the last whole, intact record of f.
func validEnd(f *os.File) (int64, error) {
	r := bufio.NewReader(io.NewSectionReader(f, 0, 1<<62))
	var off int64
	var hdr [headerLen]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return off, nil
		}
		n := binary.LittleEndian.Uint32(hdr[:4])
		if n > 64<<20 {
			return off, nil
		}
		p := make([]byte, n)
		if _, err := io.ReadFull(r, p); err != nil {
			return off, nil
		}
		if crc32.Checksum(p, castagnoli) != binary.LittleEndian.Uint32(hdr[4:]) {
			return off, nil
		}
		off += headerLen + int64(n)
	}
}

func (l *Log) openCursor() error {
	f, err := os.OpenFile(filepath.Join(l.dir, "cursor"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("wal: %w", err)
	}
	var b [20]byte
	n, _ := f.ReadAt(b[:], 0)
	l.cursorFile = f
	l.cursor = Cursor{Seg: l.segs[0]}
	if n == len(b) && crc32.Checksum(b[:16], castagnoli) == binary.LittleEndian.Uint32(b[16:]) {
		c := Cursor{Seg: binary.LittleEndian.Uint64(b[:8]), Off: int64(binary.LittleEndian.Uint64(b[8:16]))}
		if c.Seg >= l.segs[0] {
			l.cursor = c
		}
	}
	// A cursor must point at a record boundary within its segment: one
	// left past the end (its segment was cut or replaced after it was
	// written) or inside a record would make every later read fail. Move it
	// back to the last boundary before it, so that nothing undelivered is
	// skipped; at worst one record is delivered again.
	if size, ok := l.sizes[l.cursor.Seg]; ok && l.cursor.Off > 0 {
		f, err := os.Open(filepath.Join(l.dir, segName(l.cursor.Seg)))
		if err != nil {
			return fmt.Errorf("wal: %w", err)
		}
		b, err := boundaryBefore(f, min(l.cursor.Off, size))
		f.Close()
		if err != nil {
			return err
		}
		if b != l.cursor.Off {
			l.recovered = true
			l.cursor.Off = b
		}
	}
	return nil
}

// boundaryBefore returns the end of the last whole record of f that ends
// at or before off.
func boundaryBefore(f *os.File, off int64) (int64, error) {
	r := bufio.NewReader(io.NewSectionReader(f, 0, off))
	var at int64
	var hdr [headerLen]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return at, nil
		}
		n := int64(binary.LittleEndian.Uint32(hdr[:4]))
		if at+headerLen+n > off {
			return at, nil
		}
		if _, err := r.Discard(int(n)); err != nil {
			return at, nil
		}
		at += headerLen + n
	}
}

// Recovered reports whether Open found the cursor off a record boundary
// (a crash during a commit) and moved it back.
func (l *Log) Recovered() bool { return l.recovered }

// Append writes one record. It returns ErrFull when the log is full and
// ErrClosed after Close.
func (l *Log) Append(p []byte) error { return l.AppendBatch([][]byte{p}) }

// AppendBatch appends records in order with one write: all of them or,
// when the log is full or the write fails, none.
func (l *Log) AppendBatch(ps [][]byte) error {
	n := 0
	for _, p := range ps {
		n += headerLen + len(p)
	}
	rec := make([]byte, 0, n)
	for _, p := range ps {
		var h [headerLen]byte
		binary.LittleEndian.PutUint32(h[:4], uint32(len(p)))
		binary.LittleEndian.PutUint32(h[4:8], crc32.Checksum(p, castagnoli))
		rec = append(append(rec, h[:]...), p...)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	if l.total+int64(len(rec)) > l.opts.MaxBytes {
		return ErrFull
	}
	last := l.segs[len(l.segs)-1]
	if l.sizes[last] > 0 && l.sizes[last]+int64(len(rec)) > l.opts.SegmentBytes {
		next := last + 1
		crashPoint("append.rotate")
		f, err := os.OpenFile(filepath.Join(l.dir, segName(next)), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("wal: %w", err)
		}
		l.cur.Sync()
		l.cur.Close()
		l.cur = f
		l.segs = append(l.segs, next)
		l.sizes[next] = 0
		last = next
	}
	crashPoint("append.write")
	if _, err := l.cur.Write(rec); err != nil {
		// Cut a partial write so the next record starts clean.
		l.cur.Truncate(l.sizes[last])
		l.cur.Seek(l.sizes[last], io.SeekStart)
		return fmt.Errorf("wal: %w", err)
	}
	l.sizes[last] += int64(len(rec))
	l.total += int64(len(rec))
	select {
	case l.notify <- struct{}{}:
	default:
	}
	return nil
}

// Notify returns a channel that receives after an Append.
func (l *Log) Notify() <-chan struct{} { return l.notify }

// Sync flushes the written records and the cursor to stable storage.
func (l *Log) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	return errors.Join(l.cur.Sync(), l.cursorFile.Sync())
}

// Bytes returns the bytes the log holds on disk.
func (l *Log) Bytes() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// Next reads up to max records after the committed cursor and returns them
// with the cursor after the last one. It returns no records when the
// consumer has caught up.
func (l *Log) Next(max int) ([][]byte, Cursor, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil, Cursor{}, ErrClosed
	}
	c := l.cursor
	// Skip to the next segment when this one is consumed.
	for {
		size, ok := l.sizes[c.Seg]
		if !ok {
			i, _ := slices.BinarySearch(l.segs, c.Seg)
			if i >= len(l.segs) {
				l.mu.Unlock()
				return nil, c, nil
			}
			c = Cursor{Seg: l.segs[i]}
			continue
		}
		if c.Off >= size && c.Seg != l.segs[len(l.segs)-1] {
			c = Cursor{Seg: c.Seg + 1}
			continue
		}
		break
	}
	limit := l.sizes[c.Seg]
	l.mu.Unlock()
	if c.Off >= limit {
		return nil, c, nil
	}
	f, err := os.Open(filepath.Join(l.dir, segName(c.Seg)))
	if err != nil {
		return nil, c, fmt.Errorf("wal: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(io.NewSectionReader(f, c.Off, limit-c.Off))
	var recs [][]byte
	var hdr [headerLen]byte
	for len(recs) < max && c.Off < limit {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return recs, c, fmt.Errorf("wal: read %s at %d: %w", segName(c.Seg), c.Off, err)
		}
		n := binary.LittleEndian.Uint32(hdr[:4])
		p := make([]byte, n)
		if _, err := io.ReadFull(r, p); err != nil {
			return recs, c, fmt.Errorf("wal: read %s at %d: %w", segName(c.Seg), c.Off, err)
		}
		if crc32.Checksum(p, castagnoli) != binary.LittleEndian.Uint32(hdr[4:]) {
			return recs, c, fmt.Errorf("wal: corrupt record in %s at %d", segName(c.Seg), c.Off)
		}
		recs = append(recs, p)
		c.Off += headerLen + int64(n)
	}
	return recs, c, nil
}

// Commit records that everything before c has been delivered, and removes
// segments that hold nothing after it. When everything is delivered, the
// log moves on to a fresh segment so that the disk is freed. Every step is
// safe to crash after: the cursor is written before anything it points
// past is removed, and never points past the end of its segment.
func (l *Log) Commit(c Cursor) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	crashPoint("commit.cursor")
	if err := l.writeCursor(c); err != nil {
		return err
	}
	if err := l.removeBefore(c.Seg); err != nil {
		return err
	}
	// When everything is consumed, continue in a new segment: create it,
	// point the cursor at it, then remove the consumed one.
	last := l.segs[len(l.segs)-1]
	if len(l.segs) == 1 && c.Seg == last && c.Off == l.sizes[last] && c.Off > 0 {
		next := last + 1
		crashPoint("commit.create")
		f, err := os.OpenFile(filepath.Join(l.dir, segName(next)), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("wal: %w", err)
		}
		l.cur.Close()
		l.cur = f
		l.segs = append(l.segs, next)
		l.sizes[next] = 0
		crashPoint("commit.move")
		if err := l.writeCursor(Cursor{Seg: next}); err != nil {
			return err
		}
		crashPoint("commit.remove")
		if err := l.removeBefore(next); err != nil {
			return err
		}
	}
	return nil
}

// writeCursor persists c.
func (l *Log) writeCursor(c Cursor) error {
	var b [20]byte
	binary.LittleEndian.PutUint64(b[:8], c.Seg)
	binary.LittleEndian.PutUint64(b[8:16], uint64(c.Off))
	binary.LittleEndian.PutUint32(b[16:], crc32.Checksum(b[:16], castagnoli))
	if _, err := l.cursorFile.WriteAt(b[:], 0); err != nil {
		return fmt.Errorf("wal: %w", err)
	}
	l.cursor = c
	return nil
}

// removeBefore removes the segments before seg, keeping the last one.
func (l *Log) removeBefore(seg uint64) error {
	for len(l.segs) > 1 && l.segs[0] < seg {
		n := l.segs[0]
		if err := os.Remove(filepath.Join(l.dir, segName(n))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("wal: %w", err)
		}
		l.total -= l.sizes[n]
		delete(l.sizes, n)
		l.segs = l.segs[1:]
	}
	return nil
}

// Pending reports whether records wait after the committed cursor.
func (l *Log) Pending() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.cursor
	for _, n := range l.segs {
		if n > c.Seg && l.sizes[n] > 0 {
			return true
		}
		if n == c.Seg && l.sizes[n] > c.Off {
			return true
		}
	}
	return false
}

// Close syncs and closes the log.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return errors.Join(l.cur.Sync(), l.cur.Close(), l.cursorFile.Sync(), l.cursorFile.Close(), l.lock.Close())
}

// lockDir takes an exclusive lock on dir, so that two logs never share it.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("wal: %w", err)
	}
	if err := flock.Lock(f); err != nil {
		f.Close()
		if errors.Is(err, flock.ErrLocked) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
		}
		return nil, fmt.Errorf("wal: %w", err)
	}
	return f, nil
}
