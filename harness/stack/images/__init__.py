"""The stack's images: a Debian base (from a registry or debootstrap), the backend's wheelhouse, and
the stamp that skips a build when nothing an image is built from changed."""
