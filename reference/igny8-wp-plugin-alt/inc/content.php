<?php
/**
 * Content sync (capability content-sync, CONTENT-2): posts of synced types that are
 * published or updated are pushed to sync-content/; posts that leave "publish" or are
 * deleted are sent in "deleted".
 *
 * Posts touched during a request are collected and reconciled once, at shutdown, so that
 * terms set after the post was saved (block editor, wp_set_object_terms) are included.
 *
 * @package AcmeIgny8Sync
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Items per sync-content request. */
define( 'ACMESYNC_CONTENT_BATCH', 100 );

add_action( 'transition_post_status', 'acmesync_on_status_change', 10, 3 );
add_action( 'set_object_terms', 'acmesync_on_terms_set', 10, 1 );
add_action( 'before_delete_post', 'acmesync_on_delete', 10, 1 );
add_action( 'shutdown', 'acmesync_flush_content', 1 );

/**
 * The set of post IDs to reconcile at shutdown.
 *
 * @param int|null $post_id A post to add.
 * @return int[]
 */
function acmesync_touched( $post_id = null ) {
	static $ids = array();
	if ( null === $post_id ) {
		return array_keys( $ids );
	}
	if ( -1 === $post_id ) {
		$ids = array();
		return array();
	}
	$ids[ (int) $post_id ] = true;
	return array_keys( $ids );
}

/**
 * Whether a post type is one the structure holds.
 *
 * @param string $post_type Post type slug.
 * @return bool
 */
function acmesync_is_synced_type( $post_type ) {
	return in_array( (string) $post_type, acmesync_synced_post_types(), true );
}

/**
 * transition_post_status: a post entering, staying in or leaving "publish".
 *
 * @param string  $new_status New status.
 * @param string  $old_status Old status.
 * @param WP_Post $post       The post.
 */
function acmesync_on_status_change( $new_status, $old_status, $post ) {
	if ( ! ( $post instanceof WP_Post ) || ! acmesync_is_linked() ) {
		return;
	}
	if ( 'publish' !== $new_status && 'publish' !== $old_status ) {
		return;
	}
	if ( wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) || ! acmesync_is_synced_type( $post->post_type ) ) {
		return;
	}
	acmesync_touched( (int) $post->ID );
}

/**
 * set_object_terms: a published post's terms changed.
 *
 * @param int $object_id Object ID.
 */
function acmesync_on_terms_set( $object_id ) {
	if ( ! acmesync_is_linked() ) {
		return;
	}
	$post = get_post( (int) $object_id );
	if ( $post instanceof WP_Post && 'publish' === $post->post_status && acmesync_is_synced_type( $post->post_type ) ) {
		acmesync_touched( (int) $post->ID );
	}
}

/**
 * before_delete_post: a post is being deleted for good.
 *
 * @param int $post_id Post ID.
 */
function acmesync_on_delete( $post_id ) {
	if ( ! acmesync_is_linked() ) {
		return;
	}
	$post = get_post( (int) $post_id );
	if ( $post instanceof WP_Post && acmesync_is_synced_type( $post->post_type ) ) {
		acmesync_touched( (int) $post->ID );
	}
}

/**
 * One sync-content item for a published post.
 *
 * @param WP_Post $post The post.
 * @return array
 */
function acmesync_content_item( WP_Post $post ) {
	$title = str_replace( "\0", '', (string) $post->post_title );
	if ( function_exists( 'mb_strlen' ) && mb_strlen( $title, 'UTF-8' ) > 10000 ) {
		$title = mb_substr( $title, 0, 10000, 'UTF-8' );
	}

	$url = get_permalink( $post );
	if ( ! is_string( $url ) || strlen( $url ) > 2048 || ! preg_match( '#^https?://#i', $url ) ) {
		$url = '';
	}

	$modified = (string) $post->post_modified_gmt;
	if ( '' === $modified || 0 === strpos( $modified, '0000-00-00' ) ) {
		$modified = null;
	} else {
		$modified = str_replace( ' ', 'T', $modified ) . 'Z';
	}

	$terms   = array();
	$exposed = acmesync_synced_taxonomies();
	foreach ( get_object_taxonomies( $post->post_type ) as $taxonomy ) {
		if ( ! in_array( $taxonomy, $exposed, true ) ) {
			continue;
		}
		$slugs = wp_get_object_terms( $post->ID, $taxonomy, array( 'fields' => 'slugs' ) );
		if ( is_wp_error( $slugs ) || empty( $slugs ) ) {
			continue;
		}
		$clean = array();
		foreach ( $slugs as $slug ) {
			$slug = (string) $slug;
			if ( '' !== $slug && strlen( $slug ) <= 200 && ! in_array( $slug, $clean, true ) ) {
				$clean[] = $slug;
			}
		}
		if ( $clean ) {
			$terms[ $taxonomy ] = array_slice( $clean, 0, 1000 );
		}
	}

	return array(
		'external_id'  => (int) $post->ID,
		'post_type'    => (string) $post->post_type,
		'title'        => $title,
		'status'       => (string) $post->post_status,
		'url'          => $url,
		'modified_gmt' => $modified,
		'terms'        => (object) $terms,
	);
}

/**
 * shutdown: send what changed during this request.
 */
function acmesync_flush_content() {
	$ids = acmesync_touched();
	if ( ! $ids || ! acmesync_is_linked() ) {
		return;
	}
	acmesync_touched( -1 );

	$items   = array();
	$deleted = array();
	foreach ( $ids as $id ) {
		if ( $id < 1 ) {
			continue;
		}
		clean_post_cache( $id );
		$post = get_post( $id );
		if ( $post instanceof WP_Post && 'publish' === $post->post_status && acmesync_is_synced_type( $post->post_type ) ) {
			$items[] = acmesync_content_item( $post );
		} else {
			$deleted[] = array( 'external_id' => (int) $id );
		}
	}

	$batches = array();
	foreach ( array_chunk( $items, ACMESYNC_CONTENT_BATCH ) as $chunk ) {
		$batches[] = array(
			'items'   => $chunk,
			'deleted' => array(),
		);
	}
	foreach ( array_chunk( $deleted, ACMESYNC_CONTENT_BATCH ) as $chunk ) {
		$batches[] = array(
			'items'   => array(),
			'deleted' => $chunk,
		);
	}

	$started = microtime( true );
	foreach ( $batches as $batch ) {
		$left = acmesync_timeout() - ( microtime( true ) - $started );
		if ( $left <= 0 ) {
			acmesync_journal_add( 'error', 'Content sync failed: out of time for this request; the remaining changes were not sent.' );
			return;
		}
		$result = acmesync_post( acmesync_get_endpoint(), acmesync_get_token(), acmesync_get_link_id() . '/sync-content/', $batch, $left );
		if ( $result['ok'] ) {
			// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log
			error_log(
				sprintf(
					'[IGNY8] Content synced: %d upserted, %d deleted',
					isset( $result['data']['upserted'] ) ? (int) $result['data']['upserted'] : count( $batch['items'] ),
					isset( $result['data']['deleted'] ) ? (int) $result['data']['deleted'] : count( $batch['deleted'] )
				)
			);
		} else {
			acmesync_journal_add( 'error', 'Content sync failed: ' . acmesync_describe_failure( $result ) );
			return;
		}
	}
}
