package io.smm.backend.gateway;

import java.util.List;

/**
 * A new way into the mesh through an IstioMeshGateway (seed 2.5.6 "Ports & Hosts > CREATE NEW"):
 * a port and protocol for some hosts, with TLS from an existing secret or from Let's Encrypt.
 */
public record EntryPoint(String namespace, String meshGateway, int port, String protocol, List<String> hosts, String tlsSecret,
    String letsEncryptEmail) {}
