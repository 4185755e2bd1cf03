<?php
/**
 * Plugin Name: IGNY8 test site (test stacks only)
 * Description: Sets a site up once (a site profile, fixtures/sites/*.yaml, and the third-party plugins), and makes it the site every reset returns to.
 *
 * Part of the test control (igny8-test-control.php, loaded first: mu-plugins load in name order), behind
 * the same token. A site is its own post statuses, post types and taxonomies (kept in an option and
 * registered on every request, before the harness's per-test registry), its third-party plugins
 * (--with-plugin), its terms, and its posts. It is set up in two requests: /site registers the entries and
 * activates the third-party plugins, once, as an administrator does; the harness then loads wp-admin as the
 * administrator, as a person does after activating plugins (their first-run redirects and welcome pages
 * are passed then, once), and fills the forms the profile names (a type made through another plugin's
 * screens); /site/settle makes the terms and posts, now that every registration is in place, and copies
 * the site aside: the options, the content tables and the tables the plugins made. Every reset restores
 * that copy and activates the plugin under test afresh (never the third-party plugins again).
 * Posts are written in bulk with explicit IDs rather than through wp_insert_post(): tens of
 * thousands take seconds, and no save hook runs.
 */

defined( 'ABSPATH' ) || exit;
if ( ! defined( 'IGNY8_TEST_CONTROL_TOKEN' ) || '' === IGNY8_TEST_CONTROL_TOKEN || ! function_exists( 'igny8tc_route' ) ) {
	return;
}

const IGNY8TC_SITE        = 'igny8tc_site';
const IGNY8TC_SITE_SUFFIX = '_igny8tc_site';
const IGNY8TC_SITE_EXTRAS = 'igny8tc_site_extras';

/** The content tables a site fills, and a reset restores. */
function igny8tc_site_tables() {
	global $wpdb;
	return array( $wpdb->posts, $wpdb->postmeta, $wpdb->terms, $wpdb->term_taxonomy, $wpdb->term_relationships, $wpdb->termmeta );
}

/** The site's statuses, post types and taxonomies; WordPress's refusals, as text. */
function igny8tc_site_register() {
	$site = get_option( IGNY8TC_SITE, array() );
	foreach ( (array) ( $site['statuses'] ?? array() ) as $slug => $def ) {
		register_post_status(
			$slug,
			array(
				'label'                     => $def['label'],
				'public'                    => (bool) ( $def['public'] ?? true ),
				'show_in_admin_all_list'    => true,
				'show_in_admin_status_list' => true,
			)
		);
	}
	return igny8tc_register_entries( $site['post_types'] ?? array(), $site['taxonomies'] ?? array() );
}
add_action( 'init', 'igny8tc_site_register', 4 );

/** Makes the terms of one taxonomy, depth first; [name => term_taxonomy_id], or a WP_Error. */
function igny8tc_site_terms( $taxonomy, $terms, $parent = 0 ) {
	$made = array();
	foreach ( (array) $terms as $term ) {
		$name   = is_array( $term ) ? $term['name'] : $term;
		$result = wp_insert_term( $name, $taxonomy, array( 'parent' => $parent ) );
		if ( is_wp_error( $result ) ) {
			return new WP_Error( 'igny8tc_site', "term $name in $taxonomy: " . $result->get_error_message(), array( 'status' => 400 ) );
		}
		$made[ $name ] = (int) $result['term_taxonomy_id'];
		if ( is_array( $term ) && ! empty( $term['children'] ) ) {
			$children = igny8tc_site_terms( $taxonomy, $term['children'], (int) $result['term_id'] );
			if ( is_wp_error( $children ) ) {
				return $children;
			}
			$made += $children;
		}
	}
	return $made;
}

