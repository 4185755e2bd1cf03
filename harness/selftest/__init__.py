"""The harness testing itself: mutants of the reference, the self-test that hunts them, and the plan of `./igny8 test` with its closing line."""
