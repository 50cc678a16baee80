import { describe, expect, it } from 'vitest';
import { fitLine, hardWrap, lineText, lineWidth, seg, sideBySide, windowLines, wrapPreserving, wrapSegs } from '../../src/ui/text.js';

describe('styled line layout', () => {
  it('word-wraps segments within the width, keeping tones and a hanging indent', () => {
    const lines = wrapSegs([seg('The packet leaves '), seg('pod-a', 'code'), seg(', crosses the veth pair and reaches cni0 on node-1.')], 20, 2);
    for (const l of lines) expect(lineWidth(l)).toBeLessThanOrEqual(20);
    expect(lines.map(lineText)).toEqual(['The packet leaves', '  pod-a, crosses the', '  veth pair and', '  reaches cni0 on', '  node-1.']);
    expect(lines[1]!.find((s) => s.text.includes('pod-a'))?.tone).toBe('code');
  });

  it('breaks a word longer than the line', () => {
    const lines = wrapSegs([seg('KUBE-SVC-XJWXQFJLXSXKRMSG')], 10);
    expect(lines.map(lineText)).toEqual(['KUBE-SVC-X', 'JWXQFJLXSX', 'KRMSG']);
  });

  it('wraps preformatted text at spaces without collapsing them', () => {
    const lines = wrapPreserving('tcp      6 119 SYN_SENT src=10.244.1.10 dst=10.96.1.20', 24, 'code', 2);
    expect(lines.map(lineText)).toEqual(['tcp      6 119 SYN_SENT', '  src=10.244.1.10', '  dst=10.96.1.20']);
    expect(hardWrap('abcdefghij', 4).map(lineText)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('truncates with an ellipsis, and windows and joins columns', () => {
    expect(lineText(fitLine([seg('hello '), seg('world', 'code')], 8))).toBe('hello w…');
    expect(lineText(fitLine([seg('hello')], 8))).toBe('hello');
    const lines = ['a', 'b', 'c', 'd', 'e'].map((t) => [seg(t)]);
    const w = windowLines(lines, 2, 10);
    expect(w.lines.map(lineText)).toEqual(['d', 'e']);
    expect([w.above, w.below, w.offset]).toEqual([3, 0, 3]);
    expect(sideBySide([[seg('ab')]], [[seg('x')], [seg('y')]], 4, 1).map(lineText)).toEqual(['ab   x', '     y']);
  });
});
