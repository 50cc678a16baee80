import { VERSION } from '../version.js';

export const HELP = `kube-packet-tour ${VERSION}: follow a packet between Kubernetes pods, hop by hop.

Usage:
  kube-packet-tour                      the interactive tour (lessons, simulator)
  kube-packet-tour lessons              list the lessons
  kube-packet-tour lesson <n>           open lesson n (1-10; 11 is the bonus lesson)
  kube-packet-tour trace [options]      print a packet's journey: DNS, request, reply
  kube-packet-tour rules [options]      print the iptables rules kube-proxy and Flannel program
  kube-packet-tour lab verify|up|down   Linux + root: build the cluster from real network namespaces,
                                        veths, bridges, VXLAN and iptables, and check the simulator
                                        against the kernel (verify), leave it running (up), remove it (down)

Trace options:
  --from POD                 client pod: NAME (namespace default) or NAMESPACE/NAME  [pod-a]
  --to NAME|IP[:PORT]        a Service name, a ClusterIP or a pod IP  [myapp.default.svc.cluster.local]
  --proto tcp|udp            [tcp]
  --scenario NAME            a named scenario: cross-node-clusterip, same-node-clusterip, pod-ip,
                             same-node-pod-ip, dns-lookup, hairpin, no-endpoints, nxdomain
  --seed N                   draw kube-proxy's random endpoint choice (and ports) from seed N
  --endpoint IP              pin the endpoint instead of drawing it
  --resolver glibc|musl      the client's stub resolver  [glibc]
  --json                     the Trace as JSON

Rules options:
  --node NAME                whose rules  [the first node]
  --format save|restore      what iptables-save prints on the node, or what kube-proxy
                             feeds iptables-restore  [save]

Shared options:
  --cluster FILE             a real cluster: kubectl get nodes,pods,services,endpointslices,configmaps
                             -A -o yaml (or -o json)  [the built-in two-node cluster]
  --proxy-mode iptables      kube-proxy's mode (ipvs is not simulated yet)
  --cni flannel-vxlan        the CNI data plane (others are not simulated yet)
  --plain                    print text, never start the interactive tour
  --no-color                 no colour (also NO_COLOR=1)
  --ascii                    ASCII instead of box drawing and arrows
  --screen-reader            a linear transcript for screen readers
  -h, --help                 this help
  -v, --version              the version

Exit codes: 0 success, 1 runtime failure (for lab verify: the kernel disagreed with the simulator),
2 usage or input error (for lab: not Linux, not root, or a tool missing).
`;
