/**
 * Slack's published Block Kit and message limits, in one place so the local Slack enforces the
 * same numbers Rewind's renderers must respect. Lengths are in characters (UTF-16 code units).
 */
export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  blockId: 255,
  /** Any text object unless a tighter limit below applies. */
  textObject: 3000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  buttonUrl: 3000,
  imageUrl: 3000,
  altText: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  plainTextInputLength: 3000,
  modalTitle: 24,
  modalButton: 24,
  callbackId: 255,
  privateMetadata: 3000,
  externalId: 255,
} as const;

/** Top-level `text` of a message: longer is refused with `msg_too_long`. */
export const MESSAGE_TEXT_MAX = 40_000;

/**
 * Sum of the text in a message's blocks past which Slack answers `msg_blocks_too_long`. Slack
 * publishes no figure; refusals are reported from about 13,200 characters including structure,
 * so the local Slack refuses a little earlier to keep Rewind on the safe side.
 */
export const MESSAGE_BLOCKS_TEXT_MAX = 12_000;

export const BUTTON_STYLES = ['primary', 'danger'] as const;
