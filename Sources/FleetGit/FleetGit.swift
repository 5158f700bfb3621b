// FleetGit: see the module table in docs/architecture.md. Placeholder until the module lands.
