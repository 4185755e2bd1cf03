<?php
/**
 * What happens without an admin: the daily structure sync, and content sync on save (CONTENT-2).
 */

defined( 'ABSPATH' ) || exit;

function igny8_register_sync_hooks() {
	add_action( IGNY8_STRUCTURE_HOOK, 'igny8_cron_sync_site_structure' );
	add_action( 'wp_after_insert_post', 'igny8_on_post_saved', 10, 4 );
	add_action( 'before_delete_post', 'igny8_on_post_deleted', 10, 2 );
}

/** The daily event. A failure is logged and the event stays scheduled: the next run retries (FAIL-3). */
function igny8_cron_sync_site_structure() {
	if ( igny8_is_connected() ) {
		igny8_sync_site_structure_to_backend();
	}
}

function igny8_is_synced_post( $post ) {
	if ( ! igny8_is_connected() || wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) ) {
		return false;
	}
	$type = get_post_type_object( $post->post_type );
	return $type && igny8_is_synced_type( $type );
}

function igny8_content_item( $post ) {
	$terms = array();
	foreach ( get_object_taxonomies( $post->post_type ) as $taxonomy ) {
		$slugs = wp_get_object_terms( $post->ID, $taxonomy, array( 'fields' => 'slugs' ) );
		if ( ! is_wp_error( $slugs ) && $slugs ) {
			$terms[ $taxonomy ] = array_values( array_map( 'strval', $slugs ) );
		}
	}
	return array(
		'external_id'  => $post->ID,
		'post_type'    => $post->post_type,
		'title'        => get_the_title( $post ),
		'status'       => $post->post_status,
		'url'          => (string) get_permalink( $post ),
		'modified_gmt' => mysql2date( 'Y-m-d\TH:i:s\Z', $post->post_modified_gmt, false ),
		'terms'        => (object) $terms,
	);
}

/** Published items are pushed; an item that leaves "publish" is sent as deleted. */
function igny8_on_post_saved( $post_id, $post, $update, $post_before ) {
	if ( ! igny8_is_synced_post( $post ) ) {
		return;
	}
	if ( 'publish' === $post->post_status ) {
		igny8_push_content( array( igny8_content_item( $post ) ), array() );
	} elseif ( $post_before && 'publish' === $post_before->post_status ) {
		igny8_push_content( array(), array( $post_id ) );
	}
}

function igny8_on_post_deleted( $post_id, $post ) {
	if ( $post && 'publish' === $post->post_status && igny8_is_synced_post( $post ) ) {
		igny8_push_content( array(), array( $post_id ) );
	}
}

function igny8_push_content( $items, $deleted_ids ) {
	$settings = igny8_get_settings();
	$body     = array(
		'items'   => $items,
		'deleted' => array_map(
			function ( $id ) {
				return array( 'external_id' => (int) $id );
			},
			$deleted_ids
		),
	);
	$result   = igny8_client( $settings )->post( $settings['integration_id'] . '/sync-content/', $body );
	if ( is_wp_error( $result ) ) {
		igny8_log( 'Content sync failed: ' . $result->get_error_message(), 'error' );
	}
}
