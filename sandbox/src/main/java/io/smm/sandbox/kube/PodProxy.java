package io.smm.sandbox.kube;

import java.util.Optional;

/**
 * Where the API server's pods/{name}:{port}/proxy subresource goes: the sandbox kubelet, which
 * forwards to what the pod's runtime serves on that port (kube-apiserver reaches the pod IP).
 */
@FunctionalInterface
public interface PodProxy {

  /** What the pod answered: status, content type and body. */
  record Answer(int status, String contentType, byte[] body) {}

  /** GET {@code pathAndQuery} on the pod's port; empty when nothing listens there. */
  Optional<Answer> get(String namespace, String pod, int port, String pathAndQuery);
}