/** Writes `count` posts of one group in bulk; returns the term_taxonomy ids it tagged, or a WP_Error. */
function igny8tc_site_posts( $group, $first_id, $term_ids ) {
	global $wpdb;
	$type   = (string) $group['post_type'];
	$status = (string) ( $group['status'] ?? 'publish' );
	$count  = (int) $group['count'];
	$title  = (string) ( $group['title'] ?? '{type} {n}' );
	$tagged = array();
	foreach ( (array) ( $group['terms'] ?? array() ) as $taxonomy => $names ) {
		foreach ( (array) $names as $name ) {
			if ( ! isset( $term_ids[ $taxonomy ][ $name ] ) ) {
				return new WP_Error( 'igny8tc_site', "posts of $type name the term $name of $taxonomy, which the site does not make", array( 'status' => 400 ) );
			}
			$tagged[] = $term_ids[ $taxonomy ][ $name ];
		}
	}
	$now = gmdate( 'Y-m-d H:i:s' );
	for ( $start = 0; $start < $count; $start += 500 ) {
		$rows      = array();
		$relations = array();
		for ( $i = $start; $i < min( $count, $start + 500 ); $i++ ) {
			$id     = $first_id + $i;
			$rows[] = $wpdb->prepare(
				"(%d, 1, %s, %s, '', %s, '', %s, 'closed', 'closed', '', %s, '', '', %s, %s, '', 0, %s, 0, %s, '', 0)",
				$id,
				$now,
				$now,
				strtr( $title, array( '{type}' => $type, '{n}' => $i + 1 ) ),
				$status,
				"igny8-site-$id",
				$now,
				$now,
				home_url( "/?p=$id" ),
				$type
			);
			foreach ( $tagged as $tt_id ) {
				$relations[] = sprintf( '(%d, %d, 0)', $id, $tt_id );
			}
		}
		$columns = '(ID, post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, comment_status, ping_status, post_password, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_parent, guid, menu_order, post_type, post_mime_type, comment_count)';
		if ( false === $wpdb->query( "INSERT INTO {$wpdb->posts} $columns VALUES " . implode( ',', $rows ) ) ) {
			return new WP_Error( 'igny8tc_site', "posts of $type: " . $wpdb->last_error, array( 'status' => 500 ) );
		}
		if ( $relations && false === $wpdb->query( "INSERT INTO {$wpdb->term_relationships} (object_id, term_taxonomy_id, term_order) VALUES " . implode( ',', $relations ) ) ) {
			return new WP_Error( 'igny8tc_site', "terms of $type: " . $wpdb->last_error, array( 'status' => 500 ) );
		}
	}
	return $tagged;
}

/** The copy of the options table taken when the site was set up: what every reset restores. */
function igny8tc_site_options_table() {
	global $wpdb;
	return $wpdb->prefix . 'igny8tc_site_options';
}

/** The third-party plugins' own tables, each with its copy: {name, copy}. */
function igny8tc_site_plugin_tables_table() {
	global $wpdb;
	return $wpdb->prefix . 'igny8tc_site_tables';
}

/** The options copy's name once the site is set up (igny8tc_restore() and igny8tc_options_added() read it), else ''. */
function igny8tc_site_options_copy() {
	global $wpdb;
	$copy = igny8tc_site_options_table();
	if ( ! $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $copy ) ) ) {
		return '';
	}
	// Set up with other third-party plugins than the stack now mounts (the WordPress container was replaced
	// with others, and no site was set up since): that copy is not this site's; back to the pristine one.
	$extras = $wpdb->get_var( $wpdb->prepare( "SELECT option_value FROM $copy WHERE option_name = %s", IGNY8TC_SITE_EXTRAS ) );
	if ( (string) $extras !== implode( ',', igny8tc_extra_plugin_folders() ) ) {
		igny8tc_site_forget();
		return '';
	}
	return $copy;
}

/** The third-party plugins' tables (and the copies) a reset keeps: they were there when the site was set up. */
function igny8tc_site_kept_tables() {
	global $wpdb;
	$list = igny8tc_site_plugin_tables_table();
	if ( ! $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $list ) ) ) {
		return array();
	}
	$kept = array( $list, igny8tc_site_options_table() );
	foreach ( $wpdb->get_results( "SELECT name, copy FROM $list" ) as $row ) {
		$kept[] = $row->name;
		$kept[] = $row->copy;
	}
	return $kept;
}

/** Replaces $table's rows with $copy's (TRUNCATE where there are many: far quicker than DELETE on a large site). */
function igny8tc_site_refill( $table, $copy ) {
	global $wpdb;
	$many = (int) $wpdb->get_var( "SELECT COUNT(*) FROM `$table`" ) > 2000;
	$wpdb->query( $many ? "TRUNCATE TABLE `$table`" : "DELETE FROM `$table`" );
	$wpdb->query( "INSERT INTO `$table` SELECT * FROM `$copy`" );
}

/**
 * The site as it is now copied aside, for every reset to return to: the options (the third-party plugins
 * active, their first run passed), the content tables, and the tables the third-party plugins made.
 * Taken before the plugin under test is activated: nothing of it is in the copy.
 */
