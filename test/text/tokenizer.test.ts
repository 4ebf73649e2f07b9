import { describe, expect, it } from '@jest/globals';
import { BOS_ID, EOS_ID, PAD_ID, splitTokens, Tokenizer, UNK_ID } from '../../src/text/tokenizer.js';

describe('tokenizer', () => {
  it('splits English into lower-case words and Chinese into characters, mixed text too', () => {
    expect(splitTokens('A tall Red chair, high-backed!')).toEqual(['a', 'tall', 'red', 'chair', 'high', 'backed']);
    expect(splitTokens('一个细颈的红色花瓶')).toEqual(['一', '个', '细', '颈', '的', '红', '色', '花', '瓶']);
    expect(splitTokens('a 红色 chair，3D')).toEqual(['a', '红', '色', 'chair', '3d']);
    // Full-width letters are folded by NFKC.
    expect(splitTokens('ＲＥＤ')).toEqual(['red']);
  });

  it('encodes to a fixed length with BOS/EOS/PAD and maps unknown tokens to UNK', () => {
    const t = Tokenizer.fromTexts(['a red chair', '红色椅子']);
    const ids = t.encode('a red sofa', 8);
    expect(ids.length).toBe(8);
    expect(ids[0]).toBe(BOS_ID);
    expect(ids[4]).toBe(EOS_ID);
    expect(ids[3]).toBe(UNK_ID);
    expect([...ids.slice(5)]).toEqual([PAD_ID, PAD_ID, PAD_ID]);
    expect(t.decode(t.encode('红色椅子', 10))).toEqual(['红', '色', '椅', '子']);
    // Truncation keeps EOS as the last token.
    const short = t.encode('a red chair a red chair', 4);
    expect([...short]).toEqual([BOS_ID, t.tokenIds('a')[0], t.tokenIds('red')[0], EOS_ID]);
  });

  it('round-trips through its JSON vocabulary file and rejects a malformed one', () => {
    const t = Tokenizer.fromTexts(['a red chair']);
    const back = Tokenizer.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect(back.tokens).toEqual(t.tokens);
    expect(() => Tokenizer.fromJSON({ format: 'kiln-vocab/1', tokens: ['a'] })).toThrow(/must be \[PAD\]/);
    expect(() => Tokenizer.fromJSON({ tokens: 3 })).toThrow(/not a kiln-vocab/);
  });
});
