package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * `smm registry add|list|remove|reconcile` (seed 2.11.6): the private image registries the
 * product's pods pull from. Each is a kubernetes.io/dockerconfigjson Secret in the registry access
 * namespace (smm-registry-access), named in the ControlPlane's registryAccess.pullSecrets; the
 * reconcile copies it into every product namespace and puts it on every product pod. Passwords are
 * read from stdin or a prompt, never printed.
 */
@Command(name = "registry", mixinStandardHelpOptions = true, description = "Image registry access for the product's pods.",
    subcommands = {RegistryCommand.Add.class, RegistryCommand.ListCmd.class, RegistryCommand.Remove.class, RegistryCommand.Reconcile.class})
class RegistryCommand {

  static final String CREATED_BY = "smm.cisco.com/created-by";

  @ParentCommand
  Smm parent;

  @Option(names = "--name", defaultValue = "smm", description = "ControlPlane name (default: ${DEFAULT-VALUE}).",
      scope = picocli.CommandLine.ScopeType.INHERIT)
  String controlPlane;

  static String namespace(JsonNode spec) {
    return spec.path("registryAccess").path("namespace").asText("smm-registry-access");
  }

  /** "registry.example.com:5000" -> "registry.example.com-5000-pull-secret", the seed's naming. */
  static String secretName(String server) {
    String host = server.replaceFirst("^https?://", "").replaceAll("/.*$", "").toLowerCase();
    return host.replaceAll("[^a-z0-9.-]", "-").replaceAll("^[^a-z0-9]+", "") + "-pull-secret";
  }

