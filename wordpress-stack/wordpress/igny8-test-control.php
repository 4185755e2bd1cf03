<?php
/**
 * Plugin Name: IGNY8 test control (test stacks only)
 * Description: Lets the conformance harness shape this site through WordPress's own API.
 *
 * Loaded only where the stack defines IGNY8_TEST_CONTROL_TOKEN; every route demands that token
 * in the X-Igny8-Test-Token header. Routes live under /wp-json/igny8-test/v1 (or ?rest_route=).
 *
 * It knows the plugin under test only as the plugin in wp-content/plugins/igny8-wp-plugin/ (whatever
 * its main file is called): it never reads or writes an option of that plugin by name (spec/CONTRACT.md, 1.5).
 * Third-party plugins on the stack (--with-plugin) are the folders IGNY8_EXTRA_PLUGINS names: part of
 * the site. They are activated once, when the site is set up (igny8-test-site.php: /site, then the
 * harness loads wp-admin as the administrator, passing their first-run pages, then /site/settle),
 * and every reset returns to that state, copied after it; the plugin under test is activated afresh.
 */

defined( 'ABSPATH' ) || exit;
if ( ! defined( 'IGNY8_TEST_CONTROL_TOKEN' ) || '' === IGNY8_TEST_CONTROL_TOKEN ) {
	return;
}

/*
 * The stack's passwords are hashed at bcrypt's least cost. WordPress 6.8+ hashes with PHP's default,
 * cost 12 on PHP 8.4: 0.26 s for every login and every user made, of which a run does dozens (the
 * users of the capability checks, the browser's logins). No site's password is kept: the stack's
 * own are random and live as long as it does. (Older WordPress hashes with phpass: no filter, no cost.)
 */
add_filter(
	'wp_hash_password_options',
	static function ( $options ) {
		return array_merge( (array) $options, array( 'cost' => 4 ) );
	}
);

const IGNY8TC_REGISTRY   = 'igny8tc_registry';
const IGNY8TC_PLUGIN_DIR = 'igny8-wp-plugin';

/** The plugin under test: the file with a plugin header in its folder (the harness swaps the folder's files). */
function igny8tc_plugin() {
	require_once ABSPATH . 'wp-admin/includes/plugin.php';
	wp_cache_delete( 'plugins', 'plugins' ); // get_plugins() caches: the folder may hold another plugin since
	$found = array_keys( get_plugins( '/' . IGNY8TC_PLUGIN_DIR ) );
	return $found ? IGNY8TC_PLUGIN_DIR . '/' . $found[0] : IGNY8TC_PLUGIN_DIR . '/igny8-wp-plugin.php';
}

/** The third-party plugins' folders in wp-content/plugins/, in the order the run gave them. */
function igny8tc_extra_plugin_folders() {
	if ( ! defined( 'IGNY8_EXTRA_PLUGINS' ) || '' === IGNY8_EXTRA_PLUGINS ) {
		return array();
	}
	return array_values( array_filter( array_map( 'trim', explode( ',', IGNY8_EXTRA_PLUGINS ) ) ) );
}

/** folder => its plugin file (folder/file.php), '' where WordPress finds no plugin in the folder. */
function igny8tc_extra_plugins() {
	require_once ABSPATH . 'wp-admin/includes/plugin.php';
	$plugins = array();
	foreach ( igny8tc_extra_plugin_folders() as $folder ) {
		wp_cache_delete( 'plugins', 'plugins' );
		$found              = array_keys( get_plugins( '/' . $folder ) );
		$plugins[ $folder ] = $found ? $folder . '/' . $found[0] : '';
	}
	return $plugins;
}

/**
 * Activates, in order, each third-party plugin that is not active, through WordPress (its activation
 * hook runs). The first WordPress refuses stops it: a WP_Error naming the plugin, with WordPress's words.
 */
function igny8tc_activate_extra_plugins() {
	foreach ( igny8tc_extra_plugins() as $folder => $file ) {
		if ( '' === $file ) {
			$message = "third-party plugin $folder: WordPress finds no plugin in wp-content/plugins/$folder/";
			return new WP_Error( 'igny8tc_extra_plugin', $message, array( 'status' => 500, 'plugin' => $folder ) );
		}
		if ( is_plugin_active( $file ) ) {
			continue;
		}
		try {
			$result = activate_plugin( $file );
		} catch ( Throwable $error ) { // PHP 7+: an Error thrown while it loads or activates
			$result = new WP_Error( 'igny8tc_extra_plugin_error', get_class( $error ) . ': ' . $error->getMessage() );
		}
		if ( is_wp_error( $result ) ) {
			$message = "third-party plugin $file could not be activated: " . wp_strip_all_tags( $result->get_error_message() );
			return new WP_Error( 'igny8tc_extra_plugin', $message, array( 'status' => 500, 'plugin' => $file ) );
		}
	}
	return true;
}

