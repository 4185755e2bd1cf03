<?php
/**
 * What happens without an admin: the daily structure sync and reconciliation, and content changes
 * noted on save (CONTENT-2, CONTENT-3) for the content queue (sync/content-queue.php) to send.
 */

defined( 'ABSPATH' ) || exit;

function igny8_register_sync_hooks() {
	add_action( IGNY8_STRUCTURE_HOOK, 'igny8_cron_sync_site_structure' );
	add_action( IGNY8_QUEUE_HOOK, 'igny8_send_content_queue' );
	add_action( 'wp_after_insert_post', 'igny8_on_post_changed', 10, 1 );
	add_action( 'set_object_terms', 'igny8_on_post_changed', 10, 1 );
	add_action( 'before_delete_post', 'igny8_on_post_changed', 10, 1 );
}

/**
 * The daily event. A failure is logged and the event stays scheduled: the next run retries (FAIL-3).
 * It also walks the content again (CONTENT-6), so what changed while nothing listened is put right.
 */
function igny8_cron_sync_site_structure() {
	if ( igny8_is_connected() ) {
		igny8_sync_site_structure_to_backend();
	}
	if ( igny8_is_connected() ) { // still: a refusal (CONN-8) stops everything
		igny8_start_backfill();
	}
}

/** Saved, re-termed, trashed or deleted: noted, never sent from here (FAIL-2). */
function igny8_on_post_changed( $post_id ) {
	if ( ! igny8_is_connected() ) {
		return;
	}
	$post = get_post( $post_id );
	if ( $post && ! wp_is_post_revision( $post ) && ! wp_is_post_autosave( $post ) && igny8_is_content_type( get_post_type_object( $post->post_type ) ) ) {
		igny8_enqueue_posts( array( (int) $post_id ) );
	}
}
