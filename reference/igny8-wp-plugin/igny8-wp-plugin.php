<?php
/**
 * Plugin Name:       IGNY8 WordPress Integration
 * Description:       Connects this site to IGNY8 and keeps its structure (post types, taxonomies, counts) in sync.
 * Version:           1.0.0
 * Requires at least: 5.7
 * Requires PHP:      7.4
 * Author:            IGNY8
 * License:           GPL-2.0-or-later
 * Text Domain:       igny8
 *
 * The reference implementation of the plugin side of spec/PROTOCOL.md.
 */

defined( 'ABSPATH' ) || exit;

define( 'IGNY8_PLUGIN_VERSION', '1.0.0' );
define( 'IGNY8_PLUGIN_FILE', __FILE__ );
define( 'IGNY8_PLUGIN_DIR', plugin_dir_path( __FILE__ ) );

require_once IGNY8_PLUGIN_DIR . 'includes/functions.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-api-client.php';
require_once IGNY8_PLUGIN_DIR . 'sync/content-queue.php';
require_once IGNY8_PLUGIN_DIR . 'sync/hooks.php';
require_once IGNY8_PLUGIN_DIR . 'includes/diagnostics.php';

if ( is_admin() ) {
	require_once IGNY8_PLUGIN_DIR . 'admin/class-admin.php';
	new Igny8_Admin();
}

register_activation_hook( __FILE__, 'igny8_activate' );
register_deactivation_hook( __FILE__, 'igny8_deactivate' );

igny8_register_sync_hooks();
