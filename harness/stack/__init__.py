"""The test stack: images, TLS material, the compose project, faults, tenants and sweeping."""