  /** The registries a pull secret holds: server -> username. */
  static Map<String, String> registries(Secret secret) {
    String encoded = secret.getData() == null ? null : secret.getData().get(".dockerconfigjson");
    if (encoded == null) {
      return Map.of();
    }
    try {
      JsonNode auths = Serialization.jsonMapper().readTree(Base64.getDecoder().decode(encoded)).path("auths");
      Map<String, String> out = new java.util.LinkedHashMap<>();
      auths.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().path("username").asText("")));
      return out;
    } catch (IOException | IllegalArgumentException e) {
      return Map.of();
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add (or replace) a registry's credentials and reconcile.")
  static class Add implements Runnable {
    @ParentCommand
    RegistryCommand registry;

    @Parameters(index = "0", paramLabel = "SERVER", description = "Registry host, e.g. registry.example.com.")
    String server;

    @Option(names = {"-u", "--username"}, required = true, description = "User name.")
    String username;

    @Option(names = "--password-stdin", description = "Read the password from standard input.")
    boolean passwordStdin;

    @Override
    public void run() {
      String password = password();
      try (KubeOptions.Connection kube = registry.parent.kube.connect()) {
        ObjectNode spec = (ObjectNode) InstalledControlPlane.spec(kube, registry.controlPlane).deepCopy();
        String namespace = namespace(spec);
        String name = secretName(server);
        String auth = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        ObjectNode config = Serialization.jsonMapper().createObjectNode();
        config.putObject("auths").putObject(server).put("username", username).put("password", password).put("auth", auth);
        if (kube.client().namespaces().withName(namespace).get() == null) {
          kube.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        }
        kube.client().secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
            .withNamespace(namespace).withLabels(Map.of(CREATED_BY, "smm-registry-add")).endMetadata()
            .withType("kubernetes.io/dockerconfigjson")
            .withData(Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(config.toString().getBytes(StandardCharsets.UTF_8))))
            .build()).createOr(existing -> existing.update());
        ObjectNode access = spec.with("registryAccess");
        access.put("enabled", true);
        ArrayNode refs = access.withArray("pullSecrets");
        boolean listed = false;
        for (JsonNode ref : refs) {
          listed |= name.equals(ref.path("name").asText()) && namespace.equals(ref.path("namespace").asText(namespace));
        }
        if (!listed) {
          refs.addObject().put("name", name).put("namespace", namespace);
        }
        System.out.println("Registry " + server + " stored in Secret " + namespace + "/" + name);
        InstalledControlPlane.apply(kube, registry.controlPlane, spec, "reconciled");
      }
    }

    private String password() {
      if (passwordStdin) {
        try {
          String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
          if (line == null || line.isEmpty()) {
            throw new CliException("--password-stdin: no password on standard input", 1);
          }
          return line;
        } catch (IOException e) {
          throw new CliException("cannot read the password from standard input: " + e.getMessage(), 1);
        }
      }
      if (System.console() == null) {
        throw new CliException("no terminal to ask for the password: pass it with --password-stdin", 1);
      }
      char[] typed = System.console().readPassword("Password for %s@%s: ", username, server);
      if (typed == null || typed.length == 0) {
        throw new CliException("no password given", 1);
      }
      return new String(typed);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the configured registries (no passwords).")
  static class ListCmd implements Runnable {
    @ParentCommand
    RegistryCommand registry;

    @Override
    public void run() {
      try (KubeOptions.Connection kube = registry.parent.kube.connect()) {
        JsonNode spec = InstalledControlPlane.spec(kube, registry.controlPlane);
        String defaultNamespace = namespace(spec);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SERVER", "USERNAME", "SECRET", "NAMESPACE"});
        for (JsonNode ref : spec.path("registryAccess").path("pullSecrets")) {
          String name = ref.path("name").asText();
          String namespace = ref.path("namespace").asText(defaultNamespace);
          Secret secret = kube.client().secrets().inNamespace(namespace).withName(name).get();
          if (secret == null) {
            rows.add(new String[] {"(secret missing)", "", name, namespace});
            continue;
          }
          registries(secret).forEach((server, user) -> rows.add(new String[] {server, user, name, namespace}));
        }
        if (rows.size() == 1) {
          System.out.println("No image registries configured (add one with `smm registry add SERVER -u USER --password-stdin`).");
          return;
        }
        int[] width = new int[4];
        rows.forEach(r -> {
          for (int i = 0; i < 4; i++) {
            width[i] = Math.max(width[i], r[i].length());
          }
        });
        rows.forEach(r -> System.out.printf("%-" + (width[0] + 3) + "s%-" + (width[1] + 3) + "s%-" + (width[2] + 3) + "s%s%n",
            r[0], r[1], r[2], r[3]));
      }
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a registry entry and reconcile.")
  static class Remove implements Runnable {
    @ParentCommand
    RegistryCommand registry;

    @Parameters(index = "0", paramLabel = "SERVER", description = "Registry host (or its pull secret's name).")
    String server;

    @Override
    public void run() {
      try (KubeOptions.Connection kube = registry.parent.kube.connect()) {
        ObjectNode spec = (ObjectNode) InstalledControlPlane.spec(kube, registry.controlPlane).deepCopy();
        String defaultNamespace = namespace(spec);
        ArrayNode refs = spec.with("registryAccess").withArray("pullSecrets");
        for (int i = 0; i < refs.size(); i++) {
          String name = refs.get(i).path("name").asText();
          String namespace = refs.get(i).path("namespace").asText(defaultNamespace);
          Secret secret = kube.client().secrets().inNamespace(namespace).withName(name).get();
          boolean match = name.equals(server) || name.equals(secretName(server)) || secret != null && registries(secret).containsKey(server);
          if (!match) {
            continue;
          }
          refs.remove(i);
          if (secret != null && secret.getMetadata().getLabels() != null && secret.getMetadata().getLabels().containsKey(CREATED_BY)) {
            kube.client().secrets().inNamespace(namespace).withName(name).delete();
            System.out.println("Removed " + server + " and its Secret " + namespace + "/" + name);
          } else {
            System.out.println("Removed " + server + "; its Secret " + namespace + "/" + name + " was not made by `smm registry add`"
                + " and is left in place");
          }
          InstalledControlPlane.apply(kube, registry.controlPlane, spec, "reconciled");
          return;
        }
        throw new CliException("no registry " + server + " is configured (see `smm registry list`)", 1);
      }
    }
  }

  @Command(name = "reconcile", mixinStandardHelpOptions = true,
      description = "Copy the registries' pull secrets to the product's namespaces again (after their credentials changed).")
  static class Reconcile implements Runnable {
    @ParentCommand
    RegistryCommand registry;

    @Override
    public void run() {
      try (KubeOptions.Connection kube = registry.parent.kube.connect()) {
        InstalledControlPlane.apply(kube, registry.controlPlane, InstalledControlPlane.spec(kube, registry.controlPlane), "reconciled");
      }
    }
  }
}
