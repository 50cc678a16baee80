// Builders for Kubernetes objects shaped like `kubectl get -o yaml` prints them (a kubeadm cluster
// with Flannel): the fields the reader uses plus the ordinary clutter around them (uids,
// timestamps, conditions, tolerations, volumes). managedFields are left out, as kubectl >= 1.21 does.

import { fnv1a32 } from '../../src/core/net/hash.js';

type Obj = Record<string, unknown>;

export function uid(name: string): string {
  const h = (s: string): string => fnv1a32(`${name}${s}`).toString(16).padStart(8, '0');
  const a = h('a');
  const b = h('b');
  const c = h('c');
  const d = h('d');
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

const T0 = '2025-03-02T09:14:27Z';
const T1 = '2025-03-02T09:16:05Z';
let rv = 1000;
export function resetResourceVersions(start = 1000): void {
  rv = start;
}
function nextRv(): string {
  rv += 7;
  return String(rv);
}

export interface NodeSpec {
  name: string;
  ip: string;
  podCIDR: string;
  controlPlane?: boolean;
  backend?: 'vxlan' | 'host-gw' | null;
  vtepMac?: string;
  publicIP?: string;
  extraAddresses?: { address: string; type: string }[];
}

export function node(s: NodeSpec): Obj {
  const annotations: Obj = {
    'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock',
    'node.alpha.kubernetes.io/ttl': '0',
    'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
  };
  const backend = s.backend === undefined ? 'vxlan' : s.backend;
  if (backend !== null) {
    annotations['flannel.alpha.coreos.com/backend-type'] = backend;
    annotations['flannel.alpha.coreos.com/backend-data'] = backend === 'vxlan' ? JSON.stringify({ VNI: 1, VtepMAC: s.vtepMac ?? '8e:4f:2a:10:6b:c1' }) : 'null';
    annotations['flannel.alpha.coreos.com/kube-subnet-manager'] = 'true';
    annotations['flannel.alpha.coreos.com/public-ip'] = s.publicIP ?? s.ip;
  }
  const labels: Obj = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': s.name,
    'kubernetes.io/os': 'linux',
  };
  if (s.controlPlane) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  const spec: Obj = { podCIDR: s.podCIDR, podCIDRs: [s.podCIDR] };
  if (s.controlPlane) spec['taints'] = [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }];
  const resources = { cpu: '2', 'ephemeral-storage': '19221248Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '4005292Ki', pods: '110' };
  const condition = (type: string, status: string, reason: string, message: string): Obj => ({
    lastHeartbeatTime: '2025-03-04T17:40:11Z',
    lastTransitionTime: T0,
    message,
    reason,
    status,
    type,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { annotations, creationTimestamp: T0, labels, name: s.name, resourceVersion: nextRv(), uid: uid(`node/${s.name}`) },
    spec,
    status: {
      addresses: [{ address: s.ip, type: 'InternalIP' }, ...(s.extraAddresses ?? []), { address: s.name, type: 'Hostname' }],
      allocatable: { ...resources, 'ephemeral-storage': '17714521301' },
      capacity: resources,
      conditions: [
        { ...condition('NetworkUnavailable', 'False', 'FlannelIsUp', 'Flannel is running on this node'), lastHeartbeatTime: T1 },
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: uid(`boot/${s.name}`),
        containerRuntimeVersion: 'containerd://1.7.24',
        kernelVersion: '6.8.0-51-generic',
        kubeProxyVersion: 'v1.32.2',
        kubeletVersion: 'v1.32.2',
        machineID: fnv1a32(`machine/${s.name}`).toString(16).padStart(8, '0').repeat(4),
        operatingSystem: 'linux',
        osImage: 'Ubuntu 24.04.1 LTS',
        systemUUID: uid(`system/${s.name}`),
      },
    },
  };
}

export interface ContainerPortSpec {
  name?: string;
  containerPort: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface PodSpec {
  namespace: string;
  name: string;
  nodeName: string | null;
  nodeIP: string;
  podIP: string | null;
  labels?: Record<string, string>;
  image?: string;
  containerName?: string;
  ports?: ContainerPortSpec[];
  hostNetwork?: boolean;
  owner?: { kind: string; name: string; apiVersion?: string };
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  annotations?: Record<string, string>;
  pendingMessage?: string;
}

export function pod(s: PodSpec): Obj {
  const phase = s.phase ?? (s.podIP === null ? 'Pending' : 'Running');
  const image = s.image ?? 'registry.k8s.io/e2e-test-images/agnhost:2.53';
  const running = phase === 'Running';
  const tokenVolume = `kube-api-access-${fnv1a32(`${s.namespace}/${s.name}`).toString(36).slice(0, 5).padEnd(5, 'x')}`;
  const metadata: Obj = {
    creationTimestamp: T1,
    labels: s.labels,
    name: s.name,
    namespace: s.namespace,
    resourceVersion: nextRv(),
    uid: uid(`pod/${s.namespace}/${s.name}`),
  };
  if (s.annotations) metadata['annotations'] = s.annotations;
  if (s.owner) {
    metadata['ownerReferences'] = [
      { apiVersion: s.owner.apiVersion ?? 'apps/v1', blockOwnerDeletion: true, controller: true, kind: s.owner.kind, name: s.owner.name, uid: uid(`owner/${s.owner.name}`) },
    ];
    if (s.owner.kind === 'ReplicaSet' || s.owner.kind === 'DaemonSet') metadata['generateName'] = `${s.name.slice(0, s.name.lastIndexOf('-') + 1)}`;
  }
  const container: Obj = {
    image,
    imagePullPolicy: 'IfNotPresent',
    name: s.containerName ?? 'app',
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: tokenVolume, readOnly: true }],
  };
  if (s.ports && s.ports.length > 0) container['ports'] = s.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' }));
  const spec: Obj = {
    containers: [container],
    dnsPolicy: s.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    serviceAccount: 'default',
    serviceAccountName: 'default',
    terminationGracePeriodSeconds: 30,
    tolerations: [
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
    ],
    volumes: [
      {
        name: tokenVolume,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
            { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
          ],
        },
      },
    ],
  };
  if (s.nodeName !== null) spec['nodeName'] = s.nodeName;
  if (s.hostNetwork) spec['hostNetwork'] = true;
  const cond = (type: string, status: string): Obj => ({ lastProbeTime: null, lastTransitionTime: T1, status, type });
  let status: Obj;
  if (s.nodeName === null) {
    status = {
      conditions: [
        {
          lastProbeTime: null,
          lastTransitionTime: T1,
          message: s.pendingMessage ?? '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
          reason: 'Unschedulable',
          status: 'False',
          type: 'PodScheduled',
        },
      ],
      phase: 'Pending',
      qosClass: 'Burstable',
    };
  } else {
    const done = phase === 'Succeeded' || phase === 'Failed';
    const containerID = `containerd://${[1, 2, 3, 4, 5, 6, 7, 8].map((k) => fnv1a32(`${s.namespace}/${s.name}#${k}`).toString(16).padStart(8, '0')).join('')}`;
    const imageID = `${image.slice(0, image.lastIndexOf(':'))}@sha256:${[1, 2, 3, 4, 5, 6, 7, 8].map((k) => fnv1a32(`${image}#${k}`).toString(16).padStart(8, '0')).join('')}`;
    const notReady = done ? { reason: 'PodCompleted' } : { message: `containers with unready status: [${s.containerName ?? 'app'}]`, reason: 'ContainersNotReady' };
    status = {
      conditions: [
        cond('PodReadyToStartContainers', running ? 'True' : 'False'),
        done ? { ...cond('Initialized', 'True'), reason: 'PodCompleted' } : cond('Initialized', 'True'),
        { ...cond('Ready', running ? 'True' : 'False'), ...(running ? {} : notReady) },
        { ...cond('ContainersReady', running ? 'True' : 'False'), ...(running ? {} : notReady) },
        cond('PodScheduled', 'True'),
      ],
      containerStatuses: [
        {
          ...(running || done ? { containerID } : {}),
          image,
          imageID: running || done ? imageID : '',
          lastState: {},
          name: s.containerName ?? 'app',
          ready: running,
          restartCount: 0,
          started: running,
          state: running
            ? { running: { startedAt: T1 } }
            : done
              ? { terminated: { containerID, exitCode: phase === 'Succeeded' ? 0 : 1, finishedAt: '2025-03-02T09:16:19Z', reason: phase === 'Succeeded' ? 'Completed' : 'Error', startedAt: T1 } }
              : { waiting: { reason: 'ContainerCreating' } },
        },
      ],
      hostIP: s.nodeIP,
      hostIPs: [{ ip: s.nodeIP }],
      phase,
      qosClass: 'BestEffort',
      startTime: T1,
    };
    if (s.podIP !== null) {
      status['podIP'] = s.podIP;
      status['podIPs'] = [{ ip: s.podIP }];
    }
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status };
}

