export * from './tokenizer.js';
export { describeControlCharacter, findControlCharacter } from './control-characters.js';
