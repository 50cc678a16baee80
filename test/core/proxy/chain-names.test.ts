import { describe, expect, it } from 'vitest';
import { endpointChain, serviceChain, servicePortName } from '../../../src/core/proxy/chain-names.js';

// Expected values are kube-proxy's own (proxier_test.go fixtures) and the reference's recomputed hashes.
describe('kube-proxy chain names', () => {
  it.each([
    ['ns1/svc1:p80', 'tcp', 'KUBE-SVC-XPGD46QRK7WJZT7O'],
    ['default/myapp:http', 'tcp', 'KUBE-SVC-JOCJVTCKLKOLHFVR'],
    ['default/myapp', 'tcp', 'KUBE-SVC-XJWXQFJLXSXKRMSG'],
    ['kube-system/kube-dns:dns', 'udp', 'KUBE-SVC-TCOU7JCQXEZGVUNU'],
    ['kube-system/kube-dns:dns-tcp', 'tcp', 'KUBE-SVC-ERIFXISQEP7F7OF4'],
    ['kube-system/kube-dns:metrics', 'tcp', 'KUBE-SVC-JD5MR3NA4I4DYORP'],
    ['default/kubernetes:https', 'tcp', 'KUBE-SVC-NPX46M4PTMTKRN6Y'],
  ])('%s %s -> %s', (spn, proto, chain) => {
    expect(serviceChain(spn, proto)).toBe(chain);
  });

  it.each([
    ['ns1/svc1:p80', 'tcp', '10.180.0.1:80', 'KUBE-SEP-SXIVWICOYRO3J4NJ'],
    ['default/myapp:http', 'tcp', '10.244.2.20:8080', 'KUBE-SEP-JGKLMG44THIQBVIA'],
    ['default/myapp:http', 'tcp', '10.244.1.11:8080', 'KUBE-SEP-JRCGPVY5L6KBVSTO'],
  ])('%s %s %s -> %s', (spn, proto, ep, chain) => {
    expect(endpointChain(spn, proto, ep)).toBe(chain);
  });

  it('omits the colon for an unnamed port', () => {
    expect(servicePortName('default', 'myapp', null)).toBe('default/myapp');
    expect(servicePortName('default', 'myapp', 'http')).toBe('default/myapp:http');
  });
});
