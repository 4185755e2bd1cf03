<?php
/**
 * Plugin Name: IGNY8 test site (test stacks only)
 * Description: Builds a site profile (fixtures/sites/*.yaml) in seconds, and makes it the site every reset returns to.
 *
 * Part of the test control (igny8-test-control.php, loaded first: mu-plugins load in name order), behind
 * the same token. A site is its own post statuses, post types and taxonomies (kept in an option and
 * registered on every request, before the harness's per-test registry), its terms, and its posts.
 * Posts are written in bulk with explicit IDs rather than through wp_insert_post(): tens of
 * thousands take seconds, and no save hook runs. The site is made on the restored site before any
 * plugin is activated, so that what an activation makes is made once per reset, as without a site.
 * The content tables are then copied aside, and igny8tc_reset() restores them instead of emptying them.
 */

defined( 'ABSPATH' ) || exit;
if ( ! defined( 'IGNY8_TEST_CONTROL_TOKEN' ) || '' === IGNY8_TEST_CONTROL_TOKEN || ! function_exists( 'igny8tc_route' ) ) {
	return;
}

const IGNY8TC_SITE        = 'igny8tc_site';
const IGNY8TC_SITE_SUFFIX = '_igny8tc_site';

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

/** The content tables copied aside: what every reset returns to from now on. */
function igny8tc_site_snapshot() {
	global $wpdb;
	$pristine = igny8tc_tables_table();
	foreach ( igny8tc_site_tables() as $table ) {
		$copy = $table . IGNY8TC_SITE_SUFFIX;
		$wpdb->query( "DROP TABLE IF EXISTS `$copy`" );
		$wpdb->query( "CREATE TABLE `$copy` LIKE `$table`" );
		$wpdb->query( "INSERT INTO `$copy` SELECT * FROM `$table`" );
		$wpdb->query( $wpdb->prepare( "INSERT IGNORE INTO $pristine (name) VALUES (%s)", $copy ) ); // not a plugin's table: a reset keeps it
	}
	// The site's registrations survive the options' restore too.
	$snapshot = igny8tc_snapshot_table();
	$wpdb->query( $wpdb->prepare( "DELETE FROM $snapshot WHERE option_name = %s", IGNY8TC_SITE ) );
	$wpdb->query( $wpdb->prepare( "INSERT INTO $snapshot SELECT * FROM {$wpdb->options} WHERE option_name = %s", IGNY8TC_SITE ) );
}

/** Back to no site: the copies and the option dropped, so that a reset empties the content again. */
function igny8tc_site_forget() {
	global $wpdb;
	$pristine = igny8tc_tables_table();
	foreach ( igny8tc_site_tables() as $table ) {
		$copy = $table . IGNY8TC_SITE_SUFFIX;
		$wpdb->query( "DROP TABLE IF EXISTS `$copy`" );
		$wpdb->query( $wpdb->prepare( "DELETE FROM $pristine WHERE name = %s", $copy ) );
	}
	$wpdb->query( $wpdb->prepare( 'DELETE FROM ' . igny8tc_snapshot_table() . ' WHERE option_name = %s', IGNY8TC_SITE ) );
	delete_option( IGNY8TC_SITE );
}

/** Called by igny8tc_reset(): restores the site's content, or says there is no site (false). */
function igny8tc_site_restore() {
	global $wpdb;
	$tables = igny8tc_site_tables();
	if ( ! $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $tables[0] . IGNY8TC_SITE_SUFFIX ) ) ) {
		return false;
	}
	foreach ( $tables as $table ) {
		$wpdb->query( "TRUNCATE TABLE `$table`" ); // far quicker than DELETE on a large site
		$wpdb->query( "INSERT INTO `$table` SELECT * FROM `$table" . IGNY8TC_SITE_SUFFIX . '`' );
	}
	return true;
}

/**
 * Builds a site from the pristine one: {statuses, post_types, taxonomies, terms: {taxonomy: [name |
 * {name, children}]}, posts: [{post_type, status, count, title, terms: {taxonomy: [names]}}]}.
 * An empty body goes back to no site. Answers what was made and how long it took.
 */
function igny8tc_site_build( WP_REST_Request $request ) {
	global $wpdb;
	$started = microtime( true );
	set_time_limit( 180 ); // the harness waits as long (harness/sites.py BUILD_TIMEOUT)
	igny8tc_site_forget();
	// Restored, but with no plugin activated yet: what their activation makes belongs to each reset, not to the site.
	$restored = igny8tc_restore();
	if ( is_wp_error( $restored ) ) {
		return $restored;
	}
	$site = array(
		'statuses'   => (array) ( $request['statuses'] ?? array() ),
		'post_types' => (array) ( $request['post_types'] ?? array() ),
		'taxonomies' => (array) ( $request['taxonomies'] ?? array() ),
	);
	$terms = (array) ( $request['terms'] ?? array() );
	$posts = (array) ( $request['posts'] ?? array() );
	if ( ! array_filter( $site ) && ! $terms && ! $posts ) {
		$reset = igny8tc_reset();
		return is_wp_error( $reset ) ? $reset : array( 'site' => false, 'seconds' => round( microtime( true ) - $started, 3 ) );
	}
	update_option( IGNY8TC_SITE, $site, true );
	$refused = igny8tc_site_register();
	if ( $refused ) {
		igny8tc_site_forget();
		return new WP_Error( 'igny8tc_site', 'WordPress refused the site: ' . implode( '; ', $refused ), array( 'status' => 400 ) );
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
	igny8tc_site_snapshot();
	$reset = igny8tc_reset(); // from the copy, with the plugins activated as at every reset
	if ( is_wp_error( $reset ) ) {
		return $reset;
	}
	return array(
		'site'    => true,
		'posts'   => $made,
		'terms'   => array_sum( array_map( 'count', $term_ids ) ),
		'seconds' => round( microtime( true ) - $started, 3 ),
	);
}

add_action(
	'rest_api_init',
	function () {
		igny8tc_route( '/site', 'POST', 'igny8tc_site_build' );
	}
);
