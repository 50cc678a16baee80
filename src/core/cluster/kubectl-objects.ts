// Readers for the kubectl objects the tour understands: each checks the fields it uses and returns a
// plain record. Cross-object checks (does this node exist? is this podCIDR inside the pod network?)
// and defaults are the reader's job (reader.ts).

import { LineCounter, parseDocument } from 'yaml';
import { parseCidr, isIPv4 } from '../net/ipv4.js';
import type { Field } from './dump-fields.js';
import { locateJson, type Path } from './dump-source.js';
import type { EndpointModel, Protocol, ServiceModel, ServicePortModel } from './model.js';

export const FLANNEL = 'flannel.alpha.coreos.com/';
const MAC_RE = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/;

// ---- Node ----

export interface RawNode {
  readonly name: string;
  readonly internalIP: string | null;
  readonly publicIP: string | null;
  /** null only on a Calico node without spec.podCIDR (Calico's IPAM does not use it). */
  readonly podCIDR: string | null;
  readonly backendType: string | null;
  readonly vni: number | null;
  readonly vtepMac: string | null;
  readonly podCIDRField: Field;
  readonly addressesField: Field;
}

export function readNode(obj: Field, calico = false): RawNode {
  const meta = obj.get('metadata');
  const name = meta.get('name').string();
  const annotations = meta.get('annotations');
  annotations.optMap();

  const addressesField = obj.get('status').get('addresses');
  let internalIP: string | null = null;
  let firstInternal: Field | null = null;
  for (const a of addressesField.list()) {
    a.optMap();
    if (a.get('type').optString() !== 'InternalIP') continue;
    const addr = a.get('address');
    firstInternal ??= addr;
    const text = addr.optString();
    if (text !== null && isIPv4(text)) {
      internalIP = text;
      break;
    }
  }
  // A dual-stack node lists an IPv6 InternalIP too; only a node with no IPv4 one is wrong.
  if (internalIP === null && firstInternal !== null) firstInternal.ipv4();

  const podCIDRField = obj.get('spec').get('podCIDR');
  const podCIDR = podCIDRField.optCidr();
  if (podCIDR === null && !calico) {
    return podCIDRField.fail('missing: the node has no pod range (Flannel needs kube-controller-manager to allocate node CIDRs)');
  }

  const backendType = annotations.get(`${FLANNEL}backend-type`).optString();
  const publicIP = annotations.get(`${FLANNEL}public-ip`).optIPv4();
  let vni: number | null = null;
  let vtepMac: string | null = null;
  const dataField = annotations.get(`${FLANNEL}backend-data`);
  const dataText = dataField.optString();
  if (dataText !== null && dataText !== '' && dataText !== 'null') {
    let data: unknown;
    try {
      data = JSON.parse(dataText);
    } catch (e) {
      dataField.fail(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const embedded = dataField.embed(data, (p) => locateJson(dataText, p));
    if (data !== null) {
      embedded.optMap();
      vni = embedded.get('VNI').optInt(0, 16777215, 'a VXLAN network identifier');
      const mac = embedded.get('VtepMAC');
      const macText = mac.optString();
      if (macText !== null) {
        if (!MAC_RE.test(macText)) mac.fail(`not a MAC address ${JSON.stringify(macText)}`);
        vtepMac = macText.toLowerCase();
      }
    }
  }
  return { name, internalIP, publicIP, podCIDR, backendType, vni, vtepMac, podCIDRField, addressesField };
}

// ---- Pod ----

export type RawPod =
  | {
      readonly kind: 'pod';
      readonly namespace: string;
      readonly name: string;
      readonly podIP: string | null;
      readonly nodeName: string;
      readonly hostNetwork: boolean;
      readonly labels: Record<string, string>;
      readonly containerPorts: { name: string | null; port: number; protocol: Protocol }[];
      readonly podIPField: Field;
      readonly nodeNameField: Field;
    }
  | { readonly kind: 'finished'; readonly key: string; readonly phase: string }
  | { readonly kind: 'unscheduled'; readonly key: string };

export function readPod(obj: Field, namespace: string): RawPod {
  const meta = obj.get('metadata');
  const name = meta.get('name').string();
  const key = `${namespace}/${name}`;
  const spec = obj.get('spec');
  const status = obj.get('status');
  spec.optMap();
  status.optMap();
  const phase = status.get('phase').optString();
  if (phase === 'Succeeded' || phase === 'Failed') return { kind: 'finished', key, phase };
  const nodeNameField = spec.get('nodeName');
  const nodeName = nodeNameField.optString();
  if (nodeName === null || nodeName === '') return { kind: 'unscheduled', key };
  const hostNetwork = spec.get('hostNetwork').optBool() ?? false;
  const labels = meta.get('labels').stringMap();
  const podIPField = status.get('podIP');
  const podIP = podIPField.optIPv4();
  const containerPorts: { name: string | null; port: number; protocol: Protocol }[] = [];
  for (const c of spec.get('containers').list()) {
    c.optMap();
    for (const p of c.get('ports').list()) {
      p.optMap();
      const portName = p.get('name').optString();
      containerPorts.push({ name: portName === '' ? null : portName, port: p.get('containerPort').port(), protocol: p.get('protocol').protocol() });
    }
  }
  return { kind: 'pod', namespace, name, podIP, nodeName, hostNetwork, labels, containerPorts, podIPField, nodeNameField };
}

// ---- Service ----

export type RawService =
  | { readonly kind: 'service'; readonly model: ServiceModel; readonly clusterIPField: Field; readonly selectorText: string | null }
  | { readonly kind: 'external'; readonly key: string; readonly externalName: string | null };

export function readService(obj: Field, namespace: string): RawService {
  const meta = obj.get('metadata');
  const name = meta.get('name').string();
  const spec = obj.get('spec');
  spec.optMap();
  const type = spec.get('type').oneOf(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const, 'ClusterIP');
  if (type === 'ExternalName') return { kind: 'external', key: `${namespace}/${name}`, externalName: spec.get('externalName').optString() };

  const clusterIPField = spec.get('clusterIP');
  const clusterIPText = clusterIPField.optString();
  if (clusterIPText === null || clusterIPText === '') clusterIPField.fail('missing');
  const clusterIP = clusterIPText === 'None' ? 'None' : clusterIPField.ipv4();

  const ports: ServicePortModel[] = spec
    .get('ports')
    .list()
    .map((p) => {
      p.optMap();
      const portName = p.get('name').optString();
      const port = p.get('port').port();
      const tp = p.get('targetPort');
      let targetPort: number | string = port;
      if (typeof tp.value === 'string') {
        if (!/[a-z]/i.test(tp.value) || tp.value.length > 15) tp.fail(`not a port number or a port name: ${JSON.stringify(tp.value)}`);
        targetPort = tp.value;
      } else if (!tp.absent) {
        targetPort = tp.port();
      }
      return { name: portName === '' ? null : portName, port, protocol: p.get('protocol').protocol(), targetPort, nodePort: p.get('nodePort').optPort() };
    });

  const selector = spec.get('selector').stringMap();
  const selectorKeys = Object.keys(selector);
  return {
    kind: 'service',
    model: {
      namespace,
      name,
      type,
      clusterIP,
      ports,
      selector: selectorKeys.length > 0 ? selector : null,
      sessionAffinity: spec.get('sessionAffinity').oneOf(['None', 'ClientIP'] as const, 'None'),
      ...affinityTimeout(spec),
      externalTrafficPolicy: spec.get('externalTrafficPolicy').oneOf(['Cluster', 'Local'] as const, 'Cluster'),
      internalTrafficPolicy: spec.get('internalTrafficPolicy').oneOf(['Cluster', 'Local'] as const, 'Cluster'),
    },
    clusterIPField,
    selectorText: selectorKeys.length > 0 ? selectorKeys.map((k) => `${k}=${selector[k]}`).join(',') : null,
  };
}

// ---- EndpointSlice ----

export interface RawEndpoint {
  readonly model: EndpointModel;
  readonly nodeNameField: Field;
}

export type RawSlice =
  | {
      readonly kind: 'slice';
      readonly namespace: string;
      readonly name: string;
      readonly serviceName: string;
      readonly ports: { name: string | null; port: number; protocol: Protocol }[];
      readonly endpoints: RawEndpoint[];
    }
  | { readonly kind: 'other-family'; readonly key: string; readonly addressType: string }
  | { readonly kind: 'unowned'; readonly key: string };

export function readEndpointSlice(obj: Field, namespace: string): RawSlice {
  const meta = obj.get('metadata');
  const name = meta.get('name').string();
  const key = `${namespace}/${name}`;
  const serviceName = meta.get('labels').get('kubernetes.io/service-name').optString();
  const addressType = obj.get('addressType').string();
  if (addressType === 'IPv6' || addressType === 'FQDN') return { kind: 'other-family', key, addressType };
  if (addressType !== 'IPv4') obj.get('addressType').fail(`expected IPv4, IPv6 or FQDN, got ${JSON.stringify(addressType)}`);
  if (serviceName === null || serviceName === '') return { kind: 'unowned', key };

  const ports = obj
    .get('ports')
    .list()
    .map((p) => {
      p.optMap();
      const portName = p.get('name').optString();
      return { name: portName === '' ? null : portName, port: p.get('port').port(), protocol: p.get('protocol').protocol() };
    });

  const endpoints = obj
    .get('endpoints')
    .list()
    .map((e): RawEndpoint => {
      e.optMap();
      const addresses = e.get('addresses');
      const list = addresses.list();
      const first = list[0];
      if (first === undefined) return addresses.fail('empty: an endpoint needs an address');
      const conditions = e.get('conditions');
      conditions.optMap();
      const ready = conditions.get('ready').optBool() ?? true;
      const serving = conditions.get('serving').optBool() ?? ready;
      const terminating = conditions.get('terminating').optBool() ?? false;
      const nodeNameField = e.get('nodeName');
      const targetRef = e.get('targetRef');
      targetRef.optMap();
      let pod: string | null = null;
      if (targetRef.get('kind').optString() === 'Pod') {
        pod = `${targetRef.get('namespace').optString() ?? namespace}/${targetRef.get('name').string()}`;
      }
      return {
        model: {
          ip: first.ipv4(),
          nodeName: nodeNameField.optString(),
          ready,
          serving,
          terminating,
          pod,
          hostname: e.get('hostname').optString(),
        },
        nodeNameField,
      };
    });
  return { kind: 'slice', namespace, name, serviceName, ports, endpoints };
}

/** sessionAffinityConfig.clientIP.timeoutSeconds, when the dump has it (the API server allows 1 to 86400). */
function affinityTimeout(spec: Field): { affinityTimeoutSeconds?: number } {
  const seconds = spec.get('sessionAffinityConfig').get('clientIP').get('timeoutSeconds').optInt(1, 86400, 'a timeout in seconds');
  return seconds === null ? {} : { affinityTimeoutSeconds: seconds };
}

// ---- ConfigMaps ----

/** A YAML file held in a ConfigMap key, parsed; its errors name the key and the line inside the file. */
function embeddedYaml(field: Field): Field | null {
  const text = field.optString();
  if (text === null) return null;
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true });
  const err = doc.errors[0];
  if (err !== undefined) {
    const msg = (err.message.split('\n')[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, '');
    field.fail(`not valid YAML: ${msg}`, err.linePos?.[0].line ?? 1);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    field.fail(`not valid YAML: ${e instanceof Error ? e.message : String(e)}`, 1);
  }
  const locate = (path: Path): number => {
    let node: unknown = doc.contents;
    let offset = 0;
    for (const step of path) {
      const n = node as { items?: unknown[] } | null;
      if (n === null || typeof n !== 'object' || !Array.isArray(n.items)) break;
      let next: unknown;
      if (typeof step === 'number') {
        next = n.items[step];
        const r = (next as { range?: number[] } | undefined)?.range;
        if (r) offset = r[0] as number;
      } else {
        const pair = (n.items as { key?: { value?: unknown; range?: number[] }; value?: unknown }[]).find((p) => p.key !== undefined && String(p.key.value) === step);
        if (pair === undefined) break;
        if (pair.key?.range) offset = pair.key.range[0] as number;
        next = pair.value;
      }
      if (next === undefined) break;
      node = next;
    }
    return lc.linePos(offset).line;
  };
  const root = field.embed(value, locate);
  root.optMap();
  return root;
}

/** "10.244.0.0/16" or a dual-stack "10.244.0.0/16,fd00:10:244::/56": the IPv4 CIDR. */
function ipv4CidrOfList(f: Field): string | null {
  const text = f.optString();
  if (text === null || text.trim() === '') return null;
  const parts = text.split(',').map((s) => s.trim());
  const v4 = parts.find((p) => parseCidr(p) !== null);
  if (v4 === undefined) f.fail(`no IPv4 CIDR in ${JSON.stringify(text)}`);
  return v4;
}

export interface KubeProxyConfig {
  readonly mode: string;
  readonly clusterCIDR: string | null;
  readonly masqueradeAll: boolean;
  readonly masqueradeBit: number;
  readonly detectLocalMode: string | null;
}

export function readKubeProxyConfig(cm: Field): KubeProxyConfig | null {
  const data = cm.get('data').get('config.conf');
  const cfg = embeddedYaml(data);
  if (cfg === null) return null;
  const mode = cfg.get('mode').optString() ?? '';
  if (!['', 'iptables', 'ipvs', 'nftables', 'kernelspace'].includes(mode)) cfg.get('mode').fail(`not a kube-proxy mode (iptables, ipvs or nftables): ${JSON.stringify(mode)}`);
  const iptables = cfg.get('iptables');
  iptables.optMap();
  return {
    mode,
    clusterCIDR: ipv4CidrOfList(cfg.get('clusterCIDR')),
    masqueradeAll: iptables.get('masqueradeAll').optBool() ?? false,
    masqueradeBit: iptables.get('masqueradeBit').optInt(0, 31, 'a mark bit') ?? 14,
    detectLocalMode: cfg.get('detectLocalMode').optString() || null,
  };
}

export interface FlannelConfig {
  readonly network: string;
  readonly backendType: string;
  readonly vni: number;
  readonly port: number;
  readonly directRouting: boolean;
}

export function readFlannelConfig(cm: Field): FlannelConfig | null {
  const data = cm.get('data').get('net-conf.json');
  const text = data.optString();
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const pos = /at position (\d+)/.exec(raw);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : 1;
    data.fail(`not valid JSON: ${raw.replace(/ in JSON at position \d+.*$/s, '')}`, line);
  }
  const conf = data.embed(value, (p) => locateJson(text, p));
  conf.optMap();
  const networkField = conf.get('Network');
  if (networkField.absent) networkField.fail('missing');
  const network = networkField.optCidr() as string;
  const backend = conf.get('Backend');
  backend.optMap();
  const backendType = backend.get('Type').optString() ?? 'vxlan';
  const vni = backend.get('VNI').optInt(0, 16777215, 'a VXLAN network identifier') ?? 1;
  const port = backend.get('Port').optInt(0, 65535, 'a UDP port') ?? 0;
  return { network, backendType, vni, port: port === 0 ? 8472 : port, directRouting: backend.get('DirectRouting').optBool() ?? false };
}

