// The items of every menu, as data: a label, an optional detail, and what choosing it does. The
// reducer acts on `action`; the screens draw `label` and `detail`. Both call these functions, so
// what is shown is what is chosen.

import type { ClusterModel } from '../core/cluster/model.js';
import { COMPARISONS, COMPARISON_NAMES, type ComparisonName } from '../core/comparisons.js';
import type { AnyScenarioName } from '../core/request.js';
import { FAILURE_SCENARIOS, SCENARIOS, SCENARIO_NAMES } from '../core/scenarios.js';
import { TRAFFIC_FAILURE_SCENARIOS, TRAFFIC_SCENARIOS } from '../core/traffic-scenarios.js';
import { hostPort } from '../core/net/ipv4.js';
import type { Lesson } from '../content/types.js';
import type { AppState, Env, MenuState, ScenarioGroup, Screen } from './state.js';

export type MenuAction =
  | { readonly kind: 'continue'; readonly lessonId: number }
  | { readonly kind: 'lessons' }
  | { readonly kind: 'simulator' }
  | { readonly kind: 'quiz' }
  | { readonly kind: 'help' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'lesson'; readonly lessonId: number }
  | { readonly kind: 'scenario'; readonly name: AnyScenarioName }
  | { readonly kind: 'compare'; readonly name: ComparisonName }
  | { readonly kind: 'group'; readonly group: ScenarioGroup }
  | { readonly kind: 'custom' }
  | { readonly kind: 'client'; readonly ref: string }
  | { readonly kind: 'destination'; readonly to: string };

export interface MenuItem {
  readonly label: string;
  readonly detail: string | null;
  readonly action: MenuAction;
}

export function lessonStateText(state: AppState, env: Env, lessonId: number): string {
  const lesson = env.lessons.find((l) => l.id === lessonId);
  const pos = state.positions[lessonId];
  if (lesson === undefined) return '';
  const pages = lesson.pages.length;
  const done = state.finished.includes(lessonId);
  if (pos === undefined) return done ? 'read to the end' : 'not started';
  if (pos.page >= pages - 1) return 'read to the end';
  return done ? `read to the end; now on page ${pos.page + 1} of ${pages}` : `page ${pos.page + 1} of ${pages}`;
}

function readToEnd(state: AppState, env: Env, lessonId: number): boolean {
  const lesson = env.lessons.find((l) => l.id === lessonId);
  const pos = state.positions[lessonId];
  if (lesson === undefined) return false;
  return state.finished.includes(lessonId) || (pos !== undefined && pos.page >= lesson.pages.length - 1);
}

/**
 * The lesson Home's first item continues: the last one opened, unless it was read to the end,
 * then the next lesson after it not read to the end (null before any lesson was opened).
 */
export function continueLesson(state: AppState, env: Env): Lesson | null {
  const last = env.lessons.find((l) => l.id === state.lastLesson) ?? null;
  if (last === null || !readToEnd(state, env, last.id)) return last;
  const i = env.lessons.indexOf(last);
  const after = [...env.lessons.slice(i + 1), ...env.lessons.slice(0, i)];
  return after.find((l) => !readToEnd(state, env, l.id)) ?? last;
}

export function homeItems(state: AppState, env: Env): MenuItem[] {
  const items: MenuItem[] = [];
  const last = continueLesson(state, env);
  const first = env.lessons[0] ?? null;
  if (last !== null) {
    const verb = last.id === state.lastLesson ? 'Continue' : 'Next';
    items.push({ label: `${verb}: lesson ${last.id}, ${last.title}`, detail: lessonStateText(state, env, last.id), action: { kind: 'continue', lessonId: last.id } });
  } else if (first !== null) {
    items.push({ label: `Start: lesson ${first.id}, ${first.title}`, detail: `${first.minutes} min`, action: { kind: 'continue', lessonId: first.id } });
  }
  if (env.lessons.length > 0) items.push({ label: 'Lessons', detail: `${env.lessons.length} lessons, with where you are in each`, action: { kind: 'lessons' } });
  items.push({ label: 'Simulator', detail: 'follow any pod to any Service or pod, hop by hop', action: { kind: 'simulator' } });
  items.push({ label: 'Quiz', detail: '10 practice questions on a fresh cluster, with a code to share', action: { kind: 'quiz' } });
  items.push({ label: 'Help', detail: 'every key', action: { kind: 'help' } });
  items.push({ label: 'Quit', detail: null, action: { kind: 'quit' } });
  return items;
}