/** Each third-party plugin as WordPress sees it: its folder, file, name, version and whether it is active. */
function igny8tc_extra_plugins_state() {
	$state = array();
	foreach ( igny8tc_extra_plugins() as $folder => $file ) {
		$data    = '' === $file ? array() : get_plugin_data( WP_PLUGIN_DIR . '/' . $file, false, false );
		$state[] = array(
			'folder'  => $folder,
			'file'    => $file,
			'name'    => isset( $data['Name'] ) ? $data['Name'] : '',
			'version' => isset( $data['Version'] ) ? $data['Version'] : '',
			'active'  => '' !== $file && is_plugin_active( $file ),
		);
	}
	return $state;
}

function igny8tc_token_matches( $given ) {
	return hash_equals( IGNY8_TEST_CONTROL_TOKEN, (string) $given );
}

/* ---- Post types and taxonomies from a JSON description, registered on every request ---- */

function igny8tc_register_all() {
	$registry = get_option( IGNY8TC_REGISTRY, array( 'post_types' => array(), 'taxonomies' => array() ) );
	foreach ( (array) ( $registry['statuses'] ?? array() ) as $slug => $def ) {
		register_post_status( $slug, array( 'label' => $def['label'], 'public' => (bool) ( $def['public'] ?? true ), 'show_in_admin_all_list' => true ) );
	}
	return igny8tc_register_entries( $registry['post_types'], $registry['taxonomies'] );
}
add_action( 'init', 'igny8tc_register_all', 5 );

/** Registers post types and taxonomies from their JSON descriptions; WordPress's refusals, as text. */
function igny8tc_register_entries( $post_types, $taxonomies ) {
	$errors = array();
	foreach ( (array) $post_types as $slug => $def ) {
		$result = register_post_type(
			$slug,
			array(
				'label'        => $def['label'],
				'public'       => (bool) ( $def['public'] ?? true ),
				'show_ui'      => (bool) ( $def['show_ui'] ?? ( $def['public'] ?? true ) ),
				'hierarchical' => (bool) ( $def['hierarchical'] ?? false ),
				'supports'     => array( 'title', 'editor' ),
			)
		);
		if ( is_wp_error( $result ) ) {
			$errors[] = "post type $slug: " . $result->get_error_message();
		}
	}
	foreach ( (array) $taxonomies as $slug => $def ) {
		$result = register_taxonomy(
			$slug,
			$def['object_types'] ?? array(),
			array(
				'label'        => $def['label'],
				'public'       => (bool) ( $def['public'] ?? true ),
				'show_ui'      => (bool) ( $def['show_ui'] ?? ( $def['public'] ?? true ) ),
				'hierarchical' => (bool) ( $def['hierarchical'] ?? false ),
			)
		);
		if ( is_wp_error( $result ) ) {
			$errors[] = "taxonomy $slug: " . $result->get_error_message();
		}
	}
	return $errors;
}

/* ---- A user without manage_options, given a valid nonce (SEC-6) -------------------------
 * A GET that carries the token in X-Igny8-Test-Grant is served as if its user could manage
 * options, so that a low-privilege user can load a settings page and hold that page's nonces.
 * Posting the form afterwards, without the header, tests the capability check on its own. */
add_filter(
	'user_has_cap',
	function ( $allcaps ) {
		$grant = $_SERVER['HTTP_X_IGNY8_TEST_GRANT'] ?? '';
		if ( 'GET' === ( $_SERVER['REQUEST_METHOD'] ?? '' ) && '' !== $grant && igny8tc_token_matches( $grant ) ) {
			$allcaps['manage_options'] = true;
		}
		return $allcaps;
	}
);

/* ---- The site's address as the plugin sees it (STRUCT-6, PROTOCOL.md 3) ----------------- */

/*
 * A site whose address holds characters beyond ASCII (https://bücher.example/, http://host/blog/é):
 * POST /home-url {"url": ...} makes home_url() with no path, what the plugin sends as site_url and
 * /state reports, give that address. Kept as a transient (never expiring) in the options table, so a
 * reset removes it and no check of the options a plugin added sees it. Only the bare home_url() changes:
 * every URL built on it with a path (permalinks, redirects, /wp-json/ and ?rest_route= links) and
 * get_rest_url()'s own are left alone, so wp-admin, the REST API and WP-Cron answer on the stack's host.
 */
const IGNY8TC_HOME_URL = 'igny8tc_home_url';

add_filter(
	'home_url',
	static function ( $url, $path ) {
		if ( '' !== (string) $path ) {
			return $url;
		}
		$address = get_transient( IGNY8TC_HOME_URL );
		if ( ! is_string( $address ) || '' === $address ) {
			return $url;
		}
		foreach ( debug_backtrace( DEBUG_BACKTRACE_IGNORE_ARGS, 8 ) as $frame ) { // phpcs:ignore WordPress.PHP.DevelopmentFunctions
			if ( isset( $frame['function'] ) && 'get_rest_url' === $frame['function'] ) {
				return $url;
			}
		}
		return $address;
	},
	10,
	2
);

