<?php
/*
 * Writes /etc/wordpress/config-default.php from the container's environment, once per start.
 * Values are var_export()ed, so no environment value can inject PHP.
 */
$env = function ( $name, $default = null ) {
	$value = getenv( $name );
	if ( false === $value || '' === $value ) {
		if ( null === $default ) {
			fwrite( STDERR, "igny8: set $name\n" );
			exit( 2 );
		}
		return $default;
	}
	return $value;
};
$constants = array(
	'DB_NAME'                  => $env( 'WP_DB_NAME', 'wordpress' ),
	'DB_USER'                  => $env( 'WP_DB_USER', 'wordpress' ),
	'DB_PASSWORD'              => $env( 'WP_DB_PASSWORD' ),
	'DB_HOST'                  => $env( 'WP_DB_HOST', 'mariadb' ),
	'WP_DEBUG'                 => true,
	'WP_DEBUG_LOG'             => true,
	'WP_DEBUG_DISPLAY'         => false,
	// No WP-Cron spawned by page loads: the harness runs events on demand, through the test-control
	// plugin or by requesting wp-cron.php itself, which this constant does not stop (scenarios/test_cron.py).
	'DISABLE_WP_CRON'          => true,
	'FS_METHOD'                => 'direct',
	'IGNY8_TEST_CONTROL_TOKEN' => $env( 'IGNY8_TEST_CONTROL_TOKEN', '' ),
	'IGNY8_HTTP_TIMEOUT'       => (int) $env( 'IGNY8_HTTP_TIMEOUT', '10' ),
	// The third-party plugins' folders in wp-content/plugins/, comma-separated (--with-plugin; the stack's compose override).
	'IGNY8_EXTRA_PLUGINS'      => $env( 'IGNY8_EXTRA_PLUGINS', '' ),
);
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as $salt ) {
	$constants[ $salt ] = hash( 'sha256', $salt . $env( 'WP_SALT' ) );
}
$php = "<?php\n// Written by write-config.php at container start.\n";
foreach ( $constants as $name => $value ) {
	$php .= 'define( ' . var_export( $name, true ) . ', ' . var_export( $value, true ) . " );\n";
}
// The site answers on whatever host and port it is reached by (the port is chosen at `up`).
$php .= "\$igny8_host = isset( \$_SERVER['HTTP_HOST'] ) ? \$_SERVER['HTTP_HOST'] : 'localhost';\n";
$php .= "define( 'WP_HOME', 'http://' . \$igny8_host );\ndefine( 'WP_SITEURL', 'http://' . \$igny8_host );\n";
file_put_contents( '/etc/wordpress/config-default.php', $php );
chmod( '/etc/wordpress/config-default.php', 0640 );
chgrp( '/etc/wordpress/config-default.php', 'www-data' );
