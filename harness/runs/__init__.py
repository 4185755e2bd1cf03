"""A run as data: its options, its split into shards and their history, its results and verdict, merged
runs, known failures and the release gate. Outputs render this; nothing here renders."""