/** The zone of the Corefile's `kubernetes` plugin line: the cluster domain. */
export function readCorefileDomain(cm: Field): string | null {
  const data = cm.get('data').get('Corefile');
  const text = data.optString();
  if (text === null) return null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*kubernetes\s+([^\s{]+)/.exec(lines[i] as string);
    if (m === null) continue;
    const zone = (m[1] as string).replace(/\.$/, '');
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(zone)) {
      data.fail(`the kubernetes plugin's zone is not a domain name: ${JSON.stringify(m[1])}`, i + 1);
    }
    return zone.toLowerCase();
  }
  return null;
}

export interface KubeadmNetworking {
  readonly serviceSubnet: string | null;
  readonly podSubnet: string | null;
}

export function readKubeadmConfig(cm: Field): KubeadmNetworking | null {
  const cfg = embeddedYaml(cm.get('data').get('ClusterConfiguration'));
  if (cfg === null) return null;
  const net = cfg.get('networking');
  net.optMap();
  return { serviceSubnet: ipv4CidrOfList(net.get('serviceSubnet')), podSubnet: ipv4CidrOfList(net.get('podSubnet')) };
}

export interface KubeletDns {
  readonly clusterDNS: string | null;
  readonly clusterDomain: string | null;
}

export function readKubeletConfig(cm: Field): KubeletDns | null {
  const cfg = embeddedYaml(cm.get('data').get('kubelet'));
  if (cfg === null) return null;
  const ips = cfg.get('clusterDNS').list();
  const v4 = ips.find((f) => typeof f.value === 'string' && isIPv4(f.value));
  if (v4 === undefined && ips[0] !== undefined) ips[0].ipv4();
  const domain = cfg.get('clusterDomain').optString();
  return { clusterDNS: v4 === undefined ? null : (v4.value as string), clusterDomain: domain === null || domain === '' ? null : domain.replace(/\.$/, '') };
}