export function lessonItems(state: AppState, env: Env): MenuItem[] {
  return env.lessons.map((l) => ({
    label: l.bonus && !/^bonus\b/i.test(l.title) ? `${l.title} (bonus)` : l.title,
    detail: `${lessonStateText(state, env, l.id)}, ${l.minutes} min`,
    action: { kind: 'lesson', lessonId: l.id },
  }));
}

/** Each Simulator submenu: its menu line, and its screen's title and introduction. */
export const SCENARIO_GROUPS: Readonly<Record<ScenarioGroup, { readonly label: string; readonly detail: string; readonly title: string; readonly intro: string }>> = {
  beyond: {
    label: 'Beyond the source text',
    detail: 'NodePort from outside, externalTrafficPolicy and internalTrafficPolicy Local, a host-network client, session affinity, a headless Service',
    title: 'Beyond the source text',
    intro: 'Traffic the source text does not cover, on the same built-in cluster.',
  },
  failures: {
    label: 'What goes wrong',
    detail: 'missing br_netfilter, a wrong targetPort, a NetworkPolicy, Local policies without a local endpoint, a VXLAN MTU black hole, stale UDP conntrack',
    title: 'What goes wrong',
    intro: 'Each one with the symptom a client sees, and the hop where it happens.',
  },
  compare: {
    label: 'Side by side',
    detail: 'the same request under two choices, aligned hop by hop: CNI, kube-proxy mode, br_netfilter, ClusterIP or pod IP',
    title: 'Side by side',
    intro: 'Two traces of one request, row by row; Tab goes to the next row that differs.',
  },
};

/**
 * Your own trace, the source text's scenarios, then one submenu each for traffic beyond the source
 * text, what goes wrong, and side-by-side comparisons (so the menu stays under 20 items and the
 * number keys 2-9 open a scenario at once). Scenarios and comparisons are written for the built-in
 * cluster; they run on it whatever --cluster says.
 */
export function simulatorStartItems(env: Env): MenuItem[] {
  const builtinNote = env.cluster.source === 'built-in' ? '' : ' (built-in cluster)';
  return [
    { label: 'Choose the client pod and the destination', detail: `on ${env.cluster.source === 'built-in' ? 'the built-in cluster' : env.cluster.source}`, action: { kind: 'custom' } },
    ...SCENARIO_NAMES.map((name): MenuItem => ({ label: `${SCENARIOS[name].title}${builtinNote}`, detail: SCENARIOS[name].summary, action: { kind: 'scenario', name } })),
    ...(Object.keys(SCENARIO_GROUPS) as ScenarioGroup[]).map((group): MenuItem => ({ label: `${SCENARIO_GROUPS[group].label}: ${groupItems(group, env).length} more`, detail: SCENARIO_GROUPS[group].detail, action: { kind: 'group', group } })),
  ];
}

export function groupItems(group: ScenarioGroup, env: Env): MenuItem[] {
  const builtinNote = env.cluster.source === 'built-in' ? '' : ' (built-in cluster)';
  // Inside "What goes wrong" the titles' own "What goes wrong: " would only repeat the screen's title.
  const scenarioItem = (s: { readonly name: AnyScenarioName; readonly title: string; readonly summary: string }): MenuItem => ({
    label: `${group === 'failures' ? s.title.replace(/^What goes wrong: /, '') : s.title}${builtinNote}`,
    detail: s.summary,
    action: { kind: 'scenario', name: s.name },
  });
  switch (group) {
    case 'beyond':
      return Object.values(TRAFFIC_SCENARIOS).map(scenarioItem);
    case 'failures':
      return [...Object.values(FAILURE_SCENARIOS), ...Object.values(TRAFFIC_FAILURE_SCENARIOS)].map(scenarioItem);
    case 'compare':
      return COMPARISON_NAMES.map((name): MenuItem => ({ label: `${COMPARISONS[name].title}${builtinNote}`, detail: COMPARISONS[name].summary, action: { kind: 'compare', name } }));
  }
}

