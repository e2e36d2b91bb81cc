package io.smm.sandbox.kube.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLogTest {

  @Test
  void aRecordTornByACrashIsDroppedAndEverythingBeforeItIsKept(@TempDir Path dir) throws IOException {
    try (StoreLog log = StoreLog.open(dir, StoreLog.DEFAULT_COMPACT_AFTER)) {
      log.put("/ConfigMap/default/a", "/api/v1/namespaces/default/configmaps", "{\"v\":1}");
      log.put("/ConfigMap/default/b", "/api/v1/namespaces/default/configmaps", "{\"v\":2}");
      log.delete("/ConfigMap/default/a");
      log.put("/ConfigMap/default/c", "/api/v1/namespaces/default/configmaps", "{\"v\":3}");
      log.sync();
    }
    // The crash came in the middle of the last append: its tail never reached the disk.
    Path wal = dir.resolve(StoreLog.WAL);
    long size = Files.size(wal);
    try (FileChannel c = FileChannel.open(wal, StandardOpenOption.WRITE)) {
      c.truncate(size - 3);
    }

    try (StoreLog reopened = StoreLog.open(dir, StoreLog.DEFAULT_COMPACT_AFTER)) {
      assertThat(reopened.objects()).containsOnlyKeys("/ConfigMap/default/b");
      assertThat(reopened.objects().get("/ConfigMap/default/b").json()).isEqualTo("{\"v\":2}");
      assertThat(reopened.logSize()).as("opening folds the log into the snapshot").isZero();
    }
  }

  @Test
  void aCorruptRecordEndsTheReplayInsteadOfBeingApplied(@TempDir Path dir) throws IOException {
    try (StoreLog log = StoreLog.open(dir, StoreLog.DEFAULT_COMPACT_AFTER)) {
      log.put("/ConfigMap/default/a", "/api/v1/namespaces/default/configmaps", "{\"v\":1}");
      log.put("/ConfigMap/default/a", "/api/v1/namespaces/default/configmaps", "{\"v\":2}");
      log.sync();
    }
    Path wal = dir.resolve(StoreLog.WAL);
    byte[] bytes = Files.readAllBytes(wal);
    bytes[bytes.length - 2] ^= 0x55; // one flipped bit in the second record's JSON
    Files.write(wal, bytes);

    try (StoreLog reopened = StoreLog.open(dir, StoreLog.DEFAULT_COMPACT_AFTER)) {
      assertThat(reopened.objects().get("/ConfigMap/default/a").json()).isEqualTo("{\"v\":1}");
    }
  }

  @Test
  void aGrowingLogIsFoldedIntoTheSnapshotAndTheLatestStatesSurvive(@TempDir Path dir) {
    try (StoreLog log = StoreLog.open(dir, 4096)) {
      for (int i = 0; i < 500; i++) {
        log.put("/ConfigMap/default/x" + (i % 7), "/api/v1/namespaces/default/configmaps", "{\"generation\":" + i + "}");
        assertThat(log.logSize()).isLessThanOrEqualTo(4096 + 200);
      }
      log.delete("/ConfigMap/default/x0");
      log.sync();
    }
    try (StoreLog reopened = StoreLog.open(dir, 4096)) {
      assertThat(reopened.objects()).hasSize(6).doesNotContainKey("/ConfigMap/default/x0");
      assertThat(reopened.objects().get("/ConfigMap/default/x6").json()).isEqualTo("{\"generation\":496}");
      assertThat(reopened.objects().get("/ConfigMap/default/x2").json()).isEqualTo("{\"generation\":499}");
    }
  }
}
