"""Starting runs: a pytest process in a run folder (forked from a warm interpreter where it can be), and the matrix of cells."""