/* wp_safe_redirect() allows only home_url()'s host: the stack's own stays allowed, so wp-admin's redirects still land. */
add_filter(
	'allowed_redirect_hosts',
	static function ( $hosts ) {
		$own = wp_parse_url( get_option( 'home' ), PHP_URL_HOST );
		return $own ? array_merge( (array) $hosts, array( $own ) ) : $hosts;
	}
);

/** Sets the address (an http or https address, no blank or control character, up to 2048 characters), or clears it with "". */
function igny8tc_set_home_url( WP_REST_Request $request ) {
	$url = $request['url'];
	if ( ! is_string( $url ) ) {
		return new WP_Error( 'igny8tc_home_url', 'url must be a string: the address, or "" to clear it', array( 'status' => 400 ) );
	}
	if ( '' === $url ) {
		delete_transient( IGNY8TC_HOME_URL );
		return array( 'home_url' => home_url() );
	}
	if ( strlen( $url ) > 2048 || ! preg_match( '#^https?://[^\s\x00-\x1f\x7f]+$#Du', $url ) ) {
		return new WP_Error( 'igny8tc_home_url', 'url must be http(s)://, valid UTF-8, at most 2048 bytes, without a blank or a control character', array( 'status' => 400 ) );
	}
	set_transient( IGNY8TC_HOME_URL, $url );
	return array( 'home_url' => home_url() );
}

/* ---- What WordPress itself says, for the harness to compare against ------------------- */

function igny8tc_wordpress_view() {
	$post_types = array();
	$public     = get_post_stati( array( 'public' => true ) );
	foreach ( get_post_types( array(), 'objects' ) as $type ) {
		$slug      = (string) $type->name; // the array key of "9" is the integer 9
		$by_status = array_filter( array_map( 'intval', (array) wp_count_posts( $slug ) ) );
		// STRUCT-3's count: the items in a status WordPress registers as public ("publish", bbPress's "closed"...)
		$count               = array_sum( array_intersect_key( $by_status, array_flip( $public ) ) );
		$post_types[ $slug ] = array(
			'label'        => $type->label,
			'public'       => (bool) $type->public,
			'show_ui'      => (bool) $type->show_ui,
			'hierarchical' => (bool) $type->hierarchical,
			'count'        => (int) $count,
			'by_status'    => (object) $by_status,
			'builtin'      => (bool) $type->_builtin, // WordPress's own; any other comes from a plugin, a theme or the harness
		);
	}
	$taxonomies = array();
	foreach ( get_taxonomies( array(), 'objects' ) as $taxonomy ) {
		$slug  = (string) $taxonomy->name;
		$count = wp_count_terms( array( 'taxonomy' => $slug, 'hide_empty' => false ) );
		if ( is_wp_error( $count ) ) {
			return new WP_Error( 'igny8tc_count', "wp_count_terms($slug): " . $count->get_error_message(), array( 'status' => 500 ) );
		}
		$taxonomies[ $slug ] = array(
			'label'        => $taxonomy->label,
			'public'       => (bool) $taxonomy->public,
			'show_ui'      => (bool) $taxonomy->show_ui,
			'hierarchical' => (bool) $taxonomy->hierarchical,
			'object_types' => array_values( (array) $taxonomy->object_type ),
			'count'        => (int) $count,
			'builtin'      => (bool) $taxonomy->_builtin,
		);
	}
	return array( 'post_types' => (object) $post_types, 'taxonomies' => (object) $taxonomies );
}

function igny8tc_cron_view() {
	$events = array();
	foreach ( (array) _get_cron_array() as $timestamp => $hooks ) {
		foreach ( $hooks as $hook => $instances ) {
			if ( 0 !== strpos( $hook, 'igny8' ) ) {
				continue;
			}
			foreach ( $instances as $instance ) {
				$events[] = array( 'hook' => $hook, 'timestamp' => (int) $timestamp, 'schedule' => $instance['schedule'] );
			}
		}
	}
	return $events;
}

/** Every registered post status: its label, whether it is public, and whether WordPress itself registers it. */
function igny8tc_post_statuses() {
	$statuses = array();
	foreach ( get_post_stati( array(), 'objects' ) as $status ) {
		$statuses[ (string) $status->name ] = array(
			'label'   => $status->label,
			'public'  => (bool) $status->public,
			'builtin' => (bool) $status->_builtin,
		);
	}
	return (object) $statuses;
}

function igny8tc_state() {
	global $wpdb;
	$plugin = get_plugin_data( WP_PLUGIN_DIR . '/' . igny8tc_plugin(), false, false );
	$view   = igny8tc_wordpress_view();
	if ( is_wp_error( $view ) ) {
		return $view;
	}
	return array(
		'versions'  => array(
			'wordpress' => get_bloginfo( 'version' ),
			'php'       => PHP_VERSION,
			'database'  => $wpdb->db_server_info(),
		),
		'home_url'  => home_url(),
		// The plugin's request timeout on this stack (FAIL-2): a stack setting, the spec's IGNY8_HTTP_TIMEOUT.
		'http_timeout' => defined( 'IGNY8_HTTP_TIMEOUT' ) ? (int) IGNY8_HTTP_TIMEOUT : 10,
		'plugin'    => array(
			'file'    => igny8tc_plugin(),
			'active'  => is_plugin_active( igny8tc_plugin() ),
			'name'    => $plugin['Name'],
			'version' => $plugin['Version'],
		),
		'extra_plugins' => igny8tc_extra_plugins_state(),
		'cron'      => igny8tc_cron_view(),
		'post_statuses' => igny8tc_post_statuses(),
		'wordpress' => $view,
	);
}