function igny8tc_site_snapshot() {
	global $wpdb;
	$pristine = igny8tc_tables_table();
	$made     = array_diff( $wpdb->get_col( 'SHOW TABLES' ), $wpdb->get_col( "SELECT name FROM $pristine" ) );
	foreach ( igny8tc_site_tables() as $table ) {
		$copy = $table . IGNY8TC_SITE_SUFFIX;
		$wpdb->query( "DROP TABLE IF EXISTS `$copy`" );
		$wpdb->query( "CREATE TABLE `$copy` LIKE `$table`" );
		$wpdb->query( "INSERT INTO `$copy` SELECT * FROM `$table`" );
		$wpdb->query( $wpdb->prepare( "INSERT IGNORE INTO $pristine (name) VALUES (%s)", $copy ) ); // not a plugin's table: a reset keeps it
	}
	$list = igny8tc_site_plugin_tables_table();
	igny8tc_site_drop_plugin_copies();
	$wpdb->query( "CREATE TABLE $list (name VARCHAR(191) NOT NULL PRIMARY KEY, copy VARCHAR(64) NOT NULL)" );
	$kept = array();
	foreach ( $made as $table ) {
		if ( false !== strpos( $table, 'igny8tc_' ) ) {
			continue; // the harness's own
		}
		$copy = $wpdb->prefix . 'igny8tc_t_' . substr( md5( $table ), 0, 16 );
		$wpdb->query( "DROP TABLE IF EXISTS `$copy`" );
		$wpdb->query( "CREATE TABLE `$copy` LIKE `$table`" );
		$wpdb->query( "INSERT INTO `$copy` SELECT * FROM `$table`" );
		$wpdb->insert( $list, array( 'name' => $table, 'copy' => $copy ) );
		$kept[] = $table;
	}
	update_option( IGNY8TC_SITE_EXTRAS, implode( ',', igny8tc_extra_plugin_folders() ), false ); // which plugins this copy holds active
	$options = igny8tc_site_options_table();
	$wpdb->query( "DROP TABLE IF EXISTS $options" );
	$wpdb->query( "CREATE TABLE $options LIKE {$wpdb->options}" );
	$wpdb->query( "INSERT INTO $options SELECT * FROM {$wpdb->options}" );
	return $kept;
}

/** The copies of the plugins' tables dropped, and their list. */
function igny8tc_site_drop_plugin_copies() {
	global $wpdb;
	$list = igny8tc_site_plugin_tables_table();
	if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $list ) ) ) {
		foreach ( $wpdb->get_col( "SELECT copy FROM $list" ) as $copy ) {
			$wpdb->query( "DROP TABLE IF EXISTS `$copy`" );
		}
		$wpdb->query( "DROP TABLE $list" );
	}
}

/** Back to no site: the copies dropped, so that a reset goes back to the pristine site and empties the content. */
function igny8tc_site_forget() {
	global $wpdb;
	$pristine = igny8tc_tables_table();
	foreach ( igny8tc_site_tables() as $table ) {
		$copy = $table . IGNY8TC_SITE_SUFFIX;
		$wpdb->query( "DROP TABLE IF EXISTS `$copy`" );
		$wpdb->query( $wpdb->prepare( "DELETE FROM $pristine WHERE name = %s", $copy ) );
	}
	igny8tc_site_drop_plugin_copies();
	$wpdb->query( 'DROP TABLE IF EXISTS ' . igny8tc_site_options_table() );
	$wpdb->query( $wpdb->prepare( 'DELETE FROM ' . igny8tc_snapshot_table() . ' WHERE option_name = %s', IGNY8TC_SITE ) ); // a stack set up before: its copy held it
	delete_option( IGNY8TC_SITE );
}

/** Called by igny8tc_restore(): restores the site's content and its plugins' tables, or says there is no site (false). */
function igny8tc_site_restore() {
	global $wpdb;
	$tables = igny8tc_site_tables();
	if ( ! $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $tables[0] . IGNY8TC_SITE_SUFFIX ) ) ) {
		return false;
	}
	foreach ( $tables as $table ) {
		igny8tc_site_refill( $table, $table . IGNY8TC_SITE_SUFFIX );
	}
	$list = igny8tc_site_plugin_tables_table();
	if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $list ) ) ) {
		foreach ( $wpdb->get_results( "SELECT name, copy FROM $list" ) as $row ) {
			igny8tc_site_refill( $row->name, $row->copy );
		}
	}
	return true;
}

/**
 * Sets a site up, first half: from the pristine one, its post statuses, post types and taxonomies
 * ({statuses, post_types, taxonomies}, registered from now on at every request), then the third-party
 * plugins activated, once, through WordPress, as an administrator activates them. The plugin under
 * test is not active. The harness then loads wp-admin as the administrator (their first-run pages,
 * harness/clients/wordpress.py pass_first_run) and fills the forms the profile names, and calls
 * /site/settle, which makes the content and copies the site. An empty body is a site with no entries of its own.
 */