export interface ServicePortSpec {
  name?: string;
  port: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  namespace: string;
  name: string;
  clusterIP: string;
  ports: ServicePortSpec[];
  selector?: Record<string, string>;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  sessionAffinity?: 'None' | 'ClientIP';
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
}

export function service(s: ServiceSpec): Obj {
  const type = s.type ?? 'ClusterIP';
  const spec: Obj = {
    clusterIP: s.clusterIP,
    clusterIPs: [s.clusterIP],
    internalTrafficPolicy: s.internalTrafficPolicy ?? 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports: s.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP', targetPort: p.targetPort ?? p.port })),
    sessionAffinity: s.sessionAffinity ?? 'None',
    type,
  };
  if (s.selector) spec['selector'] = s.selector;
  if (type !== 'ClusterIP') spec['externalTrafficPolicy'] = s.externalTrafficPolicy ?? 'Cluster';
  if (s.sessionAffinity === 'ClientIP') spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 10800 } };
  const metadata: Obj = { creationTimestamp: T1, name: s.name, namespace: s.namespace, resourceVersion: nextRv(), uid: uid(`svc/${s.namespace}/${s.name}`) };
  if (s.labels) metadata['labels'] = s.labels;
  if (s.annotations) metadata['annotations'] = s.annotations;
  return { apiVersion: 'v1', kind: 'Service', metadata, spec, status: { loadBalancer: {} } };
}

