package io.smm.sandbox.kube.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * What etcd is to kube-apiserver, for the sandbox: a snapshot plus a write-ahead log of whole
 * object states under one directory. Appends happen under the store's write lock (one writer, in
 * the order the store applies them); {@link #sync} makes them durable and is called before a
 * write is acknowledged, so concurrent writers share one fsync (group commit). Each record
 * carries its length and a CRC32C: a record torn by a crash mid-append is dropped on the next
 * open, and nothing after it was ever acknowledged. When the log grows past a bound it is folded
 * into a new snapshot (written aside, fsynced, renamed over the old one), as etcd compacts.
 */
final class StoreLog implements AutoCloseable {

  static final String SNAPSHOT = "snapshot";
  static final String WAL = "wal";
  static final long DEFAULT_COMPACT_AFTER = 64L << 20;
  private static final int MAX_RECORD = 64 << 20;
  private static final byte PUT = 1;
  private static final byte DELETE = 2;

  /** An object as last written: the request path it was written through (the store derives its plural from it) and its JSON. */
  record Entry(String path, String json) {}

  private final Path dir;
  private final long compactAfter;
  private final Map<String, Entry> live;
  private final Object syncLock = new Object();
  private final AtomicLong appended = new AtomicLong();
  private final FileChannel wal;
  private long walSize;
  private long synced;

  private StoreLog(Path dir, long compactAfter, Map<String, Entry> live, FileChannel wal) {
    this.dir = dir;
    this.compactAfter = compactAfter;
    this.live = live;
    this.wal = wal;
  }

  /**
   * Reads the snapshot and the log (dropping a torn tail), writes them back as one snapshot and
   * starts an empty log.
   */
  static StoreLog open(Path dir, long compactAfter) {
    try {
      Files.createDirectories(dir);
      Map<String, Entry> live = new LinkedHashMap<>();
      replay(dir.resolve(SNAPSHOT), live);
      replay(dir.resolve(WAL), live);
      FileChannel wal = FileChannel.open(dir.resolve(WAL), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      StoreLog log = new StoreLog(dir, compactAfter, live, wal);
      log.compact();
      return log;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the sandbox cluster's store in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The objects restored by {@link #open}, in the order they were first written. */
  Map<String, Entry> objects() {
    return Collections.unmodifiableMap(live);
  }

  /** Appends a new state of object {@code id}; the caller holds the store's write lock. */
  void put(String id, String path, String json) {
    append(encode(PUT, id, path, json));
    live.put(id, new Entry(path, json));
  }

  /** Appends the removal of object {@code id}; the caller holds the store's write lock. */
  void delete(String id) {
    append(encode(DELETE, id, "", ""));
    live.remove(id);
  }

  private void append(ByteBuffer record) {
    try {
      while (record.hasRemaining()) {
        walSize += wal.write(record, walSize);
      }
      appended.incrementAndGet();
      if (walSize > compactAfter) {
        compact();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the sandbox cluster's store could not write " + dir.resolve(WAL) + ": " + e.getMessage(), e);
    }
  }

  /** Returns once every record appended before the call is on disk. */
  void sync() {
    long target = appended.get();
    synchronized (syncLock) {
      if (synced >= target) {
        return; // another writer's fsync covered it
      }
      long upTo = appended.get();
      try {
        wal.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException("the sandbox cluster's store could not sync " + dir.resolve(WAL) + ": " + e.getMessage(), e);
      }
      synced = upTo;
    }
  }

  /** Bytes in the log since the last snapshot. */
  long logSize() {
    return walSize;
  }

  private void compact() throws IOException {
    synchronized (syncLock) {
      Path next = dir.resolve(SNAPSHOT + ".next");
      try (FileChannel out = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        for (Map.Entry<String, Entry> e : live.entrySet()) {
          ByteBuffer record = encode(PUT, e.getKey(), e.getValue().path(), e.getValue().json());
          while (record.hasRemaining()) {
            out.write(record);
          }
        }
        out.force(true);
      }
      Files.move(next, dir.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true); // the rename itself
      }
      // Until here a crash leaves the old log beside the new snapshot: replaying it again yields
      // the same states, since every record is a whole object.
      wal.truncate(0);
      wal.force(true);
      walSize = 0;
      synced = appended.get();
    }
  }

  @Override
  public void close() {
    try {
      sync();
      wal.close();
    } catch (IOException | UncheckedIOException e) {
      // the process is stopping; what was acknowledged is already on disk
    }
  }

  private static ByteBuffer encode(byte type, String id, String path, String json) {
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    byte[] pathBytes = path.getBytes(StandardCharsets.UTF_8);
    byte[] jsonBytes = json.getBytes(StandardCharsets.UTF_8);
    int bodyLength = 1 + 4 + idBytes.length + 4 + pathBytes.length + jsonBytes.length;
    ByteBuffer body = ByteBuffer.allocate(8 + bodyLength);
    body.position(8);
    body.put(type).putInt(idBytes.length).put(idBytes).putInt(pathBytes.length).put(pathBytes).put(jsonBytes);
    CRC32C crc = new CRC32C();
    crc.update(body.array(), 8, bodyLength);
    body.putInt(0, bodyLength).putInt(4, (int) crc.getValue());
    return body.flip().position(0).limit(8 + bodyLength);
  }

  /** Applies the records of {@code file} to {@code live}, stopping at the first torn or corrupt one. */
  private static void replay(Path file, Map<String, Entry> live) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file));
    while (all.remaining() >= 8) {
      int length = all.getInt();
      int expectedCrc = all.getInt();
      if (length < 9 || length > MAX_RECORD || length > all.remaining()) {
        return; // torn: the crash came mid-append
      }
      CRC32C crc = new CRC32C();
      crc.update(all.array(), all.position(), length);
      if ((int) crc.getValue() != expectedCrc) {
        return;
      }
      int end = all.position() + length;
      byte type = all.get();
      String id = string(all, all.getInt());
      String path = string(all, all.getInt());
      String json = string(all, end - all.position());
      if (type == PUT) {
        live.put(id, new Entry(path, json));
      } else {
        live.remove(id);
      }
    }
  }

  private static String string(ByteBuffer buffer, int length) {
    String s = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
    buffer.position(buffer.position() + length);
    return s;
  }
}
