package io.smm.backend.cluster;

public record Label(String key, String value) {}
