export * from './tokenizer.js';
export { describeControlCharacter, findControlCharacter } from './control-characters.js';
export * from './understand-prompt.js';