/** {taxonomy: [names]} as {taxonomy: [term ids]}, making missing terms: tax_input wants ids for hierarchical taxonomies. */
function igny8tc_term_ids( $terms ) {
	$ids = array();
	foreach ( (array) $terms as $taxonomy => $names ) {
		foreach ( (array) $names as $name ) {
			$term = term_exists( $name, $taxonomy );
			$term = $term ? $term : wp_insert_term( $name, $taxonomy );
			if ( ! is_wp_error( $term ) ) {
				$ids[ $taxonomy ][] = (int) $term['term_id'];
			}
		}
	}
	return $ids;
}

/* ---- The pristine site: taken right after install, before any plugin ran --------------- */

function igny8tc_snapshot_table() {
	global $wpdb;
	return $wpdb->prefix . 'igny8tc_pristine_options';
}

function igny8tc_tables_table() {
	global $wpdb;
	return $wpdb->prefix . 'igny8tc_pristine_tables';
}

/**
 * Which options the plugin under test added (CONN-10: uninstall removes what the plugin stored): each
 * option added by a call that passes through the plugin's own files, by name, in an option of the
 * test control's (reset with the site). WordPress's own (widgets, rewrite rules) and other plugins'
 * are not the plugin's to remove; telling them apart by who added them needs no list of names.
 */
const IGNY8TC_PLUGIN_OPTIONS = 'igny8tc_plugin_options';

add_action(
	'add_option',
	function ( $name ) {
		if ( IGNY8TC_PLUGIN_OPTIONS === $name || 0 === strpos( $name, '_transient' ) || 0 === strpos( $name, '_site_transient' ) ) {
			return;
		}
		$folder = wp_normalize_path( WP_PLUGIN_DIR . '/' . IGNY8TC_PLUGIN_DIR . '/' );
		foreach ( debug_backtrace( DEBUG_BACKTRACE_IGNORE_ARGS ) as $frame ) { // phpcs:ignore WordPress.PHP.DevelopmentFunctions
			if ( isset( $frame['file'] ) && 0 === strpos( wp_normalize_path( $frame['file'] ), $folder ) ) {
				$names = (array) get_option( IGNY8TC_PLUGIN_OPTIONS, array() );
				if ( ! in_array( $name, $names, true ) ) {
					$names[] = $name;
					update_option( IGNY8TC_PLUGIN_OPTIONS, $names, false );
				}
				return;
			}
		}
	}
);

/**
 * The options added since the site's copy (the pristine one, or the site as set up with its third-party
 * plugins, igny8-test-site.php), transients aside (they come and go with any page): what the plugin under
 * test, or WordPress on its behalf, has stored since.
 */
function igny8tc_options_added() {
	global $wpdb;
	$copy     = function_exists( 'igny8tc_site_options_copy' ) ? igny8tc_site_options_copy() : '';
	$snapshot = $copy ? $copy : igny8tc_snapshot_table();
	return $wpdb->get_col(
		"SELECT option_name FROM {$wpdb->options} WHERE option_name NOT IN (SELECT option_name FROM $snapshot)
		 AND option_name NOT LIKE '\\_transient\\_%' AND option_name NOT LIKE '\\_site\\_transient\\_%' ORDER BY option_name"
	);
}

/** Called by the stack's install script once WordPress is installed and before the plugin is activated. */
function igny8tc_take_snapshot() {
	global $wpdb;
	$snapshot = igny8tc_snapshot_table();
	if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $snapshot ) ) ) {
		return false;
	}
	update_option( 'igny8tc_pristine_max_user', (int) $wpdb->get_var( "SELECT MAX(ID) FROM {$wpdb->users}" ), false );
	$wpdb->query( "CREATE TABLE $snapshot LIKE {$wpdb->options}" );
	$wpdb->query( "INSERT INTO $snapshot SELECT * FROM {$wpdb->options}" );
	$tables = igny8tc_tables_table();
	$wpdb->query( "CREATE TABLE $tables (name VARCHAR(191) NOT NULL PRIMARY KEY)" );
	foreach ( $wpdb->get_col( 'SHOW TABLES' ) as $table ) {
		$wpdb->insert( $tables, array( 'name' => $table ) );
	}
	return true;
}

/**
 * Back to the site as it was set up (igny8-test-site.php: its profile, its third-party plugins activated
 * once and their first-run pages passed), then the plugin under test activated afresh. A site never set
 * up (a stack from `igny8 up` with no profile) is the pristine one, with the third-party plugins activated
 * here, before the plugin under test, as on a new site where they were installed first.
 */
