// Every lesson file, imported as text so esbuild bundles it into dist/cli.js (loader '.md': 'text'
// in scripts/build.mjs; tests use the plugin in vitest.config.ts). Add a lesson here when you add
// a file to lessons/; test/content checks that this list and the directory agree.

import l01 from '../../lessons/01-packet-journey.md';
import l02 from '../../lessons/02-visual-packet-flow.md';
import l03 from '../../lessons/03-inside-the-node.md';
import l04 from '../../lessons/04-packet-rewriting.md';
import l05 from '../../lessons/05-kube-proxy-and-cni.md';
import l06 from '../../lessons/06-cross-node.md';
import l07 from '../../lessons/07-staying-in-sync.md';
import l08 from '../../lessons/08-without-kube-proxy.md';
import l09 from '../../lessons/09-real-flow.md';
import l10 from '../../lessons/10-summary.md';
import l11 from '../../lessons/11-flannel-vxlan-internals.md';

export interface LessonSource {
  /** The file name in lessons/. */
  readonly file: string;
  readonly text: string;
}

export const LESSON_SOURCES: readonly LessonSource[] = [
  { file: '01-packet-journey.md', text: l01 },
  { file: '02-visual-packet-flow.md', text: l02 },
  { file: '03-inside-the-node.md', text: l03 },
  { file: '04-packet-rewriting.md', text: l04 },
  { file: '05-kube-proxy-and-cni.md', text: l05 },
  { file: '06-cross-node.md', text: l06 },
  { file: '07-staying-in-sync.md', text: l07 },
  { file: '08-without-kube-proxy.md', text: l08 },
  { file: '09-real-flow.md', text: l09 },
  { file: '10-summary.md', text: l10 },
  { file: '11-flannel-vxlan-internals.md', text: l11 },
];