export interface EndpointSpec {
  ip: string;
  nodeName?: string;
  pod?: { namespace: string; name: string };
  hostname?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  /** Only `ready` in conditions (the apiserver's own kubernetes slice writes just that). */
  onlyReady?: boolean;
}

export interface SliceSpec {
  namespace: string;
  name: string;
  service: string;
  addressType?: 'IPv4' | 'IPv6' | 'FQDN';
  ports: { name?: string; port: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[] | null;
  endpoints: EndpointSpec[] | null;
  managedBy?: string;
  headless?: boolean;
}

export function endpointSlice(s: SliceSpec): Obj {
  const labels: Obj = {
    'endpointslice.kubernetes.io/managed-by': s.managedBy ?? 'endpointslice-controller.k8s.io',
    'kubernetes.io/service-name': s.service,
  };
  if (s.headless) labels['service.kubernetes.io/headless'] = '';
  const metadata: Obj = {
    creationTimestamp: T1,
    generation: 3,
    labels,
    name: s.name,
    namespace: s.namespace,
    resourceVersion: nextRv(),
    uid: uid(`eps/${s.namespace}/${s.name}`),
  };
  if ((s.managedBy ?? 'endpointslice-controller.k8s.io') === 'endpointslice-controller.k8s.io') {
    metadata['generateName'] = `${s.service}-`;
    metadata['annotations'] = { 'endpoints.kubernetes.io/last-change-trigger-time': T1 };
    metadata['ownerReferences'] = [{ apiVersion: 'v1', blockOwnerDeletion: true, controller: true, kind: 'Service', name: s.service, uid: uid(`svc/${s.namespace}/${s.service}`) }];
  }
  return {
    addressType: s.addressType ?? 'IPv4',
    apiVersion: 'discovery.k8s.io/v1',
    endpoints:
      s.endpoints === null
        ? null
        : s.endpoints.map((e) => {
            const ready = e.ready ?? true;
            const out: Obj = {
              addresses: [e.ip],
              conditions: e.onlyReady ? { ready } : { ready, serving: e.serving ?? ready, terminating: e.terminating ?? false },
            };
            if (e.hostname) out['hostname'] = e.hostname;
            if (e.nodeName) out['nodeName'] = e.nodeName;
            if (e.pod) out['targetRef'] = { kind: 'Pod', name: e.pod.name, namespace: e.pod.namespace, uid: uid(`pod/${e.pod.namespace}/${e.pod.name}`) };
            return out;
          }),
    kind: 'EndpointSlice',
    metadata,
    ports: s.ports === null ? null : s.ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

export function configMap(namespace: string, name: string, data: Record<string, string>, labels?: Record<string, string>): Obj {
  const metadata: Obj = { creationTimestamp: T0, name, namespace, resourceVersion: nextRv(), uid: uid(`cm/${namespace}/${name}`) };
  if (labels) metadata['labels'] = labels;
  return { apiVersion: 'v1', data, kind: 'ConfigMap', metadata };
}

export function kubeProxyConfigMap(opts: { mode?: string; clusterCIDR?: string; masqueradeAll?: boolean; masqueradeBit?: number | null }): Obj {
  const config = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: ${opts.clusterCIDR ?? '10.244.0.0/16'}
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: ${opts.masqueradeAll ?? false}
  masqueradeBit: ${opts.masqueradeBit === undefined || opts.masqueradeBit === null ? 'null' : opts.masqueradeBit}
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: "${opts.mode ?? ''}"
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForAlphaFeatures: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""
`;
  const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://192.168.1.11:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
`;
  const cm = configMap('kube-system', 'kube-proxy', { 'config.conf': config, 'kubeconfig.conf': kubeconfig }, { app: 'kube-proxy' });
  (cm['metadata'] as Obj)['annotations'] = { 'kubeadm.kubernetes.io/component-config.hash': 'sha256:8a6c1a2c4e3f5b7d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d' };
  return cm;
}

export function flannelConfigMap(opts: { network?: string; backend?: Record<string, unknown>; namespace?: string }): Obj {
  const netConf = JSON.stringify({ Network: opts.network ?? '10.244.0.0/16', EnableNFTables: false, Backend: opts.backend ?? { Type: 'vxlan' } }, null, 2);
  const cniConf = `{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
`;
  return configMap(opts.namespace ?? 'kube-flannel', 'kube-flannel-cfg', { 'cni-conf.json': cniConf, 'net-conf.json': `${netConf}\n` }, { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' });
}

export function corednsConfigMap(domain = 'cluster.local'): Obj {
  const corefile = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${domain} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success ${domain}
       disable denial ${domain}
    }
    loop
    reload
    loadbalance
}
`;
  return configMap('kube-system', 'coredns', { Corefile: corefile });
}

export function kubeadmConfigMap(opts: { serviceSubnet?: string; podSubnet?: string; dnsDomain?: string }): Obj {
  const cc = `apiServer: {}
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {}
dns: {}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: v1.32.2
networking:
  dnsDomain: ${opts.dnsDomain ?? 'cluster.local'}
  podSubnet: ${opts.podSubnet ?? '10.244.0.0/16'}
  serviceSubnet: ${opts.serviceSubnet ?? '10.96.0.0/12'}
proxy: {}
scheduler: {}
`;
  return configMap('kube-system', 'kubeadm-config', { ClusterConfiguration: cc });
}

export function kubeletConfigMap(opts: { clusterDNS?: string; clusterDomain?: string }): Obj {
  const kubelet = `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- ${opts.clusterDNS ?? '10.96.0.10'}
clusterDomain: ${opts.clusterDomain ?? 'cluster.local'}
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
crashLoopBackOff: {}
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
`;
  return configMap('kube-system', 'kubelet-config', { kubelet });
}

const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIDBTCCAe2gAwIBAgIIX2h1b3ZhYzEwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE
AxMKa3ViZXJuZXRlczAeFw0yNTAzMDIwOTA5MjdaFw0zNTAyMjgwOTE0MjdaMBUx
EzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
AoIBAQC7q3VbZ2xhc3NsZWFybmluZ2t1YmVwYWNrZXR0b3VyZml4dHVyZWNlcnQx
-----END CERTIFICATE-----
`;

export function rootCaConfigMap(namespace: string): Obj {
  const cm = configMap(namespace, 'kube-root-ca.crt', { 'ca.crt': CA_PEM });
  (cm['metadata'] as Obj)['annotations'] = { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' };
  return cm;
}

/** The objects a kubeadm control plane always has: kube-dns and kubernetes Services, with their slices. */
export function kubernetesService(clusterIP: string): Obj {
  return service({
    namespace: 'default',
    name: 'kubernetes',
    clusterIP,
    ports: [{ name: 'https', port: 443, targetPort: 6443 }],
    labels: { component: 'apiserver', provider: 'kubernetes' },
  });
}

export function kubernetesSlice(apiServerIP: string): Obj {
  return endpointSlice({
    namespace: 'default',
    name: 'kubernetes',
    service: 'kubernetes',
    ports: [{ name: 'https', port: 6443 }],
    endpoints: [{ ip: apiServerIP, onlyReady: true }],
    managedBy: 'endpointslicemirroring-controller.k8s.io',
  });
}

export function kubeDnsService(clusterIP: string): Obj {
  return service({
    namespace: 'kube-system',
    name: 'kube-dns',
    clusterIP,
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ],
    selector: { 'k8s-app': 'kube-dns' },
    labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
  });
}

export const COREDNS_PORTS: ContainerPortSpec[] = [
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
];