function igny8tc_reset() {
	$restored = igny8tc_restore();
	if ( is_wp_error( $restored ) ) {
		return $restored;
	}
	$extra = igny8tc_activate_extra_plugins();
	if ( is_wp_error( $extra ) ) {
		return $extra;
	}
	$result = activate_plugin( igny8tc_plugin() );
	if ( is_wp_error( $result ) ) {
		return new WP_Error( 'igny8tc_activate', $result->get_error_message(), array( 'status' => 500 ) );
	}
	return array( 'ok' => true );
}

/**
 * The site as it was set up (igny8-test-site.php's copy: its profile, its third-party plugins active), or
 * else the pristine site with no plugin active; the plugin under test is not active in either.
 */
function igny8tc_restore() {
	global $wpdb;
	$snapshot = igny8tc_snapshot_table();
	if ( ! $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $snapshot ) ) ) {
		return new WP_Error( 'igny8tc_no_snapshot', 'no pristine snapshot: the stack was not installed by the harness', array( 'status' => 500 ) );
	}
	$source = function_exists( 'igny8tc_site_options_copy' ) ? igny8tc_site_options_copy() : ''; // first: a copy of another site is forgotten here
	$source = $source ? $source : $snapshot;
	$kept   = $wpdb->get_col( 'SELECT name FROM ' . igny8tc_tables_table() );
	if ( function_exists( 'igny8tc_site_kept_tables' ) ) {
		$kept = array_merge( $kept, igny8tc_site_kept_tables() ); // the third-party plugins' own tables, as set up
	}
	foreach ( $wpdb->get_col( 'SHOW TABLES' ) as $table ) {
		if ( ! in_array( $table, $kept, true ) ) {
			$wpdb->query( "DROP TABLE `$table`" ); // made by a plugin since: its activation makes it again
		}
	}
	$wpdb->query( "DELETE FROM {$wpdb->options}" );
	$wpdb->query( "INSERT INTO {$wpdb->options} SELECT * FROM $source" );
	// Rows go directly: the harness resets, it does not test deletion (and hooks would sync).
	// The site's content as set up (igny8-test-site.php) is restored; without a copy, content is emptied.
	if ( ! function_exists( 'igny8tc_site_restore' ) || ! igny8tc_site_restore() ) {
		$wpdb->query( "DELETE FROM {$wpdb->posts} WHERE post_type NOT IN ('attachment')" );
		$wpdb->query( "DELETE FROM {$wpdb->postmeta} WHERE post_id NOT IN (SELECT ID FROM {$wpdb->posts})" );
		$wpdb->query( "DELETE FROM {$wpdb->term_relationships}" );
		$wpdb->query( "DELETE t, tt FROM {$wpdb->terms} t JOIN {$wpdb->term_taxonomy} tt ON t.term_id = tt.term_id WHERE t.term_id <> 1" );
		$wpdb->query( "DELETE FROM {$wpdb->termmeta} WHERE term_id <> 1" );
		$wpdb->query( "UPDATE {$wpdb->term_taxonomy} SET count = 0" );
	}
	// Users made since, but the harness's own (igny8tc_<role>): they are kept to be reused.
	$max_user = (int) $wpdb->get_var( $wpdb->prepare( "SELECT option_value FROM $snapshot WHERE option_name = %s", 'igny8tc_pristine_max_user' ) );
	$others   = $wpdb->prepare( "SELECT ID FROM {$wpdb->users} WHERE ID > %d AND user_login NOT LIKE %s", $max_user, $wpdb->esc_like( 'igny8tc_' ) . '%' );
	$wpdb->query( "DELETE FROM {$wpdb->usermeta} WHERE user_id IN (SELECT ID FROM ($others) AS made)" );
	$wpdb->query( "DELETE FROM {$wpdb->users} WHERE ID IN (SELECT ID FROM ($others) AS made)" );
	wp_cache_flush();
	$log = WP_CONTENT_DIR . '/debug.log';
	if ( file_exists( $log ) ) {
		file_put_contents( $log, '' );
	}
	return true;
}

/** Where a string occurs in the WordPress database, or (with $is_pattern) where a regular expression
 * matches (one of many forms of a secret, in one query per column): [table.column, ...] (the pristine copy aside). */
function igny8tc_search( $needle, $is_pattern = false ) {
	global $wpdb;
	$found = array();
	foreach ( $wpdb->get_col( 'SHOW TABLES' ) as $table ) {
		if ( false !== strpos( $table, 'igny8tc_' ) ) {
			continue; // the harness's own copies, taken before the plugin under test ran
		}
		foreach ( $wpdb->get_results( "SHOW COLUMNS FROM `$table`" ) as $column ) {
			if ( ! preg_match( '/char|text|blob|json/i', $column->Type ) ) {
				continue;
			}
			$where = $is_pattern
				? $wpdb->prepare( "`{$column->Field}` REGEXP %s", $needle )
				: $wpdb->prepare( "`{$column->Field}` LIKE %s", '%' . $wpdb->esc_like( $needle ) . '%' );
			if ( (int) $wpdb->get_var( "SELECT COUNT(*) FROM `$table` WHERE $where" ) > 0 ) {
				$found[] = "$table.{$column->Field}";
			}
		}
	}
	return $found;
}