function igny8tc_site_build( WP_REST_Request $request ) {
	$started = microtime( true );
	igny8tc_site_forget();
	$restored = igny8tc_restore(); // the pristine site, no plugin active
	if ( is_wp_error( $restored ) ) {
		return $restored;
	}
	$site = array(
		'statuses'   => (array) ( $request['statuses'] ?? array() ),
		'post_types' => (array) ( $request['post_types'] ?? array() ),
		'taxonomies' => (array) ( $request['taxonomies'] ?? array() ),
	);
	if ( array_filter( $site ) ) {
		update_option( IGNY8TC_SITE, $site, true );
		$refused = igny8tc_site_register();
		if ( $refused ) {
			igny8tc_site_forget();
			return new WP_Error( 'igny8tc_site', 'WordPress refused the site: ' . implode( '; ', $refused ), array( 'status' => 400 ) );
		}
	}
	$extra = igny8tc_activate_extra_plugins();
	if ( is_wp_error( $extra ) ) {
		igny8tc_site_forget();
		return $extra;
	}
	return array(
		'settle'        => true, // the harness passes the plugins' first run, then calls /site/settle
		'extra_plugins' => igny8tc_extra_plugins_state(),
		'seconds'       => round( microtime( true ) - $started, 3 ),
	);
}

/**
 * Sets a site up, second half (after /site and the harness's first visit to wp-admin): its terms ({taxonomy:
 * [name | {name, children}]}) and posts ([{post_type, status, count, title, terms: {taxonomy: [names]}}]),
 * made now that every registration is in place, the third-party plugins' too; then the site is copied
 * (igny8tc_site_snapshot) and reset, the plugin under test activated afresh. Answers what was made and how long it took.
 */
function igny8tc_site_settle( WP_REST_Request $request ) {
	global $wpdb;
	$started = microtime( true );
	set_time_limit( 180 ); // the harness waits as long (harness/generate/sites.py BUILD_TIMEOUT)
	$terms = (array) ( $request['terms'] ?? array() );
	$posts = (array) ( $request['posts'] ?? array() );
	// A type or taxonomy no one registers here belongs to a third-party plugin left out on this cell (its
	// release does not run on this WordPress or PHP: harness/stack/corpus.py): its content is left out too, and said.
	$skipped = array();
	foreach ( array_keys( $terms ) as $taxonomy ) {
		if ( ! taxonomy_exists( $taxonomy ) ) {
			$skipped[] = "terms of $taxonomy: no plugin registers it here";
			unset( $terms[ $taxonomy ] );
		}
	}
	foreach ( $posts as $index => $group ) {
		if ( ! post_type_exists( (string) $group['post_type'] ) ) {
			$skipped[] = "{$group['count']} posts of {$group['post_type']}: no plugin registers it here";
			unset( $posts[ $index ] );
			continue;
		}
		$posts[ $index ]['terms'] = array_filter( (array) ( $group['terms'] ?? array() ), 'taxonomy_exists', ARRAY_FILTER_USE_KEY );
	}
	wp_defer_term_counting( true );
	$term_ids = array();
	foreach ( $terms as $taxonomy => $list ) {
		$made = igny8tc_site_terms( $taxonomy, $list );
		if ( is_wp_error( $made ) ) {
			igny8tc_site_forget();
			return $made;
		}
		$term_ids[ $taxonomy ] = $made;
	}
	$next   = 1 + (int) $wpdb->get_var( "SELECT MAX(ID) FROM {$wpdb->posts}" );
	$tagged = array();
	$made   = 0;
	foreach ( $posts as $group ) {
		$result = igny8tc_site_posts( $group, $next, $term_ids );
		if ( is_wp_error( $result ) ) {
			igny8tc_site_forget();
			return $result;
		}
		$next   += (int) $group['count'];
		$made   += (int) $group['count'];
		$tagged  = array_merge( $tagged, $result );
	}
	wp_defer_term_counting( false );
	foreach ( $term_ids as $taxonomy => $ids ) {
		wp_update_term_count_now( array_values( array_intersect( $ids, $tagged ) ), $taxonomy );
	}
	wp_cache_flush();
	$kept  = igny8tc_site_snapshot();
	$reset = igny8tc_reset(); // from the copy, the plugin under test activated afresh, as at every reset
	if ( is_wp_error( $reset ) ) {
		return $reset;
	}
	return array(
		'site'          => (bool) get_option( IGNY8TC_SITE ) || $made > 0 || array_filter( $term_ids ),
		'posts'         => $made,
		'terms'         => array_sum( array_map( 'count', $term_ids ) ),
		'plugin_tables' => $kept,
		'skipped'       => $skipped,
		'seconds'       => round( microtime( true ) - $started, 3 ),
	);
}

add_action(
	'rest_api_init',
	function () {
		igny8tc_route( '/site', 'POST', 'igny8tc_site_build' );
		igny8tc_route( '/site/settle', 'POST', 'igny8tc_site_settle' );
	}
);
