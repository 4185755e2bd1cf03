<?php
// PHP's fatal errors after a refused file must not end the request under Apache.
ini_set( 'display_errors', '0' );
/*
 * At image build: compiles WordPress's PHP into opcache's file cache (opcache.file_cache, set in
 * the image's php.ini for Apache and the CLI), so that a new container's install and first requests
 * read compiled scripts instead of compiling WordPress again on a machine busy starting the stack.
 * A file that does not compile here (WordPress's files that redeclare each other's functions, and
 * are never loaded together) is left to be compiled when used, as without the cache.
 */
$roots   = PHP_SAPI === 'cli' ? array_slice( $argv, 1 ) : array( '/usr/share/wordpress', '/var/lib/wordpress/wp-content/mu-plugins' );
$compiled = 0;
foreach ( $roots as $root ) {
	$files = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( $root, FilesystemIterator::SKIP_DOTS | FilesystemIterator::FOLLOW_SYMLINKS ) );
	foreach ( $files as $file ) {
		if ( substr( $file->getFilename(), -4 ) !== '.php' ) {
			continue;
		}
		try {
			$compiled += @opcache_compile_file( $file->getRealPath() ) ? 1 : 0;
		} catch ( Throwable $e ) {
			// compiled when used, as without the cache
		}
	}
}
echo "igny8: compiled $compiled PHP files into opcache's file cache\n";