/* ---- Routes ---------------------------------------------------------------------------- */

function igny8tc_route( $path, $methods, $callback ) {
	register_rest_route(
		'igny8-test/v1',
		$path,
		array(
			'methods'             => $methods,
			'callback'            => $callback,
			'permission_callback' => function ( WP_REST_Request $request ) {
				if ( ! igny8tc_token_matches( $request->get_header( 'X-Igny8-Test-Token' ) ) ) {
					return false;
				}
				// Act as the first administrator, so WordPress's capability checks (assign_terms...) pass.
				$admins = get_users( array( 'role' => 'administrator', 'number' => 1, 'fields' => 'ID' ) );
				wp_set_current_user( $admins ? (int) $admins[0] : 0 );
				return true;
			},
		)
	);
}

add_action(
	'rest_api_init',
	function () {
		require_once ABSPATH . 'wp-admin/includes/plugin.php';

		igny8tc_route( '/state', 'GET', 'igny8tc_state' );
		/* The plugin's WP-Cron events alone: asked in every settle loop, where /state's plugin scan and counts cost half. */
		igny8tc_route( '/cron', 'GET', 'igny8tc_cron_view' );
		igny8tc_route( '/reset', 'POST', 'igny8tc_reset' );
		igny8tc_route( '/home-url', 'POST', 'igny8tc_set_home_url' );

		/* Activate the third-party plugins that are not active (a stack just made or changed): their state, or why WordPress refused one. */
		igny8tc_route(
			'/extra-plugins',
			'POST',
			function () {
				$result = igny8tc_activate_extra_plugins();
				return is_wp_error( $result ) ? $result : array( 'extra_plugins' => igny8tc_extra_plugins_state() );
			}
		);

		/* Replace the registered post types and taxonomies; WordPress's refusals are returned. */
		igny8tc_route(
			'/registry',
			'POST',
			function ( WP_REST_Request $request ) {
				$registry = array(
					'post_types' => (array) ( $request['post_types'] ?? array() ),
					'taxonomies' => (array) ( $request['taxonomies'] ?? array() ),
					'statuses'   => (array) ( $request['statuses'] ?? array() ), // {slug: {label, public}}, as a forum plugin's "closed"
				);
				foreach ( array_keys( (array) get_option( IGNY8TC_REGISTRY, array( 'post_types' => array() ) )['post_types'] ) as $old ) {
					if ( ! isset( $registry['post_types'][ $old ] ) ) {
						unregister_post_type( $old );
					}
				}
				foreach ( array_keys( (array) get_option( IGNY8TC_REGISTRY, array( 'taxonomies' => array() ) )['taxonomies'] ) as $old ) {
					if ( ! isset( $registry['taxonomies'][ $old ] ) ) {
						unregister_taxonomy( $old );
					}
				}
				update_option( IGNY8TC_REGISTRY, $registry, false );
				$errors = igny8tc_register_all();
				return array( 'errors' => $errors, 'wordpress' => igny8tc_wordpress_view() );
			}
		);

		/* Create posts: {items: [{post_type, title, status, terms: {taxonomy: [names]}, password, days_ahead}]}
		 * (a password makes it password-protected; days_ahead dates it that many days from now, as a "future" post is). */
		igny8tc_route(
			'/posts',
			'POST',
			function ( WP_REST_Request $request ) {
				$ids = array();
				foreach ( (array) $request['items'] as $item ) {
					$id = wp_insert_post(
						array(
							'post_type'   => $item['post_type'] ?? 'post',
							'post_title'  => $item['title'] ?? 'Untitled',
							'post_status' => $item['status'] ?? 'publish',
							'tax_input'   => igny8tc_term_ids( $item['terms'] ?? array() ),
						) + ( isset( $item['password'] ) ? array( 'post_password' => (string) $item['password'] ) : array() )
						+ ( isset( $item['days_ahead'] ) ? array( 'post_date' => wp_date( 'Y-m-d H:i:s', time() + (int) $item['days_ahead'] * DAY_IN_SECONDS ) ) : array() ),
						true,
						true
					);
					if ( is_wp_error( $id ) ) {
						return new WP_Error( 'igny8tc_post', $id->get_error_message(), array( 'status' => 400 ) );
					}
					$ids[] = $id;
				}
				return array( 'ids' => $ids );
			}
		);

		/* Every post but revisions, as {id: [post_type, post_status]}: the content a site had before a test. */
		igny8tc_route(
			'/posts/all',
			'GET',
			function () {
				global $wpdb;
				$posts = array();
				foreach ( $wpdb->get_results( "SELECT ID, post_type, post_status FROM {$wpdb->posts} WHERE post_type <> 'revision'" ) as $row ) {
					$posts[ (string) $row->ID ] = array( $row->post_type, $row->post_status );
				}
				return array( 'posts' => (object) $posts );
			}
		);

		/* Change posts: {ids: [...], action: trash|delete|draft|publish}. */
		igny8tc_route(
			'/posts/change',
			'POST',
			function ( WP_REST_Request $request ) {
				foreach ( (array) $request['ids'] as $id ) {
					switch ( $request['action'] ) {
						case 'trash':
							wp_trash_post( $id );
							break;
						case 'delete':
							wp_delete_post( $id, true );
							break;
						default:
							wp_update_post( array( 'ID' => $id, 'post_status' => $request['action'] ) );
					}
				}
				return array( 'changed' => count( (array) $request['ids'] ) );
			}
		);

		/* Create terms (or find them, if they exist): {taxonomy, names: [...]}. */
		igny8tc_route(
			'/terms',
			'POST',
			function ( WP_REST_Request $request ) {
				$ids = array();
				foreach ( (array) $request['names'] as $name ) {
					$term = term_exists( $name, $request['taxonomy'] );
					$term = $term ? $term : wp_insert_term( $name, $request['taxonomy'] );
					if ( is_wp_error( $term ) ) {
						return new WP_Error( 'igny8tc_term', $term->get_error_message(), array( 'status' => 400 ) );
					}
					$ids[] = $term['term_id'];
				}
				return array( 'ids' => $ids );
			}
		);

		/* The harness's user of a role ({role}), made once and kept across resets, with a fresh password. */
		igny8tc_route(
			'/users',
			'POST',
			function ( WP_REST_Request $request ) {
				$role = (string) $request['role'];
				if ( ! get_role( $role ) ) {
					return new WP_Error( 'igny8tc_role', "no role $role", array( 'status' => 400 ) );
				}
				$login    = 'igny8tc_' . $role;
				$password = wp_generate_password( 20, false );
				$user     = get_user_by( 'login', $login );
				$id       = $user ? wp_update_user( array( 'ID' => $user->ID, 'user_pass' => $password, 'role' => $role ) )
					: wp_insert_user( array( 'user_login' => $login, 'user_pass' => $password, 'user_email' => "$login@example.com", 'role' => $role ) );
				if ( is_wp_error( $id ) ) {
					return new WP_Error( 'igny8tc_user', $id->get_error_message(), array( 'status' => 400 ) );
				}
				return array( 'id' => $id, 'login' => $login, 'password' => $password );
			}
		);

		/* Run cron now: the due events, or {hook} now whether due or not. */
		igny8tc_route(
			'/cron/run',
			'POST',
			function ( WP_REST_Request $request ) {
				$ran  = array();
				$hook = $request['hook'];
				foreach ( (array) _get_cron_array() as $timestamp => $hooks ) {
					foreach ( $hooks as $name => $instances ) {
						if ( ( $hook && $name !== $hook ) || ( ! $hook && $timestamp > time() ) ) {
							continue;
						}
						foreach ( $instances as $instance ) {
							do_action_ref_array( $name, $instance['args'] );
							$ran[] = $name;
						}
					}
				}
				return array( 'ran' => $ran );
			}
		);

		/*
		 * Make {hook}'s scheduled events due: each is moved, as it is, to a minute ago, as if its time
		 * had come. Nothing runs here: WP-Cron runs it when wp-cron.php is requested.
		 */
		igny8tc_route(
			'/cron/due',
			'POST',
			function ( WP_REST_Request $request ) {
				$hook   = (string) $request['hook'];
				$due    = time() - MINUTE_IN_SECONDS;
				$crons  = _get_cron_array();
				$crons  = is_array( $crons ) ? $crons : array();
				$events = array();
				$from   = array();
				foreach ( $crons as $timestamp => $hooks ) {
					if ( ! isset( $hooks[ $hook ] ) ) {
						continue;
					}
					$events += $hooks[ $hook ]; // keyed by md5 of their arguments, as WordPress keys them
					$from[]  = (int) $timestamp;
					unset( $crons[ $timestamp ][ $hook ] );
					if ( empty( $crons[ $timestamp ] ) ) {
						unset( $crons[ $timestamp ] );
					}
				}
				if ( $events ) {
					$crons[ $due ][ $hook ] = isset( $crons[ $due ][ $hook ] ) ? $crons[ $due ][ $hook ] + $events : $events;
					ksort( $crons, SORT_NUMERIC ); // WP-Cron stops at the first event that is not due: the order matters
					_set_cron_array( $crons );
				}
				return array( 'due' => $due, 'from' => $from, 'cron' => igny8tc_cron_view() );
			}
		);

		/* Take WP-Cron's lock as spawn_cron() does before it requests wp-cron.php?doing_wp_cron=<the lock>: the lock's value. */
		igny8tc_route(
			'/cron/lock',
			'POST',
			function () {
				$lock = sprintf( '%.22F', microtime( true ) );
				set_transient( 'doing_cron', $lock );
				return array( 'lock' => $lock );
			}
		);

		/* Activate or deactivate the plugin under test through WordPress, hooks included. */
		igny8tc_route(
			'/plugin',
			'POST',
			function ( WP_REST_Request $request ) {
				if ( $request['active'] ) {
					$result = activate_plugin( igny8tc_plugin() );
					if ( is_wp_error( $result ) ) {
						return new WP_Error( 'igny8tc_activate', $result->get_error_message(), array( 'status' => 500 ) );
					}
				} else {
					deactivate_plugins( igny8tc_plugin() );
				}
				return array( 'active' => is_plugin_active( igny8tc_plugin() ) );
			}
		);

		/* Uninstall the plugin as deleting it in wp-admin does (deactivated, then uninstall_plugin()): its files stay, for the next reset. */
		igny8tc_route(
			'/plugin/uninstall',
			'POST',
			function () {
				deactivate_plugins( igny8tc_plugin() );
				uninstall_plugin( igny8tc_plugin() );
				return array( 'options_added' => igny8tc_options_added(), 'cron' => igny8tc_cron_view() );
			}
		);

		/* The options added since the pristine copy, transients aside. */
		igny8tc_route(
			'/options/added',
			'GET',
			function () {
				return array(
					'options_added' => igny8tc_options_added(),
					'by_plugin'     => array_values( (array) get_option( IGNY8TC_PLUGIN_OPTIONS, array() ) ),
				);
			}
		);

		/* Where a string is stored: {needle} -> {found: ["table.column", ...]}. */
		igny8tc_route(
			'/search',
			'POST',
			function ( WP_REST_Request $request ) {
				$pattern = (string) ( $request['pattern'] ?? '' );
				$needle  = '' !== $pattern ? $pattern : (string) $request['needle'];
				if ( strlen( $needle ) < 8 ) {
					return new WP_Error( 'igny8tc_needle', 'search for at least 8 characters', array( 'status' => 400 ) );
				}
				return array( 'found' => igny8tc_search( $needle, '' !== $pattern ) );
			}
		);

		/* The last lines of debug.log. */
		igny8tc_route(
			'/debug-log',
			'GET',
			function ( WP_REST_Request $request ) {
				$file  = WP_CONTENT_DIR . '/debug.log';
				$lines = file_exists( $file ) ? file( $file, FILE_IGNORE_NEW_LINES ) : array();
				return array( 'lines' => array_slice( $lines, -max( 1, (int) ( $request['lines'] ?? 200 ) ) ) );
			}
		);
	}
);

