/**
 * Manifest reading and validation, pure: documents in, objects or one error out. Every problem
 * names the resource, the field path and the value; a set with any problem is refused whole.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MizzenError } from '../../src/core/errors.ts';
import { decodeManifests } from '../../src/runtime/manifest/decode.ts';
import { parseManifestText } from '../../src/runtime/manifest/load.ts';

function decode(text: string, existing = { namespaces: [] as string[], serviceAccounts: [] as string[] }): ReturnType<typeof decodeManifests> {
  return decodeManifests(parseManifestText(text, 'test.yaml'), existing);
}

function refused(text: string): string {
  try {
    decode(text);
  } catch (err) {
    assert.ok(err instanceof MizzenError, String(err));
    assert.equal(err.code, 'MZ_INVALID_MANIFEST');
    return err.message;
  }
  assert.fail('expected the manifests to be refused');
}

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}, annotations: {a: b}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        command: [python3, -m, http.server]
        args: ["8000"]
        workingDir: /tmp
        env:
        - {name: A, value: one}
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        ports: [{name: http, containerPort: 8000}]
        securityContext: {runAsUser: 2000, runAsGroup: 3000}
        readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 2}
        livenessProbe: {tcpSocket: {port: 8000}}
        startupProbe: {exec: {command: ["true"]}, failureThreshold: 30}
`;

describe('manifests: decoding', () => {
  it('reads a multi-document file into typed objects with Kubernetes defaults', () => {
    const set = decode(`${DEPLOYMENT}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: cart, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: one, namespace: shop}
spec:
  serviceAccountName: cart
  restartPolicy: OnFailure
  containers: [{name: c, command: [sleep, "100"]}]
`);
    assert.equal(set.deployments.length, 1);
    const d = set.deployments[0];
    assert.equal(d?.spec.replicas, 2);
    const c = d?.spec.template.spec.containers[0];
    assert.deepEqual(c?.env, [{ name: 'A', value: 'one' }, { name: 'POD_IP', fieldPath: 'status.podIP' }]);
    assert.deepEqual(c?.readinessProbe, {
      initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1,
      httpGet: { path: '/ready', port: 'http', scheme: 'HTTP', httpHeaders: [] },
    });
    assert.equal(c?.livenessProbe?.periodSeconds, 10);
    assert.equal(c?.runAsUser, 2000);
    assert.equal(set.services[0]?.spec.ports[0]?.targetPort, 'http');
    assert.equal(set.services[0]?.spec.ports[0]?.protocol, 'TCP');
    assert.equal(set.pods[0]?.spec.restartPolicy, 'OnFailure');
    assert.equal(set.namespaces[0]?.metadata.labels['istio-injection'], 'enabled');
    assert.deepEqual(set.objects.map((o) => o.kind), ['Deployment', 'Service', 'Namespace', 'ServiceAccount', 'Pod']);
  });

  it('warns about Kubernetes fields it ignores, and expands kind: List', () => {
    const set = decode(`
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    volumes: [{name: tmp, emptyDir: {}}]
    containers: [{name: c, image: busybox, imagePullPolicy: Always, command: [sleep, "1"]}]
`);
    assert.equal(set.pods.length, 1);
    assert.ok(set.warnings.some((w) => w.includes('Pod default/p') && w.includes('spec.volumes')), set.warnings.join('\n'));
    assert.ok(set.warnings.some((w) => w.includes('spec.containers[0].imagePullPolicy')));
  });
});

describe('manifests: validation errors name the resource, the field path and the value', () => {
  it('refuses an unknown kind and an unknown apiVersion', () => {
    const msg = refused(`
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: default}
---
apiVersion: apps/v2
kind: Deployment
metadata: {name: web}
`);
    assert.match(msg, /ConfigMap default\/settings \(test.yaml \(document 1\)\): apiVersion "v1", kind "ConfigMap": unknown kind/);
    assert.match(msg, /Deployment default\/web \(test.yaml \(document 2\)\): apiVersion "apps\/v2"/);
    assert.match(msg, /2 problems in the manifests, nothing was applied/);
  });

  it('refuses wrong field types, with every problem listed', () => {
    const msg = refused(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop-1}
spec:
  replicas: two
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      restartPolicy: Sometimes
      containers:
      - name: web
        command: python3
        ports: [{containerPort: "80a"}]
        readinessProbe: {httpGet: {port: 99999}, periodSeconds: -1}
        securityContext: {runAsUser: root}
        bogus: true
`);
    assert.match(msg, /Deployment shop-1\/web \(test.yaml\): spec.replicas: "two": must be an integer/);
    assert.match(msg, /spec.template.spec.containers\[0\].command: "python3": must be a list/);
    assert.match(msg, /spec.template.spec.containers\[0\].ports\[0\].containerPort: "80a": must be an integer/);
    assert.match(msg, /spec.template.spec.containers\[0\].readinessProbe.httpGet.port: 99999: must be a port number/);
    assert.match(msg, /spec.template.spec.containers\[0\].readinessProbe.periodSeconds: -1: must be at least 1/);
    assert.match(msg, /spec.template.spec.containers\[0\].securityContext.runAsUser: "root": must be an integer/);
    assert.match(msg, /spec.template.spec.containers\[0\].bogus: true: unknown field/);
    assert.match(msg, /spec.template.spec.restartPolicy: "Sometimes": must be Always, OnFailure or Never/);
  });

  it('needs a command, since no image can be pulled here', () => {
    const msg = refused(`
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: nginx, image: nginx:1.25}]
`);
    assert.match(msg, /Pod default\/web \(test.yaml\): spec.containers\[0\].command: container "nginx" has no command \(the image "nginx:1.25" cannot be pulled here/);
  });

  it('checks namespaces, service accounts, duplicates, selectors and named probe ports across the set', () => {
    const msg = refused(`
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: nowhere}
spec: {containers: [{name: c, command: [sleep, "1"]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  serviceAccountName: ghost
  containers: [{name: c, command: [sleep, "1"], readinessProbe: {tcpSocket: {port: web}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec: {containers: [{name: c, command: [sleep, "1"]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: c, command: [sleep, "1"]}]}
`);
    assert.match(msg, /Pod default\/b.*readinessProbe.tcpSocket.port: "web": names no port of container "c"/);
    assert.match(msg, /Deployment default\/d.*selector does not match template labels/);
    // Cross-object checks run once each document is clean on its own.
    const cross = refused(`
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: nowhere}
spec: {containers: [{name: c, command: [sleep, "1"]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec: {serviceAccountName: ghost, containers: [{name: c, command: [sleep, "1"]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec: {containers: [{name: c, command: [sleep, "1"]}]}
`);
    assert.match(cross, /Pod nowhere\/a.*metadata.namespace: "nowhere": namespaces "nowhere" not found/);
    assert.match(cross, /Pod default\/b.*spec.serviceAccountName: "ghost": serviceaccount "ghost" not found/);
    assert.match(cross, /Pod default\/b.*defined more than once/);
  });

  it('reports YAML syntax errors with the file and line', () => {
    assert.throws(() => parseManifestText('a: [1, 2\nb: c\n', 'bad.yaml'), /bad.yaml: line \d+, column \d+ YAML syntax error/);
  });
});
