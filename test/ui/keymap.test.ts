import { describe, expect, it } from 'vitest';
import { keyHelp, keymap, type KeyInfo } from '../../src/ui/keymap.js';

const none: KeyInfo = {};

describe('keymap (input, key) -> command', () => {
  it.each([
    ['', { rightArrow: true }, 'next'],
    ['n', none, 'next'],
    ['', { leftArrow: true }, 'prev'],
    ['p', none, 'prev'],
    ['', { upArrow: true }, 'up'],
    ['k', none, 'up'],
    ['', { downArrow: true }, 'down'],
    ['j', none, 'down'],
    ['', { home: true }, 'first'],
    ['g', none, 'first'],
    ['', { end: true }, 'last'],
    ['G', none, 'last'],
    ['', { pageUp: true }, 'pageUp'],
    ['', { pageDown: true }, 'pageDown'],
    ['\r', { return: true }, 'select'],
    [' ', none, 'play'],
    ['+', none, 'faster'],
    ['=', none, 'faster'],
    ['-', none, 'slower'],
    ['r', none, 'direction'],
    ['c', none, 'observe'],
    ['d', none, 'dns'],
    ['', { tab: true }, 'nextStop'],
    [']', none, 'nextStop'],
    ['', { tab: true, shift: true }, 'prevStop'],
    ['[', none, 'prevStop'],
    ['q', none, 'back'],
    ['', { escape: true }, 'back'],
    ['', { escape: true, meta: true }, 'back'], // how Ink 6.8 reports a lone Esc
    ['?', none, 'help'],
  ] as [string, KeyInfo, string][])('%j %j -> %s', (input, key, type) => {
    expect(keymap(input, key)?.type).toBe(type);
  });

  it('maps digits to a digit command', () => {
    for (let d = 0; d <= 9; d++) expect(keymap(String(d), none)).toEqual({ type: 'digit', digit: d });
  });

  it('leaves Ctrl and Meta chords, unknown keys and pasted text alone', () => {
    expect(keymap('c', { ctrl: true })).toBeNull();
    expect(keymap('n', { meta: true })).toBeNull();
    expect(keymap('x', none)).toBeNull();
    expect(keymap('nn', none)).toBeNull();
    expect(keymap('', none)).toBeNull();
  });

  it('documents every command it can produce in the help sections', () => {
    const text = keyHelp(false).flatMap((s) => s.keys.map((k) => `${k.keys} ${k.what}`)).join('\n');
    for (const token of ['?', 'q', 'Esc', 'Enter', '1-9', 'Space', '+', 'r', 'c', 'd', 'Tab', 'Home', 'End', 'PgUp']) {
      expect(text).toContain(token);
    }
    expect(keyHelp(true).flatMap((s) => s.keys.map((k) => k.keys)).join(' ')).not.toMatch(/[^\x00-\x7f]/);
  });
});
