// The emoji shortcodes Rewind's messages are likely to use, shown as Slack shows them.
// Unknown shortcodes stay as typed, as Slack does for emoji it does not know.
const EMOJI = {
  white_check_mark: '✅', heavy_check_mark: '✔️', ballot_box_with_check: '☑️', x: '❌', heavy_multiplication_x: '✖️',
  warning: '⚠️', rotating_light: '🚨', no_entry: '⛔', no_entry_sign: '🚫', stop_sign: '🛑', exclamation: '❗',
  heavy_exclamation_mark: '❗', question: '❓', grey_question: '❔', information_source: 'ℹ️', bulb: '💡',
  hourglass: '⌛', hourglass_flowing_sand: '⏳', stopwatch: '⏱️', alarm_clock: '⏰', timer_clock: '⏲️', clock: '🕒',
  calendar: '📅', date: '📅', spiral_calendar_pad: '🗓️',
  large_green_circle: '🟢', large_yellow_circle: '🟡', large_orange_circle: '🟠', red_circle: '🔴',
  large_blue_circle: '🔵', white_circle: '⚪', black_circle: '⚫', radio_button: '🔘',
  large_green_square: '🟩', green_square: '🟩', red_square: '🟥', yellow_square: '🟨', large_yellow_square: '🟨',
  white_large_square: '⬜', black_large_square: '⬛', white_square_button: '🔳', black_square_button: '🔲',
  rewind: '⏪', fast_forward: '⏩', arrow_forward: '▶️', double_vertical_bar: '⏸️', pause_button: '⏸️',
  black_right_pointing_double_triangle_with_vertical_bar: '⏭️', arrows_counterclockwise: '🔄', repeat: '🔁',
  arrow_right: '➡️', arrow_left: '⬅️', arrow_up: '⬆️', arrow_down: '⬇️', leftwards_arrow_with_hook: '↩️',
  twisted_rightwards_arrows: '🔀', heavy_minus_sign: '➖', heavy_plus_sign: '➕', checkered_flag: '🏁',
  rocket: '🚀', fire: '🔥', zap: '⚡', boom: '💥', tada: '🎉', sparkles: '✨', skull: '💀', ambulance: '🚑',
  lock: '🔒', unlock: '🔓', key: '🔑', shield: '🛡️', bell: '🔔', no_bell: '🔕', eyes: '👀', mag: '🔍',
  bust_in_silhouette: '👤', busts_in_silhouette: '👥', raised_hand: '✋', wave: '👋', point_right: '👉',
  thumbsup: '👍', '+1': '👍', thumbsdown: '👎', '-1': '👎', pray: '🙏', handshake: '🤝',
  bar_chart: '📊', chart_with_upwards_trend: '📈', chart_with_downwards_trend: '📉', clipboard: '📋', memo: '📝',
  pencil: '📝', pencil2: '✏️', floppy_disk: '💾', package: '📦', gear: '⚙️', wrench: '🔧', hammer: '🔨',
  hammer_and_wrench: '🛠️', construction: '🚧', test_tube: '🧪', broom: '🧹', wastebasket: '🗑️',
  card_file_box: '🗃️', file_cabinet: '🗄️', file_folder: '📁', open_file_folder: '📂', page_facing_up: '📄',
  link: '🔗', satellite: '📡', globe_with_meridians: '🌐', elephant: '🐘', robot_face: '🤖', ghost: '👻',
  sunny: '☀️', crescent_moon: '🌙', ok: '🆗', new: '🆕', sos: '🆘', dart: '🎯', trophy: '🏆', medal: '🏅',
  scroll: '📜', books: '📚', inbox_tray: '📥', outbox_tray: '📤', electric_plug: '🔌', battery: '🔋',
  traffic_light: '🚥', vertical_traffic_light: '🚦', pushpin: '📌', round_pushpin: '📍', hourglass_done: '⌛',
};

/** Replaces `:shortcode:` with the emoji; returns the text unchanged where none is known. */
export function emojify(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}