/* ---- The plugin under test's admin-ajax actions (SEC-5 searches what each answers) --------
 * Asked through admin-ajax.php itself (?action=igny8tc_ajax_actions, with the token), where
 * is_admin() holds and admin_init has run: the hooks a plugin adds only in wp-admin are there. */

/** The file a hook's callback is written in, '' when it cannot be told. */
function igny8tc_callback_file( $callback ) {
	try {
		if ( is_string( $callback ) && false !== strpos( $callback, '::' ) ) {
			$callback = explode( '::', $callback, 2 );
		}
		if ( is_array( $callback ) && 2 === count( $callback ) ) {
			return ( new ReflectionMethod( $callback[0], $callback[1] ) )->getFileName();
		}
		if ( is_string( $callback ) || $callback instanceof Closure ) {
			return ( new ReflectionFunction( $callback ) )->getFileName();
		}
		if ( is_object( $callback ) && method_exists( $callback, '__invoke' ) ) {
			return ( new ReflectionMethod( $callback, '__invoke' ) )->getFileName();
		}
	} catch ( ReflectionException $e ) {
		return '';
	}
	return '';
}

add_action(
	'wp_ajax_igny8tc_ajax_actions',
	function () {
		if ( ! igny8tc_token_matches( $_SERVER['HTTP_X_IGNY8_TEST_TOKEN'] ?? '' ) ) {
			wp_send_json_error( 'the test control token is missing', 403 );
		}
		global $wp_filter;
		$folder  = WP_PLUGIN_DIR . '/' . dirname( igny8tc_plugin() );
		$root    = trailingslashit( realpath( $folder ) ?: $folder );
		$actions = array();
		foreach ( $wp_filter as $hook => $filter ) {
			if ( 0 !== strpos( $hook, 'wp_ajax_' ) ) {
				continue;
			}
			foreach ( $filter->callbacks as $callbacks ) {
				foreach ( $callbacks as $entry ) {
					$file = (string) igny8tc_callback_file( $entry['function'] );
					if ( '' !== $file && 0 === strpos( realpath( $file ) ?: $file, $root ) ) {
						$nopriv             = 0 === strpos( $hook, 'wp_ajax_nopriv_' );
						$name               = substr( $hook, $nopriv ? strlen( 'wp_ajax_nopriv_' ) : strlen( 'wp_ajax_' ) );
						$actions[ $name ][] = $nopriv ? 'visitor' : 'user';
					}
				}
			}
		}
		wp_send_json_success( array_map( 'array_values', array_map( 'array_unique', $actions ) ) );
	}
);