export function clientItems(cluster: ClusterModel): MenuItem[] {
  return cluster.pods
    .filter((p) => p.ip !== null && !p.hostNetwork)
    .map((p) => ({
      label: p.namespace === 'default' ? p.name : `${p.namespace}/${p.name}`,
      detail: `${p.ip} on ${p.nodeName}`,
      action: { kind: 'client', ref: `${p.namespace}/${p.name}` },
    }));
}

/** Services by DNS name, their ClusterIP:port, and pod IPs: everything a pod can dial. */
export function destinationItems(cluster: ClusterModel, clientRef: string | null): MenuItem[] {
  const items: MenuItem[] = [];
  const domain = cluster.dns.clusterDomain;
  const services = cluster.services.filter((s) => s.type !== 'ExternalName' && s.clusterIP !== 'None' && s.clusterIP !== '');
  for (const s of services) {
    items.push({ label: `${s.name}.${s.namespace}.svc.${domain}`, detail: `Service ${s.namespace}/${s.name}, by DNS name`, action: { kind: 'destination', to: `${s.name}.${s.namespace}.svc.${domain}` } });
  }
  for (const s of services) {
    for (const p of s.ports) {
      if (p.protocol !== 'TCP') continue;
      const to = hostPort(s.clusterIP, p.port);
      items.push({ label: to, detail: `ClusterIP of ${s.namespace}/${s.name}${p.name ? ` (${p.name})` : ''}`, action: { kind: 'destination', to } });
    }
  }
  for (const p of cluster.pods) {
    if (p.ip === null || p.hostNetwork || `${p.namespace}/${p.name}` === clientRef) continue;
    const port = p.containerPorts.find((c) => c.protocol === 'TCP')?.port ?? null;
    const to = hostPort(p.ip, port);
    items.push({ label: to, detail: `pod ${p.namespace}/${p.name} on ${p.nodeName}`, action: { kind: 'destination', to } });
  }
  return items;
}

/** The items of the menu on this screen, or null for a screen without one. */
export function menuOf(screen: Screen, state: AppState, env: Env): MenuItem[] | null {
  switch (screen.kind) {
    case 'home':
      return homeItems(state, env);
    case 'lessons':
      return lessonItems(state, env);
    case 'simulator':
      if (screen.stage === 'start') return simulatorStartItems(env);
      if (screen.stage === 'group') return groupItems(screen.group, env);
      if (screen.stage === 'client') return clientItems(env.cluster);
      return destinationItems(env.cluster, screen.client);
    default:
      return null;
  }
}

/**
 * A digit typed in a menu of `count` items: moves to that item number, and chooses it at once
 * unless a longer number could still follow (with 11 items, "1" waits for a second digit or Enter).
 */
export function typeDigit(menu: MenuState, count: number, digit: number): { menu: MenuState; choose: boolean } {
  let digits = `${menu.digits}${digit}`;
  let n = Number(digits);
  if (n < 1 || n > count) {
    digits = `${digit}`;
    n = digit;
    if (n < 1 || n > count) return { menu: { ...menu, digits: '' }, choose: false };
  }
  const ambiguous = n * 10 <= count;
  return { menu: { cursor: n - 1, digits: ambiguous ? digits : '' }, choose: !ambiguous };
}

/** Where q goes from the lesson on top: the screen under it. */
export function backTarget(state: AppState): string {
  const under = state.stack.at(-2);
  if (under === undefined) return 'q quits';
  if (under.kind === 'lessons') return 'q goes back to the lessons';
  if (under.kind === 'home') return 'q goes back to the home screen';
  return 'q goes back';
}

export function lessonAfter(env: Env, lesson: Lesson): Lesson | null {
  const i = env.lessons.findIndex((l) => l.id === lesson.id);
  return i < 0 ? null : (env.lessons[i + 1] ?? null);
}
