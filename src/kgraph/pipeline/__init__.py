"""The stages of a build after compiling: what changed, validating the staged store, what the build recorded."""
